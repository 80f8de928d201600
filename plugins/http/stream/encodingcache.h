// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>

#include <QByteArray>

#include <utility>

namespace sb::http {

// The last message's encoding, for the streams of one thread: a broadcast hands the same message
// (copies sharing its data) to every subscriber in one bus-thread call, so its JSON envelope or
// SSE event is made once, not once per connection. Holds a copy of the message, so a match by
// Message::sharesDataWith is exact (a changed copy no longer shares the data).
template <typename Encode>
class EncodingCache
{
public:
    explicit EncodingCache(Encode encode) : m_encode(std::move(encode)) {}

    const QByteArray &of(const Message &message)
    {
        if (!m_valid || !m_message.sharesDataWith(message)) {
            m_message = message;
            m_bytes = m_encode(message);
            m_valid = true;
        }
        return m_bytes;
    }

private:
    Encode m_encode;
    Message m_message;
    QByteArray m_bytes;
    bool m_valid = false;
};

} // namespace sb::http
