#include "push/ledger.hpp"

#include "formats/text_utils.hpp"

#include "formats/errors.hpp"
#include "push/sqlite_statement.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace healthdoc::push {
namespace {

LedgerState parse_state(const std::string& text) {
    if (text == "accepted") return LedgerState::accepted;
    if (text == "refused") return LedgerState::refused;
    return LedgerState::sending;
}

LedgerEntry read_entry(const SqliteStatement& row) {
    LedgerEntry entry;
    entry.key = LedgerKey{row.text(0), row.text(1), row.text(2)};
    entry.state = parse_state(row.text(3));
    entry.server_ids = row.text(4);
    entry.reason = row.text(5);
    entry.attempts = sqlite3_column_int(row.get(), 6);
    entry.updated_at = row.text(7);
    return entry;
}

constexpr const char* k_columns =
    "endpoint, document_id, content_hash, state, server_ids, reason, attempts, updated_at";

} // namespace

std::string_view to_string(LedgerState state) {
    switch (state) {
    case LedgerState::sending: return "sending";
    case LedgerState::accepted: return "accepted";
    case LedgerState::refused: return "refused";
    }
    return "sending";
}

std::filesystem::path default_ledger_path() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
        return std::filesystem::path(state) / "healthdoc" / "ledger.sqlite";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "state" / "healthdoc" / "ledger.sqlite";
}

Ledger::Ledger(const std::filesystem::path& path) : m_path(path) {
    std::error_code ec;
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string message = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        throw OutputError(path.string() + ": cannot open the ledger: " + message);
    }
    sqlite3_busy_timeout(m_db, 10000);
    // WAL + FULL: each committed state change survives a kill or a power cut, and several
    // healthdoc processes may share one ledger.
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=FULL");
    execute("CREATE TABLE IF NOT EXISTS submissions ("
            " endpoint TEXT NOT NULL, document_id TEXT NOT NULL, content_hash TEXT NOT NULL,"
            " state TEXT NOT NULL CHECK (state IN ('sending','accepted','refused')),"
            " server_ids TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '',"
            " attempts INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL,"
            " PRIMARY KEY (endpoint, document_id, content_hash))");
}

Ledger::~Ledger() { sqlite3_close(m_db); }

void Ledger::execute(const char* sql) const {
    char* error = nullptr;
    if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw OutputError(m_path.string() + ": ledger: " + message);
    }
}

std::optional<LedgerEntry> Ledger::find(const LedgerKey& key) const {
    std::lock_guard lock(m_mutex);
    SqliteStatement s(m_db,
                      std::string("SELECT ") + k_columns +
                          " FROM submissions WHERE endpoint=?1 AND document_id=?2 AND content_hash=?3",
                      m_path.string() + ": ledger");
    s.bind(1, key.endpoint);
    s.bind(2, key.document_id);
    s.bind(3, key.content_hash);
    if (s.step() == SQLITE_ROW) return read_entry(s);
    return std::nullopt;
}

void Ledger::upsert(const LedgerKey& key, LedgerState state, const std::string* server_ids, const std::string* reason,
                    bool count_attempt) {
    std::lock_guard lock(m_mutex);
    SqliteStatement s(m_db,
                      "INSERT INTO submissions (endpoint, document_id, content_hash, state, server_ids, reason,"
                      " attempts, updated_at) VALUES (?1, ?2, ?3, ?4, coalesce(?5, ''), coalesce(?6, ''), ?7, ?8)"
                      " ON CONFLICT (endpoint, document_id, content_hash) DO UPDATE SET state=excluded.state,"
                      " server_ids=coalesce(?5, server_ids), reason=coalesce(?6, reason),"
                      " attempts=attempts + ?7, updated_at=excluded.updated_at",
                      m_path.string() + ": ledger write failed");
    s.bind(1, key.endpoint);
    s.bind(2, key.document_id);
    s.bind(3, key.content_hash);
    s.bind(4, std::string(to_string(state)));
    if (server_ids) s.bind(5, *server_ids);
    if (reason) s.bind(6, *reason);
    s.bind_int(7, count_attempt ? 1 : 0);
    s.bind(8, formats::utc_timestamp_now());
    s.step();
}

void Ledger::mark_sending(const LedgerKey& key) {
    std::string no_reason;
    upsert(key, LedgerState::sending, nullptr, &no_reason, true);
}

void Ledger::mark_accepted(const LedgerKey& key, const std::string& server_ids) {
    std::string no_reason;
    upsert(key, LedgerState::accepted, &server_ids, &no_reason, false);
}

void Ledger::mark_refused(const LedgerKey& key, const std::string& reason) {
    upsert(key, LedgerState::refused, nullptr, &reason, false);
}

std::vector<LedgerEntry> Ledger::entries() const {
    std::lock_guard lock(m_mutex);
    SqliteStatement s(m_db, std::string("SELECT ") + k_columns + " FROM submissions ORDER BY rowid",
                      m_path.string() + ": ledger");
    std::vector<LedgerEntry> out;
    while (s.step() == SQLITE_ROW) out.push_back(read_entry(s));
    return out;
}

} // namespace healthdoc::push
