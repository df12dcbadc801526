// The push ledger: one SQLite file recording, per endpoint, document id and content hash,
// whether a document is being sent, was accepted (with the server's ids) or was refused.
// It is what makes re-runs skip accepted documents and what lets a run killed at any moment
// converge without sending a document twice.
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace healthdoc::push {

enum class LedgerState { sending, accepted, refused };

// "sending", "accepted", "refused".
std::string_view to_string(LedgerState state);

// What identifies one submission: the same bytes of the same document to the same endpoint.
struct LedgerKey {
    std::string endpoint;
    std::string document_id;
    std::string content_hash; // SHA-256 hex of the document bytes
};

struct LedgerEntry {
    LedgerKey key;
    LedgerState state = LedgerState::sending;
    std::string server_ids; // JSON text the transport chose (locations, uniqueIds); may be empty
    std::string reason;     // why it was refused; never a secret, never patient values
    int attempts = 0;
    std::string updated_at; // ISO 8601 UTC
};

// The default ledger file: ${XDG_STATE_HOME:-~/.local/state}/healthdoc/ledger.sqlite.
std::filesystem::path default_ledger_path();

// An open ledger. Every method is one SQLite transaction, safe to call from several threads,
// and durable once it returns (WAL, synchronous=FULL), so a kill never leaves a half state.
class Ledger {
public:
    // Opens or creates the file (and its folder). Throws OutputError when it cannot.
    explicit Ledger(const std::filesystem::path& path);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;

    // The entry for `key`, or std::nullopt when this submission was never started.
    std::optional<LedgerEntry> find(const LedgerKey& key) const;
    // Records that a send is about to start (creating the entry or counting one more attempt).
    void mark_sending(const LedgerKey& key);
    // Records the server's acceptance with its ids (JSON text).
    void mark_accepted(const LedgerKey& key, const std::string& server_ids);
    // Records a refusal and its reason.
    void mark_refused(const LedgerKey& key, const std::string& reason);
    // Every entry, oldest first.
    std::vector<LedgerEntry> entries() const;

    const std::filesystem::path& path() const noexcept { return m_path; }

private:
    void execute(const char* sql) const;
    void upsert(const LedgerKey& key, LedgerState state, const std::string* server_ids, const std::string* reason,
                bool count_attempt);

    std::filesystem::path m_path;
    sqlite3* m_db = nullptr;
    mutable std::mutex m_mutex;
};

} // namespace healthdoc::push
