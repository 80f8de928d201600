// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "daemonconfig.h"

#include <QList>

namespace sb::daemon {

// One parser per top-level key of switchboardd.yaml. A parser gets the key's value (an invalid
// QVariant when the key is absent, so it can apply defaults), fills its part of \a config and
// returns an error located with DaemonConfig::withLocation ("file:line: key: why").
using ConfigSectionParser = Status (*)(const QVariant &value, DaemonConfig &config);

struct ConfigSection
{
    const char *key;
    ConfigSectionParser parse;
};

// Every top-level key, in parse order (a section may read what an earlier one set: remote reads
// auth's tokens). To add a section: a parser in its own file and one row in configsection.cpp.
const QList<ConfigSection> &configSections();

// "<key>: <why>" as InvalidConfig, located at \a key.
Error configError(const DaemonConfig &config, const QString &key, const QString &why);
// An error from a value parser (switchboard/configvalue.h) or a core fromVariantMap, whose
// details name the key, located at that key.
Error locatedError(const DaemonConfig &config, const Error &error);
bool isMap(const QVariant &v);
bool isList(const QVariant &v);

Status parseCommunicationSection(const QVariant &value, DaemonConfig &config);
Status parseChannelsSection(const QVariant &value, DaemonConfig &config);
Status parseLimitsSection(const QVariant &value, DaemonConfig &config);
Status parseRetrySection(const QVariant &value, DaemonConfig &config);
Status parseAuthSection(const QVariant &value, DaemonConfig &config);
Status parseLogSection(const QVariant &value, DaemonConfig &config);
Status parseShutdownDrainSection(const QVariant &value, DaemonConfig &config);
Status parseRemoteSection(const QVariant &value, DaemonConfig &config);
Status parseAclSection(const QVariant &value, DaemonConfig &config);
Status parseJournalSection(const QVariant &value, DaemonConfig &config);

} // namespace sb::daemon
