// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QVariantMap>

namespace sb {
struct Error;
class Hub;
class PluginHost;
class StatsEntry;
}

namespace sb::remote {

// What the remote-control API shows of a hub, as plain maps: the rows of its list models and
// the maps of its properties. Built in the bus thread at the snapshot interval, never per message.
namespace HubSnapshot {

QList<QByteArray> channelRoles();
QList<QByteArray> topicRoles();
QList<QByteArray> connectionRoles();
QList<QByteArray> deadLetterRoles();
QList<QByteArray> durableRoles();

QList<QVariantMap> channels(const Hub &hub);
QVariantMap topicRow(const QString &topic, const StatsEntry &entry);
QList<QVariantMap> connections(const Hub &hub);
// The newest \a limit dead letters, newest first, without payloads.
QList<QVariantMap> deadLetters(const Hub &hub, int limit);

// The durable subscriptions with their backlogs (counted up to Bus::BacklogCountCap each).
QList<QVariantMap> durables(const Hub &hub);

QVariantMap stats(const Hub &hub);
QVariantList plugins(const Hub &hub, const PluginHost *host);

// {code, message, details} with the code's stable name.
QVariantMap errorToMap(const Error &error);

// Counters and rates of one stats entry under the names the models use.
void addCounters(QVariantMap &row, const StatsEntry &entry);

} // namespace HubSnapshot
} // namespace sb::remote
