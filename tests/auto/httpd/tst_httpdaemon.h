// SPDX-License-Identifier: Apache-2.0
// tst_HttpDaemon's declaration (moc reads this file only: it cannot parse the raw string literals
// of the test bodies).
#pragma once

#include "daemonprocess.h"

#include <switchboardclient.h>

#include <QObject>

class tst_HttpDaemon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void events();
    void pointToPointAndDeadLetters();
    void requests();
    void channels();
    void topicsAndConnections();
    void keepAliveClientsAreConnections();
    void healthMetricsOpenApi();
    void errors();
    void idempotencyKey();

private:
    QString url(const QString &path) const { return QStringLiteral("http://%1%2").arg(m_daemon.httpAddress(), path); }
    // A native client with the ops token (admin), connected.
    bool connectOps(sb::SwitchboardClient &client);

    DaemonProcess m_daemon;
    sb::SwitchboardClient m_watch; // sees every message: subscribed to ">"
    QList<sb::Message> m_seen;
};
