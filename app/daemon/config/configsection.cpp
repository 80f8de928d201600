// SPDX-License-Identifier: Apache-2.0
#include "configsection.h"

namespace sb::daemon {

const QList<ConfigSection> &configSections()
{
    static const QList<ConfigSection> sections{
        {"communication", parseCommunicationSection},   // communicationsection.cpp
        {"channels", parseChannelsSection},             // channelssection.cpp
        {"limits", parseLimitsSection},                 // limitssection.cpp
        {"retry", parseRetrySection},                   // retrysection.cpp
        {"auth", parseAuthSection},                     // authsection.cpp
        {"log", parseLogSection},                       // logsection.cpp
        {"shutdown-drain-ms", parseShutdownDrainSection}, // shutdowndrainsection.cpp
        {"remote", parseRemoteSection},                 // remotesection.cpp; after auth (reads its tokens)
        // acl: kept raw in DaemonConfig::acl for sb::AccessControl::fromVariantMap (aclsection.cpp).
        {"acl", parseAclSection},
        {"journal", parseJournalSection},               // journalsection.cpp
    };
    return sections;
}

Error configError(const DaemonConfig &config, const QString &key, const QString &why)
{
    return config.withLocation(Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why), key);
}

Error locatedError(const DaemonConfig &config, const Error &error)
{
    return config.withLocation(error, error.details.value(QStringLiteral("key")).toString());
}

bool isMap(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantMap;
}

bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList;
}

} // namespace sb::daemon
