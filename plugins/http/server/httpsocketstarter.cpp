// SPDX-License-Identifier: Apache-2.0
#include "httpsocketstarter.h"

#include "httpconnection.h"
#include "httplistenerstate.h"

#include <QSslSocket>
#include <QTimer>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sb::http {

namespace {

// A TLS socket until its handshake ends: then a connection, or closed.
class TlsHandshake : public QObject
{
public:
    TlsHandshake(QSslSocket *socket, quint64 key, std::shared_ptr<HttpListenerState> state,
                 std::shared_ptr<HttpAnswerQueue> route, QObject *owner)
        : QObject(owner), m_socket(socket), m_key(key), m_state(std::move(state)), m_route(std::move(route))
    {
        socket->setParent(this);
        connect(socket, &QSslSocket::encrypted, this, &TlsHandshake::done);
        connect(socket, &QAbstractSocket::errorOccurred, this, [this] { fail(); });
        connect(socket, &QAbstractSocket::disconnected, this, [this] { fail(); });
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, [this] { fail(); });
        m_timer.start(m_state->limits().requestHeadTimeoutMs);
        socket->startServerEncryption();
    }

    ~TlsHandshake() override
    {
        if (!m_finished)
            m_state->release(m_key); // closed with its owner before the handshake ended
    }

    bool belongsTo(const HttpListenerState *state, quint64 key) const
    {
        return m_state.get() == state && (key == 0 || m_key == key);
    }

private:
    void done()
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        disconnect(m_socket, nullptr, this, nullptr);
        new HttpConnection(m_socket, m_key, m_state, m_route, parent());
        deleteLater();
    }

    void fail()
    {
        if (m_finished)
            return;
        m_finished = true;
        m_timer.stop();
        disconnect(m_socket, nullptr, this, nullptr);
        HttpServerCounters::add(m_state->counters().tlsHandshakeFailures);
        m_socket->abort();
        m_state->release(m_key);
        deleteLater(); // the socket with it
    }

    QSslSocket *m_socket;
    quint64 m_key;
    std::shared_ptr<HttpListenerState> m_state;
    std::shared_ptr<HttpAnswerQueue> m_route;
    QTimer m_timer;
    bool m_finished = false;
};

} // namespace

void HttpSocketStarter::start(qintptr descriptor, quint64 key, const std::shared_ptr<HttpListenerState> &state,
                              const std::optional<QSslConfiguration> &tls,
                              const std::shared_ptr<HttpAnswerQueue> &answerRoute, QObject *owner)
{
    if (tls) {
        auto *socket = new QSslSocket;
        socket->setSslConfiguration(*tls);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            discard(descriptor, key, state);
            return;
        }
        new TlsHandshake(socket, key, state, answerRoute, owner);
        return;
    }
    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        discard(descriptor, key, state);
        return;
    }
    new HttpConnection(socket, key, state, answerRoute, owner);
}

void HttpSocketStarter::discard(qintptr descriptor, quint64 key, const std::shared_ptr<HttpListenerState> &state)
{
    ::close(int(descriptor));
    state->release(key);
}

void HttpSocketStarter::abortHandshakes(QObject *owner, const HttpListenerState *state, quint64 key)
{
    const QList<QObject *> children = owner->children();
    for (QObject *child : children) {
        if (auto *h = dynamic_cast<TlsHandshake *>(child); h && h->belongsTo(state, key))
            delete h; // releases the count; the socket goes with it
    }
}

bool HttpSocketStarter::peerOf(qintptr descriptor, QHostAddress *address, quint16 *port)
{
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&peer), &length) != 0)
        return false;
    *address = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
    *port = peer.ss_family == AF_INET6 ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_port)
                                       : ntohs(reinterpret_cast<const sockaddr_in *>(&peer)->sin_port);
    return true;
}

} // namespace sb::http
