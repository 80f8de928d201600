// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

// A self-signed certificate for 127.0.0.1 (RSA 2048, two days) made with openssl, for the tests
// that serve TLS on loopback. Returns openssl's complaint on failure, an empty string on success.
inline QString makeLoopbackCertificate(const QString &certPath, const QString &keyPath)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                   QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                   QStringLiteral("-keyout"), keyPath, QStringLiteral("-out"), certPath});
    if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
        return QStringLiteral("openssl failed: ") + QString::fromLocal8Bit(openssl.readAllStandardError()) + openssl.errorString();
    return {};
}
