// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>

namespace sb::http {

// W3C Trace Context: the caller's "traceparent" when it is well-formed
// ("00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", ids not all zero), else a new one
// with random ids. Carried in the message's headers end to end and written in the logs.
namespace TraceContext {
bool isValid(const QByteArray &traceparent);
QByteArray create();
inline QByteArray acceptOrCreate(const QByteArray &traceparent)
{
    return isValid(traceparent) ? traceparent.toLower() : create();
}
} // namespace TraceContext

} // namespace sb::http
