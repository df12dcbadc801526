// The sandbox's document registry: one SQLite file holding every document received over MHD
// (ITI-65) or XDS.b (ITI-41), its metadata and its bytes, so that both transports are searched
// (ITI-67) and retrieved (ITI-68) alike and documents survive a restart.
// Module sandbox: the local health-space stand-in; depends on push/ and the modules below it,
// never on cli/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace healthdoc::sandbox {

// One stored document entry (DocumentReference / XDSDocumentEntry) with its content.
struct StoredDocument {
    std::string id;                 // logical id on this server (DocumentReference and Binary)
    std::string entry_uuid;         // XDS entryUUID ("urn:uuid:..."), generated when absent
    std::string master_system;      // masterIdentifier.system; "urn:ietf:rfc:3986" for XDS
    std::string master_value;       // masterIdentifier.value / XDS uniqueId
    std::string patient_system;     // subject identifier system ("urn:oid:..."), may be empty
    std::string patient_value;      // subject identifier value, may be empty
    std::string patient_reference;  // literal subject reference ("Patient/x"), may be empty
    std::string status = "current"; // current | superseded
    std::string type_system;        // DocumentReference.type.coding[0] / XDS typeCode scheme
    std::string type_code;
    std::string content_type;       // MIME type of the content
    std::int64_t size = 0;          // bytes of the content
    std::string sha1_hex;           // lower-case hex SHA-1 of the content
    std::string created;            // when the sandbox stored it (ISO 8601 UTC)
    std::string transport;          // "mhd" or "xds"
    std::string submission_set;     // submission set unique id (or List id), may be empty
    std::string document_reference; // the DocumentReference JSON (attachment.url "Binary/<id>")
    std::string content;            // the document bytes (absent from search results)
};

// A replacement to apply with a store: the entry matching `target_id` (logical id or entryUUID)
// or `target_master` (master identifier value) becomes superseded.
struct Replacement {
    std::string target_id;
    std::string target_master;
};

// Search criteria; every set field must match (AND). Empty lists / nullopt match anything.
struct DocumentQuery {
    std::optional<std::string> id;
    std::optional<std::string> patient_system; // with patient_value: system must match exactly
    std::optional<std::string> patient_value;
    std::optional<std::string> patient_reference;
    std::optional<std::string> master_system;
    std::optional<std::string> master_value; // also matches "urn:oid:" + value
    std::vector<std::string> statuses; // any of them
};

// Why a store was refused; std::nullopt fields mean that problem did not occur.
struct StoreOutcome {
    bool stored = false;
    std::optional<std::string> duplicate_master; // a master identifier already present
    std::optional<std::string> missing_target;   // a replacement target that is not stored
};

// An open registry. Every method is one SQLite transaction, safe to call from several threads
// (one connection behind a mutex, WAL journal, busy timeout for other processes).
class Registry {
public:
    // Opens or creates the file (and its folder). Throws OutputError when it cannot.
    explicit Registry(const std::filesystem::path& path);
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Stores `documents` and applies `replacements` atomically: either everything is committed
    // or nothing is. Refused (nothing written) when a master identifier is already stored or
    // given twice, or a replacement target does not exist. Throws OutputError on SQLite failure.
    StoreOutcome store(const std::vector<StoredDocument>& documents, const std::vector<Replacement>& replacements);

    // The document with logical id `id` (with its content), or std::nullopt.
    std::optional<StoredDocument> find(const std::string& id) const;
    // The documents matching `query`, oldest first, without their content bytes.
    std::vector<StoredDocument> search(const DocumentQuery& query) const;
    // The id of the entry whose logical id or entryUUID is `key`, or std::nullopt.
    std::optional<std::string> resolve(const std::string& key) const;
    // Number of stored documents.
    std::size_t count() const;

    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    void execute(const char* sql) const;

    std::filesystem::path m_path;
    sqlite3* m_db = nullptr;
    mutable std::mutex m_mutex;
};


} // namespace healthdoc::sandbox
