// SPDX-License-Identifier: Apache-2.0
// tst_HttpSecurity's declaration (moc reads this file only: it cannot parse the raw string
// literals of the test bodies).
#pragma once

#include "daemonprocess.h"
#include "jwttestsigner.h"

#include <switchboardclient.h>

#include <QObject>

class tst_HttpSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void matrix_data();
    void matrix();
    void nothingRefusedWasDelivered();
    void apiKeyRevoked();
    void rateLimitAndThrottle();
    void peerLeavesMidRequest();
    void peerNeverReads();

private:
    QString url(const DaemonProcess &d, const QString &path) const
    {
        return QStringLiteral("http://%1%2").arg(d.httpAddress(), path);
    }
    QString createKey(const QString &name, const QStringList &roles);
    QByteArray jwt(qint64 expOffsetS, const sbtest::JwtTestSigner &signer) const;

    DaemonProcess m_strict; // auth.required, every provider
    DaemonProcess m_open;   // anonymous allowed; rate limits and the throttle tight
    sbtest::JwtTestSigner m_hmac = sbtest::JwtTestSigner::hmac(QByteArray(32, 'k'));
    sbtest::JwtTestSigner m_forger = sbtest::JwtTestSigner::hmac(QByteArray(32, 'f'));
    sb::SwitchboardClient m_watch; // admin, on ">" of m_strict
    QStringList m_seenTopics;
    QStringList m_acceptedTopics;
    QString m_apiKey;
};
