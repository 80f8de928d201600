// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/principal.h>
#include <switchboard/result.h>

#include <QJsonObject>
#include <QStringList>

namespace sb::http {

// One webhook subscription as it is kept across restarts: who made it (its principal's name and
// roles when it was made: the ACL judges deliveries by them), what it subscribes to, where it
// POSTs and the secret it signs with.
struct WebhookRecord {
    QString id;          // "wh-" + 16 hex digits
    QString owner;       // the principal's name
    QStringList roles;
    bool authenticated = false;
    QString topic;
    QString channel;
    QStringList eventTypes;
    QString filter;
    QString url;
    QByteArray secret;   // 32 random bytes; deliveries carry HMAC-SHA256 signatures made with it
    qint64 createdAtMs = 0;

    // The principal deliveries are made for (protocol "webhook").
    Principal principal() const;
    // \a withSecret: the store's form (and the creation answer); lists leave it out.
    QJsonObject toJson(bool withSecret) const;
    static Result<WebhookRecord> fromJson(const QJsonObject &object);
    // The secret as the owner sees it once, at creation: "whsec_" + base64url.
    QString secretText() const;
};

} // namespace sb::http
