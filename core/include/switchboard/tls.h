// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QSslConfiguration>
#include <QSslKey>

namespace sb {

// A server's TLS configuration from a PEM certificate chain and an RSA or EC key, for every
// listener that offers TLS (protocol plugins, the remote-control API). Errors name the file and
// say what is wrong with it (INVALID_CONFIG).
SWITCHBOARD_EXPORT Result<QSslConfiguration> loadServerTls(const QString &certificatePath, const QString &keyPath);

// Mutual TLS: every client must present a certificate that chains to a CA in \a caPath (PEM, one
// or more), and to no other CA; the handshake fails otherwise. The verified certificate is then a
// credential (sb::CertificateProvider).
SWITCHBOARD_EXPORT Status requireClientCertificates(QSslConfiguration &configuration, const QString &caPath);

// A client's own certificate chain and private key (PEM; RSA or EC), for mutual TLS; INVALID_CONFIG
// naming the file otherwise.
struct ClientCertificate
{
    QList<QSslCertificate> chain;
    QSslKey key;
};
SWITCHBOARD_EXPORT Result<ClientCertificate> loadClientCertificate(const QString &certificatePath, const QString &keyPath);

} // namespace sb
