// SPDX-License-Identifier: Apache-2.0
// What the stream protocols' end-to-end tests (tst_sse, tst_websocket) share: the credentials of
// their security matrix (three tokens and an HS256 JWT issuer), the auth and ACL config that
// knows them, and the daemon's resident memory.
#pragma once

#include "jwttestsigner.h"

#include <switchboardclient.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>

namespace sbtest {

inline const QByteArray kOpsToken = "ops-token-0123456789";       // role admin
inline const QByteArray kReaderToken = "reader-token-0123456789"; // role readers: subscribe sensors.>
inline const QByteArray kRobotToken = "robot-token-0123456789";   // role robots: robots.> only

inline QString sha256Hex(const QByteArray &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token, QCryptographicHash::Sha256).toHex());
}

inline QByteArray bearer(const QByteArray &token)
{
    return "Authorization: Bearer " + token;
}

// auth (required; the three tokens; the JWT issuer https://hmac.plant with key h1 read from
// \a secretFile) and acl (readers subscribe to sensors.>, robots do \a robotActions on robots.>).
inline QString streamAuthYaml(const QString &secretFile, const QString &robotActions = QStringLiteral("subscribe"))
{
    return QStringLiteral("auth:\n"
                          "  required: true\n"
                          "  tokens:\n"
                          "    - {name: ops, token-sha256: \"%1\", roles: [admin]}\n"
                          "    - {name: reader, token-sha256: \"%2\", roles: [readers]}\n"
                          "    - {name: robot, token-sha256: \"%3\", roles: [robots]}\n"
                          "  jwt:\n"
                          "    - {issuer: \"https://hmac.plant\", audience: switchboard,\n"
                          "       keys: [{kid: h1, alg: HS256, secret-file: \"%4\"}]}\n"
                          "acl:\n"
                          "  roles:\n"
                          "    readers: [{allow: [subscribe], topics: [\"sensors.>\"]}]\n"
                          "    robots: [{allow: [%5], topics: [\"robots.>\"]}]\n")
        .arg(sha256Hex(kOpsToken), sha256Hex(kReaderToken), sha256Hex(kRobotToken), secretFile, robotActions);
}

// The HMAC secret of the issuer above, written to \a path.
inline bool writeJwtSecret(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(QByteArray(32, 'k')) == 32;
}

// A JWT of role readers that expires \a expOffsetS from now (negative: already expired), signed
// by \a signer (the issuer's key, or a forger's).
inline QByteArray readerJwt(qint64 expOffsetS, const JwtTestSigner &signer)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QJsonObject claims{{QStringLiteral("iss"), QStringLiteral("https://hmac.plant")},
                             {QStringLiteral("aud"), QStringLiteral("switchboard")},
                             {QStringLiteral("sub"), QStringLiteral("viewer-1")},
                             {QStringLiteral("roles"), QJsonArray{QStringLiteral("readers")}},
                             {QStringLiteral("iat"), now - 600},
                             {QStringLiteral("exp"), now + expOffsetS}};
    return signer.token(QStringLiteral("HS256"), QStringLiteral("h1"), claims);
}

inline qint64 rssKb(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Connects \a client to the hub at \a url as ops (admin).
inline bool connectAdmin(sb::SwitchboardClient &client, const QString &url)
{
    sb::SwitchboardClient::Options o;
    o.token = QString::fromLatin1(kOpsToken);
    client.setOptions(o);
    QSignalSpy connected(&client, &sb::SwitchboardClient::connected);
    return client.connectToHub(url) && connected.wait(10000);
}

// The hub's open connections of \a protocol ("sse", "websocket"), from GET /api/v1/connections
// as ops; -1 when curl fails.
inline int connectionsOf(const QString &httpAddress, const QString &protocol)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-H"), QString::fromLatin1(bearer(kOpsToken)),
                                        QStringLiteral("http://%1/api/v1/connections").arg(httpAddress)});
    if (!curl.waitForFinished(10000))
        return -1;
    int n = 0;
    for (const QJsonValue &c : QJsonDocument::fromJson(curl.readAllStandardOutput()).object().value(QStringLiteral("data")).toArray())
        n += c.toObject().value(QStringLiteral("protocol")).toString() == protocol ? 1 : 0;
    return n;
}

} // namespace sbtest
