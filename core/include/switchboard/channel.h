// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/persistence.h>
#include <switchboard/result.h>
#include <switchboard/retrypolicy.h>

namespace sb {

enum class ChannelType : quint8 {
    Broadcast,    // every subscriber of the channel gets every message
    Topic,        // subscribers' wildcard patterns route by the message's topic
    PointToPoint, // the topic names exactly one subscriber address; no such address is NO_ROUTE
    Queue,        // competing consumers: each message to exactly one member, round robin
};

SWITCHBOARD_EXPORT QString channelTypeName(ChannelType type);
SWITCHBOARD_EXPORT bool channelTypeFromName(const QString &name, ChannelType *type);

struct SWITCHBOARD_EXPORT ChannelConfig
{
    QString name;
    ChannelType type = ChannelType::Topic;
    QString description;
    qint64 maxMessageSize = 0; // payload bytes; 0: the hub's limit
    int maxQueueDepth = 0;     // queue channels: backlog held while no consumer is attached; 0: hub default
    qint64 ttlMs = 0;          // default TTL for messages without one; 0: none
    RetryPolicy retry;
    bool requireAuth = false;  // publishers and subscribers must be authenticated
    // Protocols that may publish to or subscribe on the channel; empty: any. Names as in
    // docs/CONTRACTS.md ("native", "http", ...; "native" covers native over TCP, TLS and local).
    QStringList protocols;
    // A JSON Schema document (inline, as a map) that JSON payloads published over HTTP must match;
    // empty: none. Core only carries it: the HTTP plugin compiles and applies it (issue #13).
    QVariantMap schema;
    // persistent: true stores every message in the journal before it is delivered or acknowledged;
    // fsync and retention say how (switchboard/persistence.h).
    PersistencePolicy persistence;

    static Status validateName(const QString &name);
    // The rules between keys: a persistent channel is a topic or broadcast channel.
    Status validate() const;
    // Keys: name, type, description, max-message-size (size), max-queue-depth, ttl-ms (duration),
    // retry{...}, require-auth, protocols [names], schema {JSON Schema}, persistent, fsync,
    // retention {max-age, max-bytes, max-messages}. Units as in
    // switchboard/configvalue.h.
    static Result<ChannelConfig> fromVariantMap(const QVariantMap &map);
    QVariantMap toVariantMap() const;
    bool operator==(const ChannelConfig &o) const;
};

} // namespace sb
