// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

namespace sb {

// Topic names are dot-separated, non-empty segments ("sensor.42.temp"). In subscription patterns
// "*" matches exactly one segment and ">" matches one or more trailing segments (last only).
namespace Topic {
constexpr int MaxLength = 1024;
constexpr int MaxDepth = 64;

// A concrete topic to publish to: no wildcards, no empty segments, no whitespace.
SWITCHBOARD_EXPORT Status validateTopic(const QString &topic);
// A subscription pattern: like a topic, plus "*" segments and a final ">".
SWITCHBOARD_EXPORT Status validatePattern(const QString &pattern);
SWITCHBOARD_EXPORT bool isWildcard(const QString &pattern);
// A topic under "$sb.", reserved for the hub's advisories (checked on every publish: no call
// into QString's comparison).
inline bool isReserved(QStringView topic)
{
    return topic.size() >= 4 && topic[0] == u'$' && topic[1] == u's' && topic[2] == u'b' && topic[3] == u'.';
}
// Does \a pattern match \a topic? Both assumed valid. Used by clients to dispatch locally;
// the hub uses TopicTrie.
SWITCHBOARD_EXPORT bool matches(QStringView pattern, QStringView topic);

// MQTT bridges: "a/+/c/#" <-> "a.*.c.>". MQTT levels must not contain '.', be empty or
// mix wildcards with text; such filters are refused with INVALID_TOPIC naming the level.
SWITCHBOARD_EXPORT Result<QString> fromMqtt(const QString &mqttFilter);
SWITCHBOARD_EXPORT Result<QString> toMqtt(const QString &pattern);
} // namespace Topic

} // namespace sb
