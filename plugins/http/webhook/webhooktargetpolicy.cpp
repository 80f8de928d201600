// SPDX-License-Identifier: Apache-2.0
#include "webhooktargetpolicy.h"

#include <array>
#include <optional>

namespace sb::http {

namespace {

constexpr QLatin1String kAllowKey("communication.http.webhooks.allow-networks");

struct Refused
{
    std::pair<QHostAddress, int> network;
    QString what;
};

// The networks a webhook may not reach unless allow-networks re-permits them. The first match
// names the class, so the metadata addresses come before the link-local and private networks that
// hold them, and the broadcast address before the reserved 240/4 around it. 240/4, site-local
// fec0::/10 and IPv4-compatible ::/96 go beyond the usual list: nothing public lives there, and
// some networks route them internally (old automatic tunnels carry ::/96 to IPv4).
const QList<Refused> &refusedNetworks()
{
    static const QList<Refused> table = [] {
        const std::array<std::pair<const char *, const char *>, 20> rows { {
            { "169.254.169.254/32",
                "the cloud metadata service address (169.254.169.254: AWS, GCP, Azure, OpenStack)" },
            { "fd00:ec2::254/128", "the cloud metadata service address (fd00:ec2::254: AWS over IPv6)" },
            { "0.0.0.0/32", "the unspecified address" },
            { "::/128", "the unspecified address" },
            { "0.0.0.0/8", "a \"this network\" address (0.0.0.0/8)" },
            { "127.0.0.0/8", "a loopback address (127.0.0.0/8)" },
            { "::1/128", "the loopback address (::1)" },
            { "169.254.0.0/16", "a link-local address (169.254.0.0/16)" },
            { "fe80::/10", "a link-local address (fe80::/10)" },
            { "10.0.0.0/8", "a private address (10.0.0.0/8)" },
            { "172.16.0.0/12", "a private address (172.16.0.0/12)" },
            { "192.168.0.0/16", "a private address (192.168.0.0/16)" },
            { "fc00::/7", "a private (unique local) address (fc00::/7)" },
            { "100.64.0.0/10", "a carrier-grade NAT address (100.64.0.0/10)" },
            { "224.0.0.0/4", "a multicast address (224.0.0.0/4)" },
            { "ff00::/8", "a multicast address (ff00::/8)" },
            { "255.255.255.255/32", "the broadcast address (255.255.255.255)" },
            { "240.0.0.0/4", "a reserved address (240.0.0.0/4)" },
            { "fec0::/10", "a site-local address (fec0::/10)" },
            { "::/96", "an IPv4-compatible IPv6 address (::/96)" },
        } };
        QList<Refused> out;
        for (const auto &[cidr, what] : rows) {
            const auto network = QHostAddress::parseSubnet(QLatin1String(cidr));
            Q_ASSERT(!network.first.isNull());
            out.append({ { network.first, network.second }, QLatin1String(what) });
        }
        return out;
    }();
    return table;
}

// The IPv4 address an IPv6 address stands for, when it stands for one: IPv4-mapped
// (::ffff:a.b.c.d, which the kernel connects over IPv4) and NAT64's well-known prefix
// (64:ff9b::/96, which a NAT64 gateway forwards to the embedded address).
std::optional<std::pair<QHostAddress, QString>> embeddedIPv4(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    const Q_IPV6ADDR a = address.toIPv6Address();
    const auto v4 = [&a] {
        return QHostAddress(quint32(a[12]) << 24 | quint32(a[13]) << 16 | quint32(a[14]) << 8 | quint32(a[15]));
    };
    static const auto nat64 = QHostAddress::parseSubnet(QStringLiteral("64:ff9b::/96"));
    bool mapped = a[10] == 0xff && a[11] == 0xff;
    for (int i = 0; i < 10 && mapped; ++i)
        mapped = a[i] == 0;
    if (mapped)
        return std::make_pair(v4(), QStringLiteral("an IPv4-mapped IPv6 address"));
    if (address.isInSubnet(nat64))
        return std::make_pair(v4(), QStringLiteral("a NAT64 address (64:ff9b::/96)"));
    return std::nullopt;
}

} // namespace

/*!
    Parses allow-networks entries: a CIDR network ("10.0.0.0/8", "fd00::/8") or a bare address,
    which stands for itself alone (/32 or /128). Entries are trimmed. On the first bad entry,
    returns false with \a error naming it and leaves \a out untouched.
*/
bool WebhookTargetPolicy::parseNetworks(
    const QStringList &cidrsOrAddresses, QList<std::pair<QHostAddress, int>> *out, QString *error)
{
    QList<std::pair<QHostAddress, int>> parsed;
    for (const QString &raw : cidrsOrAddresses) {
        const QString entry = raw.trimmed();
        std::pair<QHostAddress, int> network;
        if (entry.contains(QLatin1Char('/'))) {
            const auto subnet = QHostAddress::parseSubnet(entry);
            network = { subnet.first, subnet.second };
        } else if (QHostAddress address(entry); !address.isNull()) {
            network = { address, address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128 };
        }
        if (network.first.isNull()) {
            if (error)
                *error = kAllowKey + QStringLiteral(": \"") + entry
                    + QStringLiteral(
                        "\" is neither an IP address nor a network in CIDR form (like 10.0.0.0/8 or fd00::/8)");
            return false;
        }
        parsed.append(network);
    }
    if (out)
        *out = parsed;
    return true;
}

/*!
    Whether \a url may be a webhook target before anything is resolved: https (http only with
    allowHttp), a host, no user-info (credentials belong in a header, not in logs of URLs), no
    fragment (never sent over HTTP, so a sign of a mistake), and a port from 1 to 65535 if any.
*/
bool WebhookTargetPolicy::checkUrl(const QUrl &url, QString *why) const
{
    const auto fail = [why](const QString &reason) {
        if (why)
            *why = reason;
        return false;
    };
    if (!url.isValid())
        return fail(QStringLiteral("not a valid URL: ") + url.errorString());
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http")) {
        if (!allowHttp)
            return fail(QStringLiteral("plain http:// is refused for webhooks: use https:// (or allow http with "
                                       "communication.http.webhooks.allow-http)"));
    } else if (scheme != QLatin1String("https")) {
        return fail(scheme.isEmpty()
                ? QStringLiteral("the URL has no scheme: webhooks need https://host/path")
                : QStringLiteral("scheme \"") + scheme + QStringLiteral("\" is not supported: webhooks use https://"));
    }
    if (url.host().isEmpty())
        return fail(QStringLiteral("the URL has no host"));
    if (!url.userInfo().isEmpty())
        return fail(QStringLiteral("credentials in the URL (user-info) are refused: send them in a header such as "
                                   "Authorization"));
    if (url.hasFragment())
        return fail(QStringLiteral("the URL has a fragment (#...), which is never sent over HTTP: remove it"));
    const int port = url.port();
    if (port != -1 && (port < 1 || port > 65535))
        return fail(QStringLiteral("port ") + QString::number(port) + QStringLiteral(" is not a valid TCP port"));
    return true;
}

bool WebhookTargetPolicy::allowed(const QHostAddress &address) const
{
    for (const auto &network : allowNetworks) {
        if (address.isInSubnet(network.first, network.second))
            return true;
    }
    return false;
}

/*!
    Whether a webhook may connect to \a address. Refused, unless inside allowNetworks: loopback,
    unspecified, "this network" (0/8), link-local, the cloud metadata addresses, private (RFC 1918
    and fc00::/7), carrier-grade NAT (100.64/10), multicast, broadcast, reserved 240/4, site-local
    and IPv4-compatible (::/96). An IPv4-mapped or NAT64 IPv6 address is judged as the IPv4 address inside it, and
    allowNetworks may name either form. \a why says which class refused it and how to allow it.
*/
bool WebhookTargetPolicy::permits(const QHostAddress &address, QString *why) const
{
    if (address.protocol() != QAbstractSocket::IPv4Protocol && address.protocol() != QAbstractSocket::IPv6Protocol) {
        if (why)
            *why = QStringLiteral("\"") + address.toString() + QStringLiteral("\" is not an IP address");
        return false;
    }
    if (allowed(address))
        return true;
    QHostAddress judged = address;
    QString via;
    if (const auto embedded = embeddedIPv4(address)) {
        judged = embedded->first;
        via = embedded->second;
        if (allowed(judged))
            return true;
    }
    for (const Refused &refused : refusedNetworks()) {
        if (!judged.isInSubnet(refused.network.first, refused.network.second))
            continue;
        if (why) {
            QString subject = address.toString() + QStringLiteral(" is ");
            if (!via.isEmpty())
                subject += via + QStringLiteral(" for ") + judged.toString() + QStringLiteral(", ");
            *why = subject + refused.what
                + QStringLiteral(", which webhooks may not reach; to allow it, add it or its network to ") + kAllowKey;
        }
        return false;
    }
    return true;
}

} // namespace sb::http
