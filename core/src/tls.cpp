// SPDX-License-Identifier: Apache-2.0
#include <switchboard/tls.h>

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace sb {

Result<QSslConfiguration> loadServerTls(const QString &certificatePath, const QString &keyPath)
{
    auto fail = [](const QString &path, const QString &why) {
        return Error(ErrorCode::InvalidConfig, QStringLiteral("%1: %2").arg(path, why), {{QStringLiteral("file"), path}});
    };
    QFile certFile(certificatePath), keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly))
        return fail(certificatePath, certFile.errorString());
    if (!keyFile.open(QIODevice::ReadOnly))
        return fail(keyPath, keyFile.errorString());
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    if (chain.isEmpty())
        return fail(certificatePath, QStringLiteral("no PEM certificate in the file"));
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull())
        return fail(keyPath, QStringLiteral("no PEM RSA or EC private key in the file (encrypted keys are not supported)"));
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificateChain(chain);
    ssl.setPrivateKey(key);
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone);
    return ssl;
}

Status requireClientCertificates(QSslConfiguration &configuration, const QString &caPath)
{
    const QList<QSslCertificate> cas = QSslCertificate::fromPath(caPath, QSsl::Pem);
    if (cas.isEmpty())
        return Error(ErrorCode::InvalidConfig, QStringLiteral("client-ca %1: no PEM certificate could be read").arg(caPath),
                     {{QStringLiteral("path"), caPath}});
    configuration.setCaCertificates(cas);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return {};
}

Result<ClientCertificate> loadClientCertificate(const QString &certificatePath, const QString &keyPath)
{
    ClientCertificate c;
    c.chain = QSslCertificate::fromPath(certificatePath, QSsl::Pem);
    QFile keyFile(keyPath);
    if (keyFile.open(QIODevice::ReadOnly)) {
        const QByteArray pem = keyFile.readAll();
        c.key = QSslKey(pem, QSsl::Rsa, QSsl::Pem);
        if (c.key.isNull())
            c.key = QSslKey(pem, QSsl::Ec, QSsl::Pem);
    }
    if (c.chain.isEmpty())
        return Error(ErrorCode::InvalidConfig, QStringLiteral("no PEM certificate in %1").arg(certificatePath),
                     {{QStringLiteral("path"), certificatePath}});
    if (c.key.isNull())
        return Error(ErrorCode::InvalidConfig, QStringLiteral("no PEM RSA or EC private key in %1").arg(keyPath),
                     {{QStringLiteral("path"), keyPath}});
    return c;
}

} // namespace sb
