// SPDX-License-Identifier: Apache-2.0
#include <switchboard/journal.h>
#include <switchboard/topic.h>

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
