// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

namespace sb::console {

// Shows a payload the way an operator wants to read it: pretty JSON, text, or a hex dump.
class PayloadFormatter : public QObject
{
    Q_OBJECT

public:
    enum Mode { Auto, Json, Text, Hex };
    Q_ENUM(Mode)

    using QObject::QObject;

    // Auto picks JSON when it parses, text when it is valid UTF-8 without control bytes, else hex.
    Q_INVOKABLE static QString format(const QByteArray &payload, int mode = Auto, int maxBytes = 65536);
    Q_INVOKABLE static int detect(const QByteArray &payload);
    Q_INVOKABLE static QString hexDump(const QByteArray &payload, int maxBytes = 65536);
};

} // namespace sb::console
