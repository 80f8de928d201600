// SPDX-License-Identifier: Apache-2.0
#include "sseevent.h"

#include <switchboard/jsoncodec.h>

namespace sb::http::SseEvent {

QByteArray fieldValue(const QString &value)
{
    QByteArray bytes = value.toUtf8();
    bytes.removeIf([](char c) { return c == '\r' || c == '\n' || c == '\0'; });
    return bytes;
}

QByteArray messageEvent(const Message &message)
{
    const QByteArray json = JsonCodec::encode(message);
    QByteArray out;
    out.reserve(json.size() + 64);
    // A stored message's id is its place in the journal ("j<seq>"): a client resumes from the
    // journal with it. Others keep the message's id (the resume buffer).
    out += "id: ";
    const QString seq = message.header(QStringLiteral("x-sb-seq")); // Bus::seqHeader()
    if (seq.isEmpty())
        out += fieldValue(message.id());
    else
        out += 'j' + seq.toLatin1();
    out += "\nevent: ";
    const QByteArray event = fieldValue(message.action());
    out += event.isEmpty() ? QByteArrayView("message") : QByteArrayView(event);
    // Compact JSON escapes every control character inside strings: one line.
    out += "\ndata: ";
    out += json;
    out += "\n\n";
    return out;
}

void appendMessage(QByteArray &out, const Message &message)
{
    out += messageEvent(message);
}

void appendNamed(QByteArray &out, QByteArrayView name, const QByteArray &jsonData)
{
    out += "event: ";
    out += name;
    out += "\ndata: ";
    out += jsonData;
    out += "\n\n";
}

void appendComment(QByteArray &out, QByteArrayView text)
{
    out += ": ";
    out += text;
    out += "\n\n";
}

void appendRetry(QByteArray &out, qint64 ms)
{
    out += "retry: ";
    out += QByteArray::number(ms);
    out += "\n\n";
}

} // namespace sb::http::SseEvent
