// A prepared SQLite statement that finalizes itself, shared by the ledger and the sandbox
// registry. Errors become OutputError prefixed with the caller's context.
#pragma once

#include "formats/errors.hpp"

#include <sqlite3.h>

#include <string>

namespace healthdoc::push {

class SqliteStatement {
public:
    // Prepares `sql` on `db`; throws OutputError("<context>: <sqlite message>") on failure.
    SqliteStatement(sqlite3* db, const std::string& sql, std::string context)
        : m_db(db), m_context(std::move(context)) {
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &m_stmt, nullptr) != SQLITE_OK) fail();
    }
    ~SqliteStatement() { sqlite3_finalize(m_stmt); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    void bind(int index, const std::string& text) {
        sqlite3_bind_text(m_stmt, index, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    }
    void bind_blob(int index, const std::string& bytes) {
        sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    }
    void bind_int(int index, long long value) { sqlite3_bind_int64(m_stmt, index, value); }
    // SQLITE_ROW or SQLITE_DONE; throws OutputError on anything else.
    int step() {
        int rc = sqlite3_step(m_stmt);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail();
        return rc;
    }
    // Column `index` of the current row as text ("" for NULL).
    std::string text(int index) const {
        const auto* value = sqlite3_column_text(m_stmt, index);
        return value ? reinterpret_cast<const char*>(value) : "";
    }
    sqlite3_stmt* get() const noexcept { return m_stmt; }

private:
    [[noreturn]] void fail() const { throw OutputError(m_context + ": " + sqlite3_errmsg(m_db)); }

    sqlite3* m_db;
    std::string m_context;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace healthdoc::push
