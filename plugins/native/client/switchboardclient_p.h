// SPDX-License-Identifier: Apache-2.0
#pragma once

// SwitchboardClient's private data, shared by its two source files: switchboardclient.cpp (the
// protocol: handshake, frames, publish, subscribe, request) and switchboardclient_transport.cpp
// (the socket: connecting over TCP, TLS or the local socket, reading, writing, reconnecting).

#include "switchboardclient.h"

#include "protocol/nativeprotocol.h"

#include <QIODevice>
#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>

namespace sb {

namespace clientdetail {
// Qt's socket read buffer keeps its one chunk for reuse only while it is no larger than 16 kB
// (QRingBuffer's basic block); a larger bound makes it allocate and free a chunk as large as each
// burst, and glibc then trims and re-faults the heap on every read. Measured with sb-bench W1: a
// 256 kB bound cost a third of a subscriber's delivery rate.
constexpr qint64 kReadBufferSize = 16 * 1024;
// Plain TCP is unbuffered: deliveries are read from the kernel straight into the frame reader, in
// pieces of this size, at most kReadPerTurn per event-loop turn (the rest comes next turn).
constexpr qint64 kReadChunk = 64 * 1024;
constexpr qint64 kReadPerTurn = 4 * kReadChunk;
} // namespace clientdetail

struct SwitchboardClient::Private
{
    enum class Kind { Tcp, Tls, Local } kind = Kind::Tcp;
    QString host;
    quint16 port = 0;
    QString localName;
    QPointer<QIODevice> socket;
    native::FrameReader reader;
    QList<QSslCertificate> clientChain; // mutual TLS (Options::tlsCertFile / tlsKeyFile)
    QSslKey clientKey;
};

} // namespace sb
