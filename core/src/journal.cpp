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

Status DensityQuery::validate() const
{
    if (!topic.isEmpty()) {
        if (Status st = Topic::validatePattern(topic); !st)
            return st;
    }
    if (buckets < 1 || buckets > MaxBuckets)
        return Error(ErrorCode::BadMessage, QStringLiteral("buckets must be from 1 to %1, not %2").arg(MaxBuckets).arg(buckets),
                     {{QStringLiteral("buckets"), MaxBuckets}});
    if (fromMs < 0 || toMs < 0 || fromMs > MaxTimeMs || toMs > MaxTimeMs || (toMs > 0 && fromMs > toMs))
        return Error(ErrorCode::BadMessage, QStringLiteral("the time range is empty, negative or past the year 9999 (from %1 to %2)")
                                                .arg(fromMs)
                                                .arg(toMs));
    return {};
}

void StoredDensity::span(const DensityQuery &query)
{
    counts.clear();
    total = 0;
    if (firstSeq == 0 && query.fromMs == 0 && query.toMs == 0) {
        fromMs = toMs = bucketMs = 0; // nothing stored, no span asked for: no timeline
        return;
    }
    fromMs = query.fromMs > 0 ? query.fromMs : firstMs;
    toMs = query.toMs > 0 ? query.toMs : lastMs;
    toMs = std::max(toMs, fromMs); // from after the last stored message: one empty span
    const qint64 width = toMs - fromMs + 1;
    bucketMs = std::max<qint64>(1, (width + query.buckets - 1) / query.buckets);
    counts = QList<qint64>((width + bucketMs - 1) / bucketMs, 0);
}

int StoredDensity::bucketOf(qint64 ms) const
{
    if (counts.isEmpty() || ms < fromMs || ms > toMs)
        return -1;
    return int(std::min<qint64>((ms - fromMs) / bucketMs, counts.size() - 1));
}

QVariantMap StoredDensity::toVariantMap() const
{
    QVariantList list;
    list.reserve(counts.size());
    for (qint64 n : counts)
        list.append(n);
    return {{QStringLiteral("firstTime"), firstMs},     {QStringLiteral("lastTime"), lastMs},
            {QStringLiteral("firstSeq"), QString::number(firstSeq)}, {QStringLiteral("lastSeq"), QString::number(lastSeq)},
            {QStringLiteral("from"), fromMs},           {QStringLiteral("to"), toMs},
            {QStringLiteral("bucketMs"), bucketMs},     {QStringLiteral("counts"), list},
            {QStringLiteral("total"), total},           {QStringLiteral("estimated"), estimated}};
}

Result<StoredDensity> Journal::density(const DensityQuery &query) const
{
    if (Status st = query.validate(); !st)
        return st.error();
    StoredDensity d;
    JournalQuery q;
    q.stream = query.stream;
    q.limit = 1;
    const Result<QList<StoredMessage>> first = read(q);
    if (!first)
        return first.error();
    if (!first.value().isEmpty()) {
        d.firstSeq = first.value().first().seq;
        d.firstMs = d.lastMs = first.value().first().storedAtMs;
        d.lastSeq = std::max(lastSeq(query.stream), d.firstSeq);
        q.afterSeq = d.lastSeq - 1;
        const Result<QList<StoredMessage>> last = read(q);
        if (!last)
            return last.error();
        if (!last.value().isEmpty())
            d.lastMs = last.value().first().storedAtMs;
    }
    d.span(query);
    if (d.counts.isEmpty() || d.firstSeq == 0)
        return d;
    q.afterSeq = 0;
    q.topic = query.topic;
    q.fromMs = d.fromMs;
    q.toMs = d.toMs;
    q.limit = JournalQuery::MaxLimit;
    for (qint64 scanned = 0;;) {
        const Result<QList<StoredMessage>> page = read(q);
        if (!page)
            return page.error();
        for (const StoredMessage &m : page.value()) {
            if (const int b = d.bucketOf(m.storedAtMs); b >= 0) {
                ++d.counts[b];
                ++d.total;
            }
        }
        scanned += page.value().size();
        if (page.value().size() < q.limit)
            break;
        q.afterSeq = page.value().last().seq;
        if (scanned >= DensityScanLimit) {
            d.estimated = true;
            break;
        }
    }
    return d;
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
