// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "httpresponder.h"

#include <QSslConfiguration>

#include <memory>
#include <optional>

class QHostAddress;
class QObject;

namespace sb::http {

class HttpListenerState;

// Turns an accepted socket descriptor into an HttpConnection in the calling thread (the
// listener's, or an I/O thread's), as a child of \a owner: a plain socket at once; a TLS socket
// after its server handshake, which request-head-timeout bounds (a failed or late handshake is
// counted in tlsHandshakeFailures and closes the socket). Whatever fails releases the listener's
// count for \a key.
namespace HttpSocketStarter {
void start(qintptr descriptor, quint64 key, const std::shared_ptr<HttpListenerState> &state,
           const std::optional<QSslConfiguration> &tls, const std::shared_ptr<HttpAnswerQueue> &answerRoute,
           QObject *owner);
// Closes a descriptor that will not become a connection (and releases its count).
void discard(qintptr descriptor, quint64 key, const std::shared_ptr<HttpListenerState> &state);
// Closes the TLS handshakes under way among \a owner's children for \a state's listener (all of
// them with \a key 0, else the one with \a key). In \a owner's thread.
void abortHandshakes(QObject *owner, const HttpListenerState *state, quint64 key = 0);
// The peer address and port of an accepted descriptor; false if the peer is gone already.
bool peerOf(qintptr descriptor, QHostAddress *address, quint16 *port);
} // namespace HttpSocketStarter

} // namespace sb::http
