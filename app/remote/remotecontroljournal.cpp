// SPDX-License-Identifier: Apache-2.0
// RemoteControl: the journal (sbctl messages, durables, journal check; the console).
#include "remotecontrol.h"
#include "remoteresult.h"

#include <switchboard/bus.h>
#include <switchboard/hub.h>
#include <switchboard/journal.h>
#include <switchboard/jsoncodec.h>

#include <algorithm>

namespace sb::remote {

using RemoteResult::failure;
using RemoteResult::ok;

namespace {

// Reading what \a channel stored (messages, its timeline): the channel exists ("" is the default
// space), and \a who may subscribe to \a topic there (">" when empty).
Status mayReadStored(Bus &bus, const Principal &who, const QString &channel, const QString &topic)
{
    if (!channel.isEmpty() && !bus.channel(channel))
        return Error(ErrorCode::ChannelNotFound, QStringLiteral("channel \"%1\" does not exist").arg(channel),
                     {{QStringLiteral("channel"), channel}});
    return bus.mayAct(who, Action::Subscribe, channel, topic.isEmpty() ? QStringLiteral(">") : topic);
}

// A whole number in \a query under \a key (\a fallback when absent), or why it is not one.
Result<qint64> wholeNumber(const QVariantMap &query, const QString &key, qint64 fallback)
{
    const QVariant v = query.value(key);
    if (!v.isValid() || v.isNull())
        return fallback;
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    if (!ok || (v.typeId() == QMetaType::Double && double(n) != v.toDouble()))
        return Error(ErrorCode::BadMessage, QStringLiteral("%1 must be a whole number, not \"%2\"").arg(key, v.toString()),
                     {{QStringLiteral("field"), key}});
    return n;
}

} // namespace

QVariantMap RemoteControl::storedMessages(const QString &channel, const QVariantMap &query)
{
    JournalQuery q;
    q.stream = channel;
    q.topic = query.value(QStringLiteral("topic")).toString();
    q.afterSeq = query.value(QStringLiteral("afterSeq")).toULongLong();
    q.fromMs = query.value(QStringLiteral("from")).toLongLong();
    q.toMs = query.value(QStringLiteral("to")).toLongLong();
    q.limit = query.value(QStringLiteral("limit"), 100).toInt();
    if (Status st = q.validate(); !st)
        return failure(st.error());
    Bus *bus = m_hub->bus();
    if (Status st = mayReadStored(*bus, m_principal, channel, q.topic); !st)
        return failure(st.error());
    QVariantList rows;
    QVariantMap answer;
    if (const Journal *journal = bus->journalInUse()) {
        const Result<QList<StoredMessage>> stored = journal->read(q);
        if (!stored)
            return failure(stored.error());
        for (const StoredMessage &m : stored.value())
            rows.append(QVariantMap{{QStringLiteral("seq"), QString::number(m.seq)},
                                    {QStringLiteral("storedAt"), m.storedAtMs},
                                    {QStringLiteral("message"), JsonCodec::toJsonObject(m.message).toVariantMap()}});
        if (stored.value().size() == q.limit)
            answer.insert(QStringLiteral("nextAfterSeq"), QString::number(stored.value().last().seq));
    }
    answer.insert(QStringLiteral("rows"), rows);
    return ok(answer);
}

QVariantMap RemoteControl::storedDensity(const QString &channel, const QVariantMap &query)
{
    DensityQuery q;
    q.stream = channel;
    q.topic = query.value(QStringLiteral("topic")).toString();
    for (const auto &[key, field] : {std::pair{QStringLiteral("from"), &q.fromMs}, std::pair{QStringLiteral("to"), &q.toMs}}) {
        const Result<qint64> n = wholeNumber(query, key, 0);
        if (!n)
            return failure(n.error());
        *field = n.value();
    }
    const Result<qint64> buckets = wholeNumber(query, QStringLiteral("buckets"), 100);
    if (!buckets)
        return failure(buckets.error());
    q.buckets = int(std::clamp<qint64>(buckets.value(), -1, DensityQuery::MaxBuckets + 1)); // validate() names the bounds
    if (Status st = q.validate(); !st)
        return failure(st.error());
    Bus *bus = m_hub->bus();
    if (Status st = mayReadStored(*bus, m_principal, channel, q.topic); !st)
        return failure(st.error());
    const Journal *journal = bus->journalInUse();
    if (!journal) {
        StoredDensity none;
        none.span(q);
        return ok(none.toVariantMap());
    }
    const Result<StoredDensity> density = journal->density(q);
    return density ? ok(density.value().toVariantMap()) : failure(density.error());
}

QVariantMap RemoteControl::deleteDurable(const QString &name)
{
    if (Status st = m_hub->bus()->deleteDurable(name, m_principal); !st)
        return failure(st.error());
    refresh();
    return ok({{QStringLiteral("name"), name}});
}

QVariantMap RemoteControl::checkJournal()
{
    if (!m_journalCheck)
        return failure(Error(ErrorCode::NotFound,
                             QStringLiteral("this hub keeps no journal on disk (no persistent channel or journal.path)")));
    const Result<QStringList> problems = m_journalCheck();
    if (!problems)
        return failure(problems.error());
    return ok({{QStringLiteral("problems"), problems.value()}});
}

} // namespace sb::remote
