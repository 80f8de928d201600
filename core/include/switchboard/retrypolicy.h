// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QVariantMap>

namespace sb {

// Exponential backoff with jitter and a cap on attempts, for failed deliveries.
struct SWITCHBOARD_EXPORT RetryPolicy
{
    int maxAttempts = 5;          // deliveries in total, including the first
    int initialBackoffMs = 100;   // delay before the second attempt
    double multiplier = 2.0;      // growth per attempt
    int maxBackoffMs = 30000;     // cap on one delay
    double jitter = 0.2;          // +/- fraction of the delay, drawn uniformly

    // Delay before attempt \a nextAttempt (2 for the first retry). \a unitRandom in [0, 1).
    int delayBeforeAttempt(int nextAttempt, double unitRandom) const;
    // Same, with a random draw from QRandomGenerator::global().
    int delayBeforeAttempt(int nextAttempt) const;
    bool shouldRetry(int failedAttempt) const { return failedAttempt < maxAttempts; }

    // Keys: max-attempts, initial-backoff-ms (duration), multiplier, max-backoff-ms (duration), jitter.
    static Result<RetryPolicy> fromVariantMap(const QVariantMap &map, const QString &context = {});
    QVariantMap toVariantMap() const;
    bool operator==(const RetryPolicy &o) const;
};

} // namespace sb
