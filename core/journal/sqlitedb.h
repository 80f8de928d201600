// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QByteArray>
#include <QString>

struct sqlite3;
struct sqlite3_stmt;

namespace sb::journal {

// One SQLite connection, used by one thread. Errors are values: the SQLite message, and whether
// the failure is of the storage itself (I/O, full disk, corruption) rather than of a statement.
class SqliteDb
{
public:
    SqliteDb() = default;
    ~SqliteDb();
    SqliteDb(const SqliteDb &) = delete;
    SqliteDb &operator=(const SqliteDb &) = delete;

    // Opens (creating when \a create) \a path; \a vfs: a registered VFS name, empty for the default.
    Status open(const QString &path, bool create, const QByteArray &vfs = {});
    void close();
    bool isOpen() const { return m_db != nullptr; }
    sqlite3 *handle() const { return m_db; }

    // Runs one or more statements without results.
    Status exec(const char *sql);
    // The error of the last call, as an Error: STORAGE_FAILED for I/O, full disk, corruption and
    // "not a database"; INTERNAL otherwise. \a what says what was being done.
    Error error(const QString &what) const;
    static bool isStorageError(int code);
    static bool isCorruption(int code);

private:
    sqlite3 *m_db = nullptr;
};

// A prepared statement, reset after each use (bind, step..., reset()).
class SqliteStatement
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    Status prepare(SqliteDb &db, const char *sql);
    void bind(int index, qint64 value);
    void bind(int index, const QString &value);
    void bind(int index, const QByteArray &value); // a blob, copied
    // SQLITE_ROW, SQLITE_DONE or an error code.
    int step();
    void reset();
    qint64 int64(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    sqlite3_stmt *handle() const { return m_stmt; }

private:
    sqlite3_stmt *m_stmt = nullptr;
};

// Steps \a st once and resets it: an error (what failed, in \a what) unless it gave a row or was done.
Status stepDone(SqliteDb &db, SqliteStatement &st, const char *what);

} // namespace sb::journal
