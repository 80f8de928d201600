// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QByteArray>

namespace sb::remote {

// The few bytes before Qt Remote Objects takes over a remote-control connection: the replica
// proves who it is, the hub says yes or no, and only after a yes does the hub hand the socket
// to its QRemoteObjectHost. An unauthenticated replica never sees a single object.
//   replica -> hub:  "SBRC/1 <token>\n"               (the token may be empty on a local socket)
//   hub -> replica:  "OK <hub name>\n"  or  "ERR <CODE> <message>\n", then the hub closes.
// Simple enough for any language: the Python example speaks it with a QLocalSocket.
namespace RemoteHandshake {

constexpr int MaxLineBytes = 8192;
constexpr int DefaultTimeoutMs = 5000;

QByteArray hello(const QByteArray &token);
// The token from a replica's hello line (without the newline); BAD_FRAME when it is not one.
Result<QByteArray> parseHello(const QByteArray &line);
QByteArray accepted(const QString &hubName);
QByteArray refused(const Error &error);
// The hub's name from its answer line, or the error it refused with.
Result<QString> parseAnswer(const QByteArray &line);

} // namespace RemoteHandshake
} // namespace sb::remote
