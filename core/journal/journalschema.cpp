// SPDX-License-Identifier: Apache-2.0
#include "journalschema.h"

#include <sqlite3.h>

namespace sb::journal {

namespace {

// Version 0 -> 1: the first schema.
const char *const kV1 = R"sql(
CREATE TABLE streams(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                     count INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE messages(seq INTEGER PRIMARY KEY, stream INTEGER NOT NULL, topic TEXT NOT NULL,
                      stored_at INTEGER NOT NULL, size INTEGER NOT NULL, body BLOB NOT NULL);
CREATE INDEX messages_by_stream ON messages(stream, seq);
CREATE TABLE positions(name TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// Version 1 -> 2: dead letters.
const char *const kV2 = R"sql(
CREATE TABLE dead_letters(id INTEGER PRIMARY KEY, reason INTEGER NOT NULL, attempts INTEGER NOT NULL,
                          dead_at INTEGER NOT NULL, destination TEXT NOT NULL, detail TEXT NOT NULL,
                          message BLOB NOT NULL);
)sql";

// Migration N takes a database at version N to N + 1. A later schema adds its step here.
const char *const kMigrations[] = {kV1, kV2};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == Schema::Version, "one migration per version");

} // namespace

int Schema::version(SqliteDb &db)
{
    SqliteStatement st;
    if (!st.prepare(db, "PRAGMA user_version") || st.step() != SQLITE_ROW)
        return -1;
    return int(st.int64(0));
}

Status Schema::migrate(SqliteDb &db)
{
    const int current = version(db);
    if (current < 0)
        return db.error(QStringLiteral("read the schema version"));
    if (current > Version)
        return Error(ErrorCode::StorageFailed,
                     QStringLiteral("the journal's schema is version %1, newer than this switchboardd's (%2): it was "
                                    "written by a later release; run that release, or move the journal aside")
                         .arg(current)
                         .arg(Version),
                     {{QStringLiteral("schema"), current}});
    if (current == Version)
        return {};
    if (Status st = db.exec("BEGIN IMMEDIATE"); !st)
        return st;
    for (int v = current; v < Version; ++v) {
        if (Status st = db.exec(kMigrations[v]); !st) {
            db.exec("ROLLBACK");
            return Error(st.error().code, QStringLiteral("migrate the journal from version %1: %2").arg(v).arg(st.error().message));
        }
    }
    const QByteArray setVersion = "PRAGMA user_version = " + QByteArray::number(Version);
    if (Status st = db.exec(setVersion.constData()); !st) {
        db.exec("ROLLBACK");
        return st;
    }
    return db.exec("COMMIT");
}

} // namespace sb::journal
