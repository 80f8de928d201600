// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/callbacksubscriber.h>
#include <switchboard/message.h>

#include <QList>

namespace sbtest {

// An in-process subscriber that keeps what it is given (tests of the bus).
struct Recorder
{
    QList<sb::Message> messages;
    sb::MessageHandler handler()
    {
        return [this](const sb::Message &m) {
            messages.append(m);
            return sb::Status();
        };
    }
    QList<QByteArray> payloads() const
    {
        QList<QByteArray> out;
        for (const sb::Message &m : messages)
            out.append(m.payload());
        return out;
    }
};

} // namespace sbtest
