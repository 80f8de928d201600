// SPDX-License-Identifier: Apache-2.0
#include <switchboard/retrypolicy.h>

#include <switchboard/configvalue.h>

#include <QRandomGenerator>

#include <cmath>
#include <limits>

namespace sb {

int RetryPolicy::delayBeforeAttempt(int nextAttempt, double unitRandom) const
{
    const int retryIndex = qMax(0, nextAttempt - 2);
    double delay = initialBackoffMs * std::pow(multiplier, retryIndex);
    delay = qMin(delay, double(maxBackoffMs));
    const double spread = delay * jitter;
    delay += (unitRandom * 2.0 - 1.0) * spread;
    return int(qBound(0.0, delay, double(maxBackoffMs)));
}

int RetryPolicy::delayBeforeAttempt(int nextAttempt) const
{
    return delayBeforeAttempt(nextAttempt, QRandomGenerator::global()->generateDouble());
}

Result<RetryPolicy> RetryPolicy::fromVariantMap(const QVariantMap &map, const QString &context)
{
    RetryPolicy p;
    const QString prefix = context.isEmpty() ? QString() : context + QLatin1Char('.');
    auto bad = [&](const QString &key, const QString &why) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1%2: %3").arg(prefix, key, why),
                     {{QStringLiteral("key"), QString(prefix + key)}});
    };
    // A duration key ("250ms", "2s", or plain milliseconds) into an int of milliseconds.
    auto durationMs = [&](const QVariant &value, const QString &key, int *out) -> Status {
        const Result<qint64> n = config::parseDurationMs(value, prefix + key);
        if (!n)
            return n.error();
        if (n.value() > std::numeric_limits<int>::max())
            return bad(key, QStringLiteral("is too large (at most %1 ms)").arg(std::numeric_limits<int>::max()));
        *out = int(n.value());
        return {};
    };
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        bool ok = false;
        const QString &key = it.key();
        if (key == QLatin1String("max-attempts")) {
            p.maxAttempts = it.value().toInt(&ok);
            if (!ok || p.maxAttempts < 1 || p.maxAttempts > 1000)
                return bad(key, QStringLiteral("must be an integer from 1 to 1000"));
        } else if (key == QLatin1String("initial-backoff-ms")) {
            if (Status st = durationMs(it.value(), key, &p.initialBackoffMs); !st)
                return st.error();
        } else if (key == QLatin1String("multiplier")) {
            p.multiplier = it.value().toDouble(&ok);
            if (!ok || p.multiplier < 1.0 || p.multiplier > 100.0)
                return bad(key, QStringLiteral("must be a number from 1 to 100"));
        } else if (key == QLatin1String("max-backoff-ms")) {
            if (Status st = durationMs(it.value(), key, &p.maxBackoffMs); !st)
                return st.error();
        } else if (key == QLatin1String("jitter")) {
            p.jitter = it.value().toDouble(&ok);
            if (!ok || p.jitter < 0.0 || p.jitter > 1.0)
                return bad(key, QStringLiteral("must be a number from 0 to 1"));
        } else {
            return bad(key, QStringLiteral("unknown key (expected max-attempts, initial-backoff-ms, multiplier, "
                                           "max-backoff-ms, jitter)"));
        }
    }
    return p;
}

QVariantMap RetryPolicy::toVariantMap() const
{
    return {{QStringLiteral("max-attempts"), maxAttempts},
            {QStringLiteral("initial-backoff-ms"), initialBackoffMs},
            {QStringLiteral("multiplier"), multiplier},
            {QStringLiteral("max-backoff-ms"), maxBackoffMs},
            {QStringLiteral("jitter"), jitter}};
}

bool RetryPolicy::operator==(const RetryPolicy &o) const
{
    return maxAttempts == o.maxAttempts && initialBackoffMs == o.initialBackoffMs && multiplier == o.multiplier
        && maxBackoffMs == o.maxBackoffMs && jitter == o.jitter;
}

} // namespace sb
