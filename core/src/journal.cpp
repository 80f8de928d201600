// SPDX-License-Identifier: Apache-2.0
#include <switchboard/journal.h>
#include <switchboard/topic.h>

#include <algorithm>

namespace sb {

Status JournalQuery::validate() const
{
    if (!topic.isEmpty()) {
        if (Status st = Topic::validatePattern(topic); !st)
            return st;
    }
    if (limit < 1 || limit > MaxLimit)
        return Error(ErrorCode::BadMessage, QStringLiteral("limit must be from 1 to %1, not %2").arg(MaxLimit).arg(limit),
                     {{QStringLiteral("limit"), MaxLimit}});
    if (fromMs < 0 || toMs < 0 || (toMs > 0 && fromMs > toMs))
        return Error(ErrorCode::BadMessage, QStringLiteral("the time range is empty or negative (from %1 to %2)").arg(fromMs).arg(toMs));
    return {};
}

bool StoredMessage::isExpired(qint64 nowMs) const
{
    const qint64 ttl = message.ttl();
    if (ttl <= 0 || storedAtMs < Message::PlausibleClockMs || nowMs < Message::PlausibleClockMs)
        return false;
    qint64 deadline;
    if (__builtin_add_overflow(storedAtMs, ttl, &deadline))
        return false;
    return deadline < nowMs;
}

Result<qint64> Journal::count(const QString &stream, quint64 afterSeq, const QString &topic, qint64 cap) const
{
    JournalQuery q;
    q.stream = stream;
    q.topic = topic;
    q.afterSeq = afterSeq;
    q.limit = JournalQuery::MaxLimit;
    qint64 n = 0;
    while (n < cap) {
        const Result<QList<StoredMessage>> page = read(q);
        if (!page)
            return page.error();
        if (page.value().isEmpty())
            break;
        n += page.value().size();
        q.afterSeq = page.value().last().seq;
        if (page.value().size() < q.limit)
            break;
    }
    return std::min(n, cap);
}

QVariantMap JournalStatus::toVariantMap() const
{
    return {{QStringLiteral("kind"), kind},
            {QStringLiteral("failed"), failed},
            {QStringLiteral("error"), error},
            {QStringLiteral("lowSpace"), lowSpace},
            {QStringLiteral("bytes"), bytes},
            {QStringLiteral("budgetBytes"), budgetBytes},
            {QStringLiteral("messages"), messages},
            {QStringLiteral("appended"), appended},
            {QStringLiteral("refusedFull"), refusedFull},
            {QStringLiteral("failedAppends"), failedAppends},
            {QStringLiteral("expired"), expired}};
}

} // namespace sb
