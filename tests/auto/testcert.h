// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFile>
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

// A CA of the tests' own (EC P-256, two days): \a dir/<name>-ca.pem and <name>-ca.key.
inline QString makeCa(const QString &dir, const QString &name)
{
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                   QStringLiteral("-keyout"), dir + QLatin1Char('/') + name + QStringLiteral("-ca.key"),
                   QStringLiteral("-out"), dir + QLatin1Char('/') + name + QStringLiteral("-ca.pem")});
    if (!openssl.waitForFinished(60000) || openssl.exitCode() != 0)
        return QStringLiteral("openssl failed: ") + QString::fromLocal8Bit(openssl.readAllStandardError()) + openssl.errorString();
    return {};
}

// A client certificate signed by \a ca (made by makeCa in \a dir): \a dir/<file>.pem and
// <file>.key, subject CN \a cn, and \a san ("URI:spiffe://...", "DNS:...", or empty for none).
inline QString makeClientCertificate(const QString &dir, const QString &ca, const QString &file, const QString &cn,
                                     const QString &san)
{
    const QString base = dir + QLatin1Char('/') + file;
    QProcess req;
    req.start(QStringLiteral("openssl"),
              {QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-newkey"), QStringLiteral("ec"),
               QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
               QStringLiteral("-subj"), QStringLiteral("/CN=") + cn, QStringLiteral("-keyout"), base + QStringLiteral(".key"),
               QStringLiteral("-out"), base + QStringLiteral(".csr")});
    if (!req.waitForFinished(60000) || req.exitCode() != 0)
        return QStringLiteral("openssl req failed: ") + QString::fromLocal8Bit(req.readAllStandardError());
    QStringList args{QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), base + QStringLiteral(".csr"),
                     QStringLiteral("-CA"), dir + QLatin1Char('/') + ca + QStringLiteral("-ca.pem"),
                     QStringLiteral("-CAkey"), dir + QLatin1Char('/') + ca + QStringLiteral("-ca.key"),
                     QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
                     QStringLiteral("-out"), base + QStringLiteral(".pem")};
    if (!san.isEmpty()) {
        QFile ext(base + QStringLiteral(".ext"));
        if (!ext.open(QIODevice::WriteOnly))
            return ext.errorString();
        ext.write("subjectAltName=" + san.toUtf8() + "\nextendedKeyUsage=clientAuth\n");
        ext.close();
        args << QStringLiteral("-extfile") << base + QStringLiteral(".ext");
    }
    QProcess sign;
    sign.start(QStringLiteral("openssl"), args);
    if (!sign.waitForFinished(60000) || sign.exitCode() != 0)
        return QStringLiteral("openssl x509 failed: ") + QString::fromLocal8Bit(sign.readAllStandardError());
    return {};
}
