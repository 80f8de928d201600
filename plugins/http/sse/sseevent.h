// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <QByteArray>

namespace sb::http {

// The text/event-stream wire format (WHATWG HTML, "Server-sent events"), docs/CONTRACTS.md
// section 13: one event per message, "id:" the message's id, "event:" its event type (the
// envelope's action; "message" when it has none), "data:" the message as the JSON envelope on one
// line. Field values never hold a line break: CR and LF in an id or event type are dropped.
namespace SseEvent {

void appendMessage(QByteArray &out, const Message &message);
// The same event as bytes of its own (what a stream caches for a broadcast, see EncodingCache).
QByteArray messageEvent(const Message &message);
// An event of the hub's own ("sb.error", "sb.gap") with a JSON object as data.
void appendNamed(QByteArray &out, QByteArrayView name, const QByteArray &jsonData);
// A comment line (": text"), which clients ignore: the heartbeat.
void appendComment(QByteArray &out, QByteArrayView text);
// "retry: <ms>": how long a browser waits before it reconnects.
void appendRetry(QByteArray &out, qint64 ms);
// \a value without CR, LF and NUL: safe as one field line.
QByteArray fieldValue(const QString &value);

} // namespace SseEvent

} // namespace sb::http
