// SPDX-License-Identifier: Apache-2.0
// What tst_sqlitejournal and tst_journalfaults share: messages, an appender that records what
// done() says, the journal's options and its opening, and reads of a whole stream.
#pragma once

#include <sqlitejournal.h>

#include <switchboard/binarycodec.h>

#include <QTest>

namespace sbtest::journal {

using namespace sb;

Message ev(const QString &topic, const QByteArray &payload = "p")
{
    Message m(MessageType::Event, topic, payload);
    m.setId(QStringLiteral("id-") + QString::fromLatin1(payload));
    return m;
}

// Appends and collects what done() says, in the order it says it.
struct Appender
{
    QList<Result<quint64>> results;
    void put(Journal &j, const QString &stream, const Message &m, const SyncPolicy &sync = {})
    {
        j.append(stream, m, sync, [this](const Result<quint64> &r) { results.append(r); });
    }
    bool waitFor(int n, int ms = 10000)
    {
        (void)QTest::qWaitFor([&] { return results.size() >= n; }, ms);
        return results.size() == n;
    }
};

SqliteJournalOptions options(const QString &dir)
{
    SqliteJournalOptions o;
    o.directory = dir;
    o.budgetBytes = 64 * 1024 * 1024;
    return o;
}

std::unique_ptr<SqliteJournal> openOk(const SqliteJournalOptions &o)
{
    Result<std::unique_ptr<SqliteJournal>> j = SqliteJournal::open(o);
    if (!j)
        qWarning("open: %s", qPrintable(j.error().message));
    return j ? std::move(j).value() : nullptr;
}

JournalQuery all(const QString &stream)
{
    JournalQuery q;
    q.stream = stream;
    q.limit = JournalQuery::MaxLimit;
    return q;
}

QList<quint64> seqs(const Result<QList<StoredMessage>> &list)
{
    QList<quint64> out;
    for (const StoredMessage &m : list.value())
        out.append(m.seq);
    return out;
}

} // namespace sbtest::journal
