// SPDX-License-Identifier: Apache-2.0
// journal: the SQLite journal of persistent channels and topics (core/journal).
#include "configsection.h"

#include <switchboard/configvalue.h>
#include <switchboard/topic.h>

#include <QDir>
#include <QStandardPaths>

namespace sb::daemon {

namespace {

Status parseTopics(const QVariant &value, DaemonConfig &c)
{
    const QString key = QStringLiteral("journal.topics");
    if (!isMap(value))
        return configError(c, key, QStringLiteral("must be a map {patterns: [...], fsync, retention}"));
    JournalConfig &j = c.journal;
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("patterns")) {
            if (!isList(it.value()))
                return configError(c, k, QStringLiteral("must be a list of topic patterns, e.g. [sensor.>]"));
            for (const QVariant &p : it.value().toList()) {
                if (Status st = Topic::validatePattern(p.toString()); !st)
                    return configError(c, k, st.error().message);
                j.topicPatterns.append(p.toString());
            }
        } else if (it.key() == QLatin1String("fsync")) {
            Result<SyncPolicy> sync = SyncPolicy::parse(it.value(), k);
            if (!sync)
                return locatedError(c, sync.error());
            j.topicPolicy.sync = sync.value();
        } else if (it.key() == QLatin1String("retention")) {
            if (!isMap(it.value()))
                return configError(c, k, QStringLiteral("must be a map {max-age, max-bytes, max-messages}"));
            Result<RetentionPolicy> r = RetentionPolicy::fromVariantMap(it.value().toMap(), k);
            if (!r)
                return locatedError(c, r.error());
            j.topicPolicy.retention = r.value();
        } else {
            return configError(c, k, QStringLiteral("unknown key (expected patterns, fsync, retention)"));
        }
    }
    j.topicPolicy.persistent = !j.topicPatterns.isEmpty();
    return {};
}

constexpr qint64 MaxSpinWaitUs = 10000;

Status parseJournalKey(const QString &name, const QVariant &value, DaemonConfig &c)
{
    JournalConfig &j = c.journal;
    const QString key = QStringLiteral("journal.") + name;
    if (name == QLatin1String("enabled")) {
        const QString v = value.toString();
        if (v != QLatin1String("true") && v != QLatin1String("false"))
            return configError(c, key, QStringLiteral("must be true or false"));
        j.enabled = v == QLatin1String("true");
    } else if (name == QLatin1String("path")) {
        j.path = value.toString();
        if (j.path.isEmpty())
            return configError(c, key, QStringLiteral("must name a directory (it holds journal.db)"));
    } else if (name == QLatin1String("disk-budget") || name == QLatin1String("max-pending-bytes")) {
        const Result<qint64> n = config::parseSize(value, key);
        if (!n)
            return locatedError(c, n.error());
        if (n.value() < 1024 * 1024)
            return configError(c, key, QStringLiteral("must be at least 1MiB"));
        (name == QLatin1String("disk-budget") ? j.diskBudget : j.maxPendingBytes) = n.value();
    } else if (name == QLatin1String("on-corrupt")) {
        const QString v = value.toString();
        if (v != QLatin1String("refuse") && v != QLatin1String("move-aside"))
            return configError(c, key, QStringLiteral("\"%1\" is not refuse or move-aside").arg(v));
        j.moveAsideCorrupt = v == QLatin1String("move-aside");
    } else if (name == QLatin1String("spin-wait")) {
        const Result<qint64> us = config::parseDurationUs(value, key);
        if (!us)
            return locatedError(c, us.error());
        if (us.value() > MaxSpinWaitUs)
            return configError(c, key, QStringLiteral("must be at most 10ms (0 turns it off)"));
        j.spinWaitUs = us.value();
    } else if (name == QLatin1String("topics")) {
        return parseTopics(value, c);
    } else {
        return configError(c, key,
                           QStringLiteral("unknown key (expected enabled, path, disk-budget, max-pending-bytes, on-corrupt, "
                                          "spin-wait, topics)"));
    }
    return {};
}

} // namespace

QString JournalConfig::resolvedPath() const
{
    if (!path.isEmpty())
        return path;
    const QString state = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (!state.isEmpty())
        return QDir(state).filePath(QStringLiteral("journal"));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
        .filePath(QStringLiteral("switchboard/journal"));
}

Status parseJournalSection(const QVariant &value, DaemonConfig &c)
{
    if (!value.isValid())
        return {};
    if (!isMap(value))
        return configError(c, QStringLiteral("journal"), QStringLiteral("must be a map {path, disk-budget, ...}"));
    const QVariantMap m = value.toMap();
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        if (Status st = parseJournalKey(it.key(), it.value(), c); !st)
            return st;
    }
    if (c.journal.maxPendingBytes > c.journal.diskBudget)
        return configError(c, QStringLiteral("journal.max-pending-bytes"), QStringLiteral("must not exceed journal.disk-budget"));
    return {};
}

} // namespace sb::daemon
