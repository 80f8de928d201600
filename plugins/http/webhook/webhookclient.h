// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "webhookresponsehead.h"
#include "webhooktargetpolicy.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslError>
#include <QTimer>
#include <QUrl>

#include <utility>

class QHostInfo;
class QTcpSocket;

namespace sb::http {

// One webhook delivery: an HTTP/1.1 POST to a vetted address, reporting the response's status.
class WebhookClient : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QUrl url;
        QByteArray body;
        QList<std::pair<QByteArray, QByteArray>> headers;
        int timeoutMs = 10000; // resolve to response head; <= 0: the default
        QList<QSslCertificate> caCertificates; // empty: the system's
    };

    struct Outcome
    {
        int status = 0; // HTTP status, 0 if none
        enum class Failure { None, Refused, Resolve, Connect, Tls, Timeout, Protocol } failure = Failure::None;
        QString detail; // actionable message
        QString address; // the IP contacted
        qint64 elapsedMs = 0;
        int retryAfterSeconds = 0; // the answer's Retry-After (delta-seconds), 0 if none
    };

    explicit WebhookClient(const WebhookTargetPolicy &policy, QObject *parent = nullptr);
    ~WebhookClient() override;

    void post(const Request &request);

    static const char *failureName(Outcome::Failure failure);

Q_SIGNALS:
    void finished(const WebhookClient::Outcome &outcome);

private:
    enum class Stage { Idle, Resolving, Connecting, Handshaking, Waiting, Done };

    void onResolved(const QHostInfo &info);
    void vetAndConnect(const QList<QHostAddress> &addresses, const QString &resolvedFrom);
    void connectNext();
    void onConnected();
    void onReadyRead();
    void onSocketGone();
    void onTimeout();
    void fail(Outcome::Failure failure, const QString &detail, int status = 0);
    void finish(Outcome outcome);
    void dropSocket();

    WebhookTargetPolicy m_policy;
    Request m_request;
    QByteArray m_wire; // the request as sent
    Stage m_stage = Stage::Idle;
    int m_lookupId = -1;
    QList<QHostAddress> m_addresses; // vetted, in the resolver's order
    qsizetype m_nextAddress = 0;
    QString m_connectErrors; // of the addresses tried before the current one
    QHostAddress m_current; // the address being tried, or the one that answered
    quint16 m_port = 0;
    QTcpSocket *m_socket = nullptr;
    QList<QSslError> m_sslErrors;
    WebhookResponseHead m_head;
    QTimer m_timer;
    QElapsedTimer m_clock;
};

} // namespace sb::http

Q_DECLARE_METATYPE(sb::http::WebhookClient::Outcome)
