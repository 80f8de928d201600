// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/bus.h>
#include <switchboard/channel.h>
#include <switchboard/result.h>

#include <QHash>
#include <QStringList>
#include <QVariantMap>

namespace sb::daemon {

struct TokenEntry
{
    QString name;
    QByteArray sha256Hex; // of the token; the token itself never sits in the config
    QStringList roles;
};

// switchboardd's configuration, read from YAML. Every error names the key and, when read from a
// file, the line: "switchboardd.yaml:12: channels[1].type: ...".
struct DaemonConfig
{
    QString sourceName;                 // file name, or "(defaults)"
    QString busType = QStringLiteral("embedded");
    QStringList protocols;              // plugin ids, in start order
    QHash<QString, QVariantMap> protocolConfig;
    QList<ChannelConfig> channels;
    BusLimits limits;
    int deadLetterCapacity = 10000;
    int shutdownDrainMs = 2000;
    QString logLevel = QStringLiteral("info");
    bool authRequired = false;
    QList<TokenEntry> tokens;
    QHash<QString, int> lines;          // key path -> line, for errors found later (plugin config)

    static DaemonConfig defaults();
    static Result<DaemonConfig> fromYaml(const QByteArray &yaml, const QString &sourceName);
    static Result<DaemonConfig> fromFile(const QString &path);

    // "file:line: " for \a keyPath (or its nearest parent), for errors found after parsing.
    QString locate(const QString &keyPath) const;
    Error withLocation(Error error, const QString &keyPath) const;
};

} // namespace sb::daemon
