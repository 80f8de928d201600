// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>
#include <switchboard/retrypolicy.h>
#include <switchboard/subscriber.h>

#include <QHostAddress>
#include <QStringList>
#include <QVariant>

namespace sb::http {

// communication.http.webhooks (docs/CONTRACTS.md section 15): webhook subscriptions made with
// POST /api/v1/subscribe, delivered by HTTP POST to their owners' URLs.
struct WebhookConfig {
    bool enabled = true;
    // Where subscriptions are kept across restarts (JSON, mode 0600: it holds signing secrets).
    // Relative: under $STATE_DIRECTORY. Empty: "webhooks.json" under $STATE_DIRECTORY when that is
    // set, else in memory only (health says persistent: false).
    QString file;
    int maxSubscriptions = 1000;
    int maxPerOwner = 100;
    qint64 timeoutMs = 10000;   // one POST, from resolving the host to the response's head
    int concurrencyPerTarget = 4; // POSTs in flight to one host:port, all subscriptions together
    RetryPolicy retry{8, 1000, 2.0, 300000, 0.2};
    QueueLimits queue{1000, 4 * 1024 * 1024, OverflowPolicy::DropOldest}; // per subscription, waiting deliveries
    bool allowHttp = false;     // plain http:// targets
    QStringList allowNetworks;  // CIDRs re-permitted: loopback, private, link-local, metadata
    QString caFile;             // extra CA certificates (PEM) for https targets, besides the system's

    // The "webhooks" map under \a key; an absent value gives the defaults.
    static Result<WebhookConfig> fromVariant(const QVariant &value, const QString &key);
    // file, resolved: absolute, under $STATE_DIRECTORY, or empty (memory only).
    QString storePath() const;
};

} // namespace sb::http
