// SPDX-License-Identifier: Apache-2.0
// Durable subscriptions: members read the journal from the durable's acknowledged position; each
// delivery waits for its ack, is made again after limits.durable-ack-timeout, and is
// dead-lettered after limits.durable-max-deliver deliveries (at least once).
#include <switchboard/bus.h>
#include <switchboard/journal.h>
#include <switchboard/topic.h>

#include "bus_p.h"

#include <QDateTime>

#include <QTimer>

#include <chrono>

namespace sb {

namespace {

qint64 monoMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Status checkDurableName(const QString &name)
{
    if (name.isEmpty() || name.size() > 128 || name.contains(QLatin1Char(' ')) || name.contains(QLatin1Char('/')))
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("a durable subscription's name is 1 to 128 characters without spaces or '/'"),
                     {{QStringLiteral("durable"), name.left(128)}});
    return {};
}

} // namespace

QString Bus::seqHeader()
{
    return QStringLiteral("x-sb-seq");
}

Status Bus::joinDurable(Subscription *sub, const SubscriptionOptions &o)
{
    if (Status st = checkDurableName(o.durable); !st)
        return st;
    const Space *sp = sub->space;
    const bool persistent = sp->isDefault ? !m_persistentTopics.isEmpty() : sp->config.persistence.persistent;
    if (!persistent)
        return Error(ErrorCode::BadMessage,
                     QStringLiteral("durable subscription \"%1\" needs a persistent channel (persistent: true) or, in the "
                                    "default space, topics listed in journal.topics")
                         .arg(o.durable),
                     {{QStringLiteral("durable"), o.durable}, {QStringLiteral("channel"), o.channel}});
    Durable *d = nullptr;
    auto it = m_durables.find(o.durable);
    if (it != m_durables.end()) {
        d = it->second.get();
        if (d->channel != o.channel || d->pattern != o.pattern)
            return Error(ErrorCode::Conflict,
                         QStringLiteral("durable subscription \"%1\" reads channel \"%2\", pattern \"%3\": join it with the "
                                        "same, or delete it first")
                             .arg(d->name, d->channel, d->pattern),
                         {{QStringLiteral("durable"), d->name}});
    } else {
        if (int(m_durables.size()) >= m_limits.durables.maxDurables) {
            ++m_refusals.limits;
            return Error(ErrorCode::LimitExceeded,
                         QStringLiteral("the hub keeps %1 durable subscriptions, the most allowed (limits.max-durables); "
                                        "delete unused ones")
                             .arg(m_durables.size()),
                         {{QStringLiteral("limit"), m_limits.durables.maxDurables}});
        }
        auto nd = std::make_unique<Durable>();
        nd->name = o.durable;
        nd->channel = o.channel;
        nd->pattern = o.pattern;
        Journal *j = journal();
        nd->saved = j->position(o.durable);
        nd->cursor = nd->saved ? nd->saved : (o.fromStart ? 0 : j->lastSeq(o.channel));
        d = nd.get();
        m_durables.emplace(d->name, std::move(nd));
    }
    sub->durable = d;
    d->members.append(sub);
    if (!m_durableTimer) {
        m_durableTimer = new QTimer(this);
        connect(m_durableTimer, &QTimer::timeout, this, &Bus::durableTick);
    }
    const int tick = qBound(20, m_limits.durables.ackTimeoutMs / 4, 1000);
    if (!m_durableTimer->isActive() || m_durableTimer->interval() > tick)
        m_durableTimer->start(tick);
    return {};
}

void Bus::leaveDurable(Subscription *sub)
{
    Durable &d = *sub->durable;
    d.members.removeOne(sub);
    sub->durable = nullptr;
    if (d.members.isEmpty()) {
        // Nobody left to ack: the next member starts again at the position (duplicates are allowed).
        d.cursor = d.position();
        d.inFlight.clear();
        d.caughtUp = false;
        savePosition(d);
        return;
    }
    for (auto &[seq, f] : d.inFlight) {
        if (f.member == sub->id)
            f.deadline = 0; // given to another member on the next tick
    }
}

bool Bus::deliverDurable(Durable &d, quint64 seq, const Message &stored, int attempt)
{
    if (d.members.isEmpty())
        return false;
    Subscription *member = d.members[qsizetype(d.nextMember++ % quint64(d.members.size()))];
    Message m = stored;
    // The bus judged its TTL when it took it from the journal (by its stored time); a queue
    // that expired it again would leave the delivery waiting for an ack that cannot come.
    if (m.ttl() > 0)
        m.setTtl(0);
    const QString seqText = QString::number(seq);
    if (m.header(seqHeader()) != seqText)
        m.setHeader(seqHeader(), seqText);
    if (attempt > 1)
        m.setAttempt(attempt);
    const FilterInput input(m);
    const bool offered = offer(member, m, &input);
    // Not offered: filtered or withheld (done for this subscription), or the member is gone (made
    // again to another member).
    if (!offered && member->link->isAlive())
        return false;
    Durable::InFlight &f = d.inFlight[seq];
    f.member = member->id;
    f.attempt = attempt;
    f.deadline = offered ? monoMs() + m_limits.durables.ackTimeoutMs : 0;
    f.message = stored;
    ++(attempt > 1 ? d.redelivered : d.delivered);
    return true;
}

void Bus::pump(Durable &d)
{
    Journal *j = journal();
    while (!d.members.isEmpty() && !d.caughtUp) {
        const int room = m_limits.durables.maxAckPending - int(d.inFlight.size());
        if (room <= 0)
            return;
        JournalQuery q;
        q.stream = d.channel;
        q.topic = d.pattern;
        q.afterSeq = d.cursor;
        q.limit = qMin(room, JournalQuery::MaxLimit);
        const Result<QList<StoredMessage>> read = j->read(q);
        if (!read) {
            qWarning("durable subscription \"%s\": %s", qPrintable(d.name), qPrintable(read.error().message));
            return;
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const StoredMessage &m : read.value()) {
            if (m.isExpired(now))
                ++d.expired; // its TTL ran out while it was stored: done for this subscription
            else
                deliverDurable(d, m.seq, m.message, 1);
            d.cursor = m.seq;
        }
        if (read.value().size() < q.limit) {
            d.cursor = qMax(d.cursor, j->lastSeq(d.channel));
            d.caughtUp = true;
        }
    }
    savePosition(d);
}

void Bus::storedForDurables(const QString &channel, const Message &message, quint64 seq)
{
    for (auto &[name, d] : m_durables) {
        if (d->channel != channel || d->members.isEmpty() || seq <= d->cursor)
            continue;
        if (!d->caughtUp || int(d->inFlight.size()) >= m_limits.durables.maxAckPending) {
            d->caughtUp = false; // stays in the journal until there is room
            continue;
        }
        if (d->pattern.isEmpty() || Topic::matches(d->pattern, message.topic()))
            deliverDurable(*d, seq, message, 1);
        d->cursor = seq;
        savePosition(*d);
    }
}

void Bus::savePosition(Durable &d)
{
    const quint64 p = d.position();
    if (p <= d.saved || p == 0)
        return;
    if (journal()->savePosition(d.name, p))
        d.saved = p;
}

Status Bus::acknowledge(SubscriptionId id, quint64 seq, const Principal &who, Connection *via)
{
    auto it = m_subscriptions.find(id);
    const Subscription *sub = it == m_subscriptions.end() ? nullptr : it->second.get();
    const bool own = sub && (via ? sub->origin == via : (!sub->origin && sub->principal.stamp() == who.stamp()));
    if (!own)
        return Error(ErrorCode::NotFound, QStringLiteral("no subscription %1 of yours").arg(id),
                     {{QStringLiteral("subscription"), id}});
    if (!sub->durable)
        return Error(ErrorCode::BadMessage, QStringLiteral("subscription %1 is not durable: nothing to acknowledge").arg(id),
                     {{QStringLiteral("subscription"), id}});
    Durable &d = *sub->durable;
    auto f = d.inFlight.find(seq);
    if (f == d.inFlight.end() || f->second.member != id)
        return Error(ErrorCode::NotFound,
                     QStringLiteral("message %1 is not waiting for this subscription's ack (acknowledged already, "
                                    "or made again to another subscriber after limits.durable-ack-timeout)")
                         .arg(seq),
                     {{QStringLiteral("seq"), QString::number(seq)}});
    d.inFlight.erase(f);
    ++d.acknowledged;
    savePosition(d);
    pump(d);
    return {};
}

void Bus::durableTick()
{
    const qint64 now = monoMs();
    bool busy = false;
    for (auto &[name, d] : m_durables) {
        if (d->members.isEmpty())
            continue;
        busy = true;
        QList<quint64> due;
        for (const auto &[seq, f] : d->inFlight) {
            if (f.deadline <= now)
                due.append(seq);
        }
        for (quint64 seq : due) {
            Durable::InFlight f = d->inFlight[seq];
            d->inFlight.erase(seq);
            if (f.attempt >= m_limits.durables.maxDeliver) {
                Message m = f.message;
                m.setAttempt(f.attempt + 1);
                deadLetter(m, DeadLetterReason::HandlerFailed, d->channel.isEmpty() ? m.topic() : d->channel,
                           QStringLiteral("not acknowledged after %1 deliveries (durable subscription \"%2\")")
                               .arg(f.attempt)
                               .arg(d->name));
                ++d->deadLettered;
                continue;
            }
            deliverDurable(*d, seq, f.message, f.attempt + 1);
        }
        savePosition(*d);
        pump(*d);
    }
    reapGone();
    if (!busy)
        m_durableTimer->stop();
}

QVariantList Bus::durables(bool backlog) const
{
    QVariantList out;
    for (const auto &[name, d] : m_durables) {
        QVariantMap row{{QStringLiteral("name"), d->name},
                        {QStringLiteral("channel"), d->channel},
                        {QStringLiteral("pattern"), d->pattern},
                        {QStringLiteral("position"), QString::number(d->position())},
                        {QStringLiteral("subscribers"), d->members.size()},
                        {QStringLiteral("waitingForAck"), qint64(d->inFlight.size())},
                        {QStringLiteral("delivered"), d->delivered},
                        {QStringLiteral("redelivered"), d->redelivered},
                        {QStringLiteral("acknowledged"), d->acknowledged},
                        {QStringLiteral("deadLettered"), d->deadLettered},
                        {QStringLiteral("expired"), d->expired}};
        if (backlog && m_journal) {
            const Result<qint64> n = m_journal->count(d->channel, d->position(), d->pattern, BacklogCountCap);
            row.insert(QStringLiteral("backlog"), n ? n.value() : qint64(-1));
            row.insert(QStringLiteral("backlogCapped"), n && n.value() >= BacklogCountCap);
        }
        out.append(row);
    }
    return out;
}

Status Bus::deleteDurable(const QString &name, const Principal &who)
{
    auto it = m_durables.find(name);
    if (it == m_durables.end())
        return Error(ErrorCode::NotFound, QStringLiteral("no durable subscription \"%1\"").arg(name),
                     {{QStringLiteral("durable"), name}});
    if (Status st = administer(who, it->second->channel); !st)
        return st;
    const Error reason(ErrorCode::NotFound, QStringLiteral("durable subscription \"%1\" was deleted").arg(name));
    const QVector<Subscription *> members = it->second->members;
    for (Subscription *s : members)
        endSubscription(s->id, reason);
    journal()->removePosition(name); // NOT_FOUND when it never got one: nothing to forget
    m_durables.erase(name);
    return {};
}

} // namespace sb
