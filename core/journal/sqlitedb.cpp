// SPDX-License-Identifier: Apache-2.0
#include "sqlitedb.h"

#include <sqlite3.h>

namespace sb::journal {

SqliteDb::~SqliteDb()
{
    close();
}

Status SqliteDb::open(const QString &path, bool create, const QByteArray &vfs)
{
    close();
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags, vfs.isEmpty() ? nullptr : vfs.constData());
    if (rc != SQLITE_OK) {
        const Error e = m_db ? error(QStringLiteral("open %1").arg(path))
                             : Error(ErrorCode::StorageFailed, QStringLiteral("open %1: out of memory").arg(path));
        close();
        return e;
    }
    sqlite3_extended_result_codes(m_db, 1);
    return {};
}

void SqliteDb::close()
{
    if (m_db)
        sqlite3_close_v2(m_db);
    m_db = nullptr;
}

Status SqliteDb::exec(const char *sql)
{
    char *msg = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &msg);
    sqlite3_free(msg);
    if (rc != SQLITE_OK)
        return error(QString::fromUtf8(sql).left(60));
    return {};
}

bool SqliteDb::isCorruption(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

bool SqliteDb::isStorageError(int code)
{
    const int primary = code & 0xff;
    return isCorruption(code) || primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN
        || primary == SQLITE_READONLY || primary == SQLITE_PERM;
}

Error SqliteDb::error(const QString &what) const
{
    const int code = m_db ? sqlite3_extended_errcode(m_db) : SQLITE_ERROR;
    const QString msg = m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QStringLiteral("not open");
    return Error(isStorageError(code) ? ErrorCode::StorageFailed : ErrorCode::Internal,
                 QStringLiteral("%1: %2 (SQLite %3)").arg(what, msg).arg(code),
                 {{QStringLiteral("sqlite"), code}});
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

Status SqliteStatement::prepare(SqliteDb &db, const char *sql)
{
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    if (sqlite3_prepare_v3(db.handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK)
        return db.error(QStringLiteral("prepare"));
    return {};
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void SqliteStatement::bind(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bind(int index, const QByteArray &value)
{
    sqlite3_bind_blob64(m_stmt, index, value.constData(), sqlite3_uint64(value.size()), SQLITE_TRANSIENT);
}

int SqliteStatement::step()
{
    return sqlite3_step(m_stmt);
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

qint64 SqliteStatement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QString SqliteStatement::text(int column) const
{
    return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column)),
                             sqlite3_column_bytes(m_stmt, column));
}

QByteArray SqliteStatement::blob(int column) const
{
    return QByteArray(static_cast<const char *>(sqlite3_column_blob(m_stmt, column)), sqlite3_column_bytes(m_stmt, column));
}

Status stepDone(SqliteDb &db, SqliteStatement &st, const char *what)
{
    const int rc = st.step();
    st.reset();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db.error(QString::fromLatin1(what));
    return {};
}

} // namespace sb::journal
