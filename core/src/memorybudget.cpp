// SPDX-License-Identifier: Apache-2.0
#include <switchboard/memorybudget.h>

namespace sb {

bool MemoryBudget::update(qint64 &accounted, qint64 now, int holders)
{
    m_used += now - accounted;
    const bool grew = now > accounted;
    accounted = now;
    if (!grew || m_used <= m_limit)
        return true;
    // Over budget: the holder that just grew pays if it holds more than an equal share.
    const qint64 share = m_limit / qMax(1, holders);
    if (now <= share)
        return true;
    ++m_overflows;
    return false;
}

void MemoryBudget::release(qint64 &accounted)
{
    m_used -= accounted;
    accounted = 0;
}

QVariantMap MemoryBudget::toVariantMap() const
{
    return {{QStringLiteral("limit"), m_limit}, {QStringLiteral("used"), m_used},
            {QStringLiteral("overflows"), double(m_overflows)}};
}

} // namespace sb
