// SPDX-License-Identifier: Apache-2.0
#include "sbctlstatus.h"

#include "../childenv.h"

#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>

namespace sbtest {

QJsonObject sbctlStatus(const QString &sbctl, const QString &controlSocket)
{
    QProcess p;
    p.setProcessEnvironment(sbtest::childEnvironment());
    p.start(sbctl, {QStringLiteral("--hub"), QStringLiteral("local:") + controlSocket, QStringLiteral("--json"),
                    QStringLiteral("status")});
    if (!p.waitForFinished(20000) || p.exitCode() != 0) {
        qWarning() << "sbctl status failed:" << p.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

double nativeEndpointValue(const QJsonObject &status, const QString &key)
{
    const QJsonArray plugins = status.value(QStringLiteral("plugins")).toArray();
    for (const QJsonValue &p : plugins) {
        const QJsonObject plugin = p.toObject();
        if (plugin.value(QStringLiteral("id")).toString() == QLatin1String("native"))
            return plugin.value(QStringLiteral("endpoints")).toArray().at(0).toObject().value(key).toDouble(-1);
    }
    return -1;
}

} // namespace sbtest
