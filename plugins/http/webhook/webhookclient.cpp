// SPDX-License-Identifier: Apache-2.0
#include "webhookclient.h"

#include "webhookresponsehead.h"

#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkProxy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

#include <string_view>

namespace sb::http {

Q_LOGGING_CATEGORY(lcWebhook, "switchboard.http.webhook", QtWarningMsg)

namespace {

constexpr int kDefaultTimeoutMs = 10000;

bool isHttps(const QUrl &url)
{
    return url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
}

// RFC 9110 5.5, 5.6.2: the name a token, the value without control characters but HTAB, so no
// CR or LF that would end the line early and let the value smuggle a header or a request.
bool isValidField(const QByteArray &name, const QByteArray &value)
{
    constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
    for (const char c : name) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && kSpecials.find(c) == std::string_view::npos)
            return false;
    }
    for (const char c : value) {
        if ((uchar(c) < 0x20 && c != '\t') || c == 0x7F)
            return false;
    }
    return !name.isEmpty();
}

QString printable(QByteArrayView bytes)
{
    return WebhookResponseHead::printable(bytes);
}

// The request as sent, or an empty array with \a error set when a header could break the framing.
// Host, Content-Length, Transfer-Encoding, Connection and Upgrade are ours to set: a second one
// from the caller would make the message ambiguous to the receiver.
QByteArray buildRequest(const WebhookClient::Request &r, QString *error)
{
    QByteArray contentType = "application/json";
    QByteArray userAgent = "switchboard-webhook/1";
    QByteArray extra;
    for (const auto &[name, value] : r.headers) {
        if (!isValidField(name, value)) {
            *error = QStringLiteral("header ") + printable(name)
                + QStringLiteral(" has a name or value that is not allowed in HTTP (CR, LF or another control "
                                 "character, or a name that is not a token)");
            return {};
        }
        const QByteArray lower = name.toLower();
        if (lower == "content-type") {
            contentType = value;
        } else if (lower == "user-agent") {
            userAgent = value;
        } else if (lower == "host" || lower == "content-length" || lower == "transfer-encoding" || lower == "connection"
            || lower == "upgrade") {
            *error = QStringLiteral("header ") + printable(name)
                + QStringLiteral(" is set by the webhook client and may not be given");
            return {};
        } else {
            extra += name + ": " + value + "\r\n";
        }
    }
    QByteArray target = r.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (!target.startsWith('/'))
        target.prepend('/');
    QByteArray host = r.url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = r.url.port();
    if (port != -1 && port != (isHttps(r.url) ? 443 : 80))
        host += ':' + QByteArray::number(port);
    return "POST " + target + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(r.body.size())
        + "\r\nConnection: close\r\nUser-Agent: " + userAgent + "\r\n" + extra + "\r\n" + r.body;
}

} // namespace

/*!
    \class sb::http::WebhookClient
    One webhook delivery: an HTTP/1.1 POST whose response head is read for its status; the body is
    not read and redirects are not followed (a 3xx is a status like any other).

    Not QNetworkAccessManager: it resolves the host itself, after any check of ours, so a name
    could resolve to a public address for the check and to 127.0.0.1 for the connection (DNS
    rebinding). Here the name is resolved once, every address is vetted by the policy, and the
    socket connects to a vetted address without a proxy; TLS still verifies the certificate
    against the URL's host name, which it also sends as SNI.

    A name is refused when any of its addresses is, not only the first: the resolver's order is not
    ours to rely on, and a mixed answer (public and private) is an attack or a misconfiguration
    either way. The addresses are then tried in the resolver's order until one accepts.

    finished() comes exactly once per post(), always from the event loop (never inside post()),
    never after destruction. One timer bounds it all, from resolving to the response head.
*/

WebhookClient::WebhookClient(const WebhookTargetPolicy &policy, QObject *parent)
    : QObject(parent)
    , m_policy(policy)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &WebhookClient::onTimeout);
}

WebhookClient::~WebhookClient()
{
    if (m_lookupId != -1)
        QHostInfo::abortHostLookup(m_lookupId);
    // Deleted here rather than by ~QObject: a socket closing in its destructor emits signals, and
    // by then this object's members would be gone.
    if (m_socket) {
        m_socket->disconnect(this);
        delete m_socket;
    }
}

const char *WebhookClient::failureName(Outcome::Failure failure)
{
    static const char *const names[] = { "none", "refused", "resolve", "connect", "tls", "timeout", "protocol" };
    return names[int(failure)];
}

void WebhookClient::post(const Request &request)
{
    if (m_stage != Stage::Idle) {
        qCWarning(lcWebhook) << "WebhookClient::post() called a second time: ignored (one client per delivery)";
        return;
    }
    m_request = request;
    m_clock.start();
    m_stage = Stage::Resolving;
    m_timer.start(request.timeoutMs > 0 ? request.timeoutMs : kDefaultTimeoutMs);
    QString why;
    if (!m_policy.checkUrl(request.url, &why))
        return fail(Outcome::Failure::Refused, why);
    m_port = quint16(request.url.port(isHttps(request.url) ? 443 : 80));
    m_wire = buildRequest(request, &why);
    if (m_wire.isEmpty())
        return fail(Outcome::Failure::Protocol, why);
    if (isHttps(request.url) && !QSslSocket::supportsSsl())
        return fail(Outcome::Failure::Tls, QStringLiteral("TLS is not available (no OpenSSL backend loaded)"));
    // A literal address is vetted as it is: QHostInfo would look up its name instead.
    const QString host = request.url.host(QUrl::FullyEncoded);
    const QHostAddress literal(host);
    if (!literal.isNull())
        return vetAndConnect({ literal }, QString());
    m_lookupId = QHostInfo::lookupHost(host, this, &WebhookClient::onResolved);
}

void WebhookClient::onResolved(const QHostInfo &info)
{
    m_lookupId = -1;
    if (m_stage != Stage::Resolving)
        return;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
        const QString reason = info.error() != QHostInfo::NoError ? info.errorString() : QStringLiteral("no addresses");
        return fail(Outcome::Failure::Resolve,
            QStringLiteral("could not resolve \"") + info.hostName() + QStringLiteral("\": ") + reason);
    }
    vetAndConnect(info.addresses(), info.hostName());
}

void WebhookClient::vetAndConnect(const QList<QHostAddress> &addresses, const QString &resolvedFrom)
{
    m_addresses.clear();
    for (const QHostAddress &address : addresses) {
        QString why;
        if (!m_policy.permits(address, &why)) {
            if (!resolvedFrom.isEmpty())
                why = QLatin1Char('"') + resolvedFrom
                    + QStringLiteral("\" resolves to a refused address (a name is refused if any of its addresses "
                                     "is): ")
                    + why;
            return fail(Outcome::Failure::Refused, why);
        }
        if (!m_addresses.contains(address))
            m_addresses.append(address);
    }
    m_nextAddress = 0;
    connectNext();
}

void WebhookClient::connectNext()
{
    dropSocket();
    if (m_nextAddress >= m_addresses.size())
        return fail(Outcome::Failure::Connect, QStringLiteral("could not connect: ") + m_connectErrors);
    m_current = m_addresses.at(m_nextAddress++);
    m_stage = Stage::Connecting;
    m_sslErrors.clear();
    QSslSocket *ssl = nullptr;
    if (isHttps(m_request.url)) {
        ssl = new QSslSocket(this);
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        if (!m_request.caCertificates.isEmpty())
            conf.setCaCertificates(m_request.caCertificates);
        conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
        conf.setProtocol(QSsl::TlsV1_2OrLater);
        ssl->setSslConfiguration(conf);
        connect(ssl, &QAbstractSocket::connected, this, [this] { m_stage = Stage::Handshaking; });
        connect(ssl, &QSslSocket::encrypted, this, &WebhookClient::onConnected);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QAbstractSocket::connected, this, &WebhookClient::onConnected);
    }
    // A proxy would make its own connection, from its own network, to whatever it resolves.
    m_socket->setProxy(QNetworkProxy::NoProxy);
    connect(m_socket, &QIODevice::readyRead, this, &WebhookClient::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &WebhookClient::onSocketGone);
    connect(m_socket, &QAbstractSocket::disconnected, this, &WebhookClient::onSocketGone);
    // The vetted address as the host to connect to, the URL's host for SNI and the certificate.
    if (ssl)
        ssl->connectToHostEncrypted(m_current.toString(), m_port, m_request.url.host(QUrl::FullyEncoded));
    else
        m_socket->connectToHost(m_current, m_port);
}

void WebhookClient::onConnected()
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Waiting;
    m_socket->write(m_wire);
}

void WebhookClient::onReadyRead()
{
    // Read no more than the head may hold (plus one byte to tell a full buffer from an overlong
    // head): the rest stays in the socket and goes with it.
    while (m_stage != Stage::Done && m_socket && m_head.state() == WebhookResponseHead::State::Incomplete
           && m_head.room() > 0) {
        const QByteArray chunk = m_socket->read(m_head.room());
        if (chunk.isEmpty())
            return;
        switch (m_head.append(chunk)) {
        case WebhookResponseHead::State::Incomplete:
            break;
        case WebhookResponseHead::State::TooLarge:
            return fail(Outcome::Failure::Protocol, QStringLiteral("response head over 16 KiB from ") + m_current.toString());
        case WebhookResponseHead::State::Malformed:
            return fail(Outcome::Failure::Protocol, QStringLiteral("malformed status line from ") + m_current.toString()
                                                        + QStringLiteral(": ") + m_head.malformedLine());
        case WebhookResponseHead::State::Final: {
            Outcome outcome;
            outcome.status = m_head.status();
            outcome.retryAfterSeconds = m_head.retryAfterSeconds();
            return finish(outcome);
        }
        }
    }
}

void WebhookClient::onSocketGone()
{
    if (m_stage == Stage::Done || !m_socket)
        return;
    onReadyRead(); // what arrived with the close
    if (m_stage == Stage::Done)
        return;
    const QString error = m_socket->errorString();
    switch (m_stage) {
    case Stage::Connecting:
        m_connectErrors += (m_connectErrors.isEmpty() ? QString() : QStringLiteral("; ")) + m_current.toString()
            + QStringLiteral(" port ") + QString::number(m_port) + QStringLiteral(": ") + error;
        return connectNext();
    case Stage::Handshaking: {
        // The certificate's faults when it was refused, else what the socket saw.
        QStringList errors;
        for (const QSslError &e : std::as_const(m_sslErrors))
            errors.append(e.errorString());
        const QString peer = m_request.url.host() + QStringLiteral(" (") + m_current.toString() + QLatin1Char(')');
        return fail(Outcome::Failure::Tls,
            errors.isEmpty() ? QStringLiteral("TLS handshake with ") + peer + QStringLiteral(" failed: ") + error
                             : QStringLiteral("TLS certificate of ") + peer + QStringLiteral(" not accepted: ")
                    + errors.join(QStringLiteral("; ")));
    }
    default: {
        const int status = m_head.status();
        const QString where
            = status ? QStringLiteral("inside the response head") : QStringLiteral("before a complete status line");
        fail(Outcome::Failure::Protocol,
            QStringLiteral("connection closed ") + where + QStringLiteral(" by ") + m_current.toString()
                + QStringLiteral(" after ") + QString::number(m_head.size()) + QStringLiteral(" bytes: ") + error,
            status);
    }
    }
}

void WebhookClient::onTimeout()
{
    // Indexed by Stage.
    static const char *const doing[] = { "", "resolving ", "connecting to ", "in the TLS handshake with ",
        "waiting for the response head from ", "" };
    const QString peer = m_stage == Stage::Resolving ? m_request.url.host() : m_current.toString();
    fail(Outcome::Failure::Timeout,
        QStringLiteral("no response within ") + QString::number(m_timer.interval()) + QStringLiteral(" ms: timed out ")
            + QLatin1String(doing[int(m_stage)]) + peer);
}

void WebhookClient::fail(Outcome::Failure failure, const QString &detail, int status)
{
    Outcome outcome;
    outcome.failure = failure;
    outcome.detail = detail;
    outcome.status = status;
    finish(outcome);
}

// The one way out: stops everything and queues finished(), so that it is never emitted inside
// post() and never after destruction (the queued call dies with this object).
void WebhookClient::finish(Outcome outcome)
{
    if (m_stage == Stage::Done)
        return;
    m_stage = Stage::Done;
    m_timer.stop();
    if (m_lookupId != -1) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    if (!m_current.isNull())
        outcome.address = m_current.toString();
    outcome.elapsedMs = m_clock.elapsed();
    dropSocket(); // only the head is read: abort rather than drain a body nobody wants
    QMetaObject::invokeMethod(
        this, [this, outcome] { Q_EMIT finished(outcome); }, Qt::QueuedConnection);
}

void WebhookClient::dropSocket()
{
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    m_socket->deleteLater(); // it may be the sender of the signal being handled
    m_socket = nullptr;
}

} // namespace sb::http
