#include "sandbox/registry.hpp"

#include "formats/text_utils.hpp"

#include "formats/errors.hpp"
#include "push/sqlite_statement.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <set>

namespace healthdoc::sandbox {
namespace {

// The shared statement wrapper, with the raw handle at hand for column reads.
struct Statement : push::SqliteStatement {
    Statement(sqlite3* database, const std::string& sql)
        : SqliteStatement(database, sql, "sandbox registry"), stmt(get()) {}
    sqlite3_stmt* stmt;
};

std::string column_text(sqlite3_stmt* stmt, int index) {
    const auto* text = sqlite3_column_text(stmt, index);
    return text ? reinterpret_cast<const char*>(text) : "";
}

constexpr const char* k_columns =
    "id, entry_uuid, master_system, master_value, patient_system, patient_value, patient_reference, status, "
    "type_system, type_code, content_type, size, sha1, created, transport, submission_set, document_reference";

StoredDocument read_document(sqlite3_stmt* stmt) {
    StoredDocument doc;
    doc.id = column_text(stmt, 0);
    doc.entry_uuid = column_text(stmt, 1);
    doc.master_system = column_text(stmt, 2);
    doc.master_value = column_text(stmt, 3);
    doc.patient_system = column_text(stmt, 4);
    doc.patient_value = column_text(stmt, 5);
    doc.patient_reference = column_text(stmt, 6);
    doc.status = column_text(stmt, 7);
    doc.type_system = column_text(stmt, 8);
    doc.type_code = column_text(stmt, 9);
    doc.content_type = column_text(stmt, 10);
    doc.size = sqlite3_column_int64(stmt, 11);
    doc.sha1_hex = column_text(stmt, 12);
    doc.created = column_text(stmt, 13);
    doc.transport = column_text(stmt, 14);
    doc.submission_set = column_text(stmt, 15);
    doc.document_reference = column_text(stmt, 16);
    return doc;
}

// Rolls back unless committed, so an exception in the middle of a store writes nothing.
class Transaction {
public:
    explicit Transaction(sqlite3* db) : m_db(db) { run("BEGIN IMMEDIATE"); }
    ~Transaction() {
        if (!m_done) sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit() {
        run("COMMIT");
        m_done = true;
    }

private:
    void run(const char* sql) {
        char* error = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
            std::string message = error ? error : "unknown error";
            sqlite3_free(error);
            throw OutputError("sandbox registry: " + message);
        }
    }
    sqlite3* m_db;
    bool m_done = false;
};

std::optional<std::string> resolve_locked(sqlite3* db, const Replacement& target) {
    if (!target.target_id.empty()) {
        Statement stmt(db, "SELECT id FROM documents WHERE id = ?1 OR entry_uuid = ?1");
        stmt.bind(1, target.target_id);
        if (stmt.step() == SQLITE_ROW) return column_text(stmt.stmt, 0);
    }
    if (!target.target_master.empty()) {
        Statement stmt(db, "SELECT id FROM documents WHERE master_value = ?1");
        stmt.bind(1, target.target_master);
        if (stmt.step() == SQLITE_ROW) return column_text(stmt.stmt, 0);
    }
    return std::nullopt;
}

} // namespace

Registry::Registry(const std::filesystem::path& path) : m_path(path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (sqlite3_open_v2(path.string().c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        m_db = nullptr;
        throw OutputError("cannot open the sandbox database " + path.string() + ": " + message);
    }
    sqlite3_busy_timeout(m_db, 5000);
    try {
        // WAL + synchronous=NORMAL: a committed store survives a killed process (the durability
        // the sandbox promises); only a power cut could lose the last transactions.
        execute("PRAGMA journal_mode=WAL");
        execute("PRAGMA synchronous=NORMAL");
        execute("CREATE TABLE IF NOT EXISTS documents ("
                "seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, entry_uuid TEXT NOT NULL,"
                "master_system TEXT NOT NULL, master_value TEXT NOT NULL UNIQUE, patient_system TEXT NOT NULL,"
                "patient_value TEXT NOT NULL, patient_reference TEXT NOT NULL, status TEXT NOT NULL,"
                "type_system TEXT NOT NULL, type_code TEXT NOT NULL, content_type TEXT NOT NULL,"
                "size INTEGER NOT NULL, sha1 TEXT NOT NULL, created TEXT NOT NULL, transport TEXT NOT NULL,"
                "submission_set TEXT NOT NULL, document_reference TEXT NOT NULL, content BLOB NOT NULL)");
        execute("CREATE INDEX IF NOT EXISTS documents_patient ON documents(patient_value)");
        execute("CREATE INDEX IF NOT EXISTS documents_entry_uuid ON documents(entry_uuid)");
    } catch (...) {
        sqlite3_close(m_db);
        m_db = nullptr;
        throw;
    }
}

Registry::~Registry() { sqlite3_close(m_db); }

void Registry::execute(const char* sql) const {
    char* error = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw OutputError("sandbox registry " + m_path.string() + ": " + message);
    }
}

StoreOutcome Registry::store(const std::vector<StoredDocument>& documents, const std::vector<Replacement>& replacements) {
    std::lock_guard lock(m_mutex);
    StoreOutcome outcome;
    Transaction transaction(m_db);
    std::set<std::string> seen;
    for (const auto& doc : documents) {
        if (!seen.insert(doc.master_value).second) {
            outcome.duplicate_master = doc.master_value;
            return outcome;
        }
        Statement stmt(m_db, "SELECT 1 FROM documents WHERE master_value = ?1");
        stmt.bind(1, doc.master_value);
        if (stmt.step() == SQLITE_ROW) {
            outcome.duplicate_master = doc.master_value;
            return outcome;
        }
    }
    std::vector<std::string> targets;
    for (const auto& replacement : replacements) {
        auto id = resolve_locked(m_db, replacement);
        if (!id) {
            outcome.missing_target = replacement.target_id.empty() ? replacement.target_master : replacement.target_id;
            return outcome;
        }
        targets.push_back(*id);
    }
    for (const auto& id : targets) {
        Statement stmt(m_db, "UPDATE documents SET status = 'superseded' WHERE id = ?1");
        stmt.bind(1, id);
        stmt.step();
    }
    for (const auto& doc : documents) {
        Statement stmt(m_db, std::string("INSERT INTO documents (") + k_columns +
                                 ", content) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                                 "?15, ?16, ?17, ?18)");
        int index = 1;
        for (const auto* text : {&doc.id, &doc.entry_uuid, &doc.master_system, &doc.master_value, &doc.patient_system,
                                 &doc.patient_value, &doc.patient_reference, &doc.status, &doc.type_system,
                                 &doc.type_code, &doc.content_type})
            stmt.bind(index++, *text);
        sqlite3_bind_int64(stmt.stmt, index++, doc.size);
        for (const auto* text : {&doc.sha1_hex, &doc.created, &doc.transport, &doc.submission_set,
                                 &doc.document_reference})
            stmt.bind(index++, *text);
        stmt.bind_blob(index, doc.content);
        stmt.step();
    }
    transaction.commit();
    outcome.stored = true;
    return outcome;
}

std::optional<StoredDocument> Registry::find(const std::string& id) const {
    std::lock_guard lock(m_mutex);
    Statement stmt(m_db, std::string("SELECT ") + k_columns + ", content FROM documents WHERE id = ?1");
    stmt.bind(1, id);
    if (stmt.step() != SQLITE_ROW) return std::nullopt;
    auto doc = read_document(stmt.stmt);
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt.stmt, 17));
    auto bytes = sqlite3_column_bytes(stmt.stmt, 17);
    if (blob && bytes > 0) doc.content.assign(blob, static_cast<std::size_t>(bytes));
    return doc;
}

std::vector<StoredDocument> Registry::search(const DocumentQuery& query) const {
    std::string sql = std::string("SELECT ") + k_columns + " FROM documents WHERE 1";
    std::vector<std::string> values;
    auto add = [&](const char* condition, const std::optional<std::string>& value) {
        if (!value) return;
        values.push_back(*value);
        sql += std::string(" AND ") + condition + " = ?" + std::to_string(values.size());
    };
    add("id", query.id);
    add("patient_system", query.patient_system);
    add("patient_value", query.patient_value);
    add("patient_reference", query.patient_reference);
    add("master_system", query.master_system);
    if (query.master_value) {
        // A bare OID also finds "urn:oid:<OID>", the form MHD gives XDS uniqueIds.
        values.push_back(*query.master_value);
        auto n = std::to_string(values.size());
        sql += " AND (master_value = ?" + n + " OR master_value = 'urn:oid:' || ?" + n + ")";
    }
    if (!query.statuses.empty()) {
        sql += " AND status IN (";
        for (std::size_t i = 0; i < query.statuses.size(); ++i) {
            values.push_back(query.statuses[i]);
            sql += (i ? ", ?" : "?") + std::to_string(values.size());
        }
        sql += ")";
    }
    sql += " ORDER BY seq";
    std::lock_guard lock(m_mutex);
    Statement stmt(m_db, sql);
    for (std::size_t i = 0; i < values.size(); ++i) stmt.bind(static_cast<int>(i + 1), values[i]);
    std::vector<StoredDocument> found;
    while (stmt.step() == SQLITE_ROW) found.push_back(read_document(stmt.stmt));
    return found;
}

std::optional<std::string> Registry::resolve(const std::string& key) const {
    std::lock_guard lock(m_mutex);
    return resolve_locked(m_db, Replacement{key, ""});
}

std::size_t Registry::count() const {
    std::lock_guard lock(m_mutex);
    Statement stmt(m_db, "SELECT COUNT(*) FROM documents");
    stmt.step();
    return static_cast<std::size_t>(sqlite3_column_int64(stmt.stmt, 0));
}

} // namespace healthdoc::sandbox
