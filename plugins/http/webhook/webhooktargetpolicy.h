// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <utility>

namespace sb::http {

// Where a webhook may be sent (communication.http.webhooks): the URL's form, and the addresses a
// target may resolve to. The default refuses every address that is not public (SSRF protection).
class WebhookTargetPolicy
{
public:
    bool allowHttp = false; // plain http:// targets are allowed
    // Networks re-permitted although their addresses would be refused (allow-networks).
    QList<std::pair<QHostAddress, int>> allowNetworks;

    // "10.0.0.0/8", "fd00::/8", or a bare address (a /32 or /128). All or nothing: \a out is
    // replaced only on success.
    static bool parseNetworks(
        const QStringList &cidrsOrAddresses, QList<std::pair<QHostAddress, int>> *out, QString *error);

    bool checkUrl(const QUrl &url, QString *why) const;
    bool permits(const QHostAddress &address, QString *why) const;

private:
    bool allowed(const QHostAddress &address) const;
};

} // namespace sb::http
