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

// Version 2 -> 3: a stream's totals are written once a second, not with every batch; counted_to
// is the last message they count (version 2 wrote them with every batch: all of them).
const char *const kV3 = R"sql(
ALTER TABLE streams ADD COLUMN counted_to INTEGER NOT NULL DEFAULT 0;
UPDATE streams SET counted_to = coalesce((SELECT max(seq) FROM messages WHERE stream = streams.id), 0);
)sql";

// Migration N takes a database at version N to N + 1. A later schema adds its step here.
const char *const kMigrations[] = {kV1, kV2, kV3};
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

Status Schema::settleTotals(SqliteDb &db, qint64 *recounted)
{
    *recounted = 0;
    SqliteStatement streams, tail, update;
    if (Status st = streams.prepare(db, "SELECT id, counted_to FROM streams"); !st)
        return st;
    if (Status st = tail.prepare(db, "SELECT count(*), coalesce(sum(size), 0), max(seq) FROM messages "
                                     "WHERE stream = ?1 AND seq > ?2");
        !st)
        return st;
    if (Status st = update.prepare(db, "UPDATE streams SET count = count + ?2, bytes = bytes + ?3, counted_to = ?4 "
                                       "WHERE id = ?1");
        !st)
        return st;
    if (Status st = db.exec("BEGIN IMMEDIATE"); !st)
        return st;
    auto fail = [&db](const QString &what) {
        const Error e = db.error(what);
        db.exec("ROLLBACK");
        return Status(e);
    };
    int rc;
    while ((rc = streams.step()) == SQLITE_ROW) {
        tail.bind(1, streams.int64(0));
        tail.bind(2, streams.int64(1));
        if (tail.step() != SQLITE_ROW)
            return fail(QStringLiteral("count the messages after a stream's totals"));
        const qint64 n = tail.int64(0), bytes = tail.int64(1), last = tail.int64(2);
        tail.reset();
        if (n == 0)
            continue;
        update.bind(1, streams.int64(0));
        update.bind(2, n);
        update.bind(3, bytes);
        update.bind(4, last);
        const int u = update.step();
        update.reset();
        if (u != SQLITE_DONE)
            return fail(QStringLiteral("correct a stream's totals"));
        *recounted += n;
    }
    if (rc != SQLITE_DONE)
        return fail(QStringLiteral("read the streams"));
    streams.reset();
    return db.exec("COMMIT");
}

} // namespace sb::journal
