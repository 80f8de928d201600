// SPDX-License-Identifier: Apache-2.0
#include "jwksfetcher_p.h"

#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

Q_LOGGING_CATEGORY(lcJwks, "switchboard.jwks")

namespace sb {

JwksFetcher::JwksFetcher(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_network(new QNetworkAccessManager(this))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &JwksFetcher::fetch);
}

JwksFetcher::~JwksFetcher()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
    }
}

void JwksFetcher::start()
{
    fetch();
}

void JwksFetcher::refreshNow()
{
    if (!m_reply)
        fetch();
}

void JwksFetcher::refreshSoon()
{
    if (m_reply || m_backoffMs > 0)
        return;
    const qint64 minimum = qMin<qint64>(30 * 1000, m_options.refreshMs);
    if (m_lastEarly.isValid() && m_lastEarly.elapsed() < minimum)
        return;
    m_lastEarly.start();
    fetch();
}

QVariantMap JwksFetcher::status() const
{
    return { { QStringLiteral("uri"), m_options.uri.toString() }, { QStringLiteral("keys"), m_keys.kids() },
        { QStringLiteral("fetches"), m_fetches }, { QStringLiteral("failures"), m_failures },
        { QStringLiteral("lastError"), m_lastError }, { QStringLiteral("backoffMs"), m_backoffMs } };
}

void JwksFetcher::fetch()
{
    m_timer.stop();
    if (m_reply)
        return;
    ++m_fetches;
    m_tooLarge = false;
    QNetworkRequest request(m_options.uri);
    request.setTransferTimeout(int(qMin<qint64>(m_options.timeoutMs, INT_MAX)));
    request.setRawHeader("Accept", "application/jwk-set+json, application/json");
    // Redirects are followed only where they stay as safe (no https -> http).
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    m_reply = m_network->get(request);
    connect(m_reply, &QNetworkReply::downloadProgress, this, [this](qint64 received, qint64) {
        if (received > Jwks::MaxDocumentBytes && m_reply) {
            m_tooLarge = true;
            m_reply->abort(); // finished() reports it
        }
    });
    connect(m_reply, &QNetworkReply::finished, this, &JwksFetcher::finished);
}

void JwksFetcher::finished()
{
    QNetworkReply *reply = m_reply;
    m_reply = nullptr;
    if (!reply)
        return;
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 0 && status != 200) {
        failed(QStringLiteral("HTTP status %1").arg(status));
        return;
    }
    if (reply->error() != QNetworkReply::NoError || status != 200) {
        if (m_tooLarge)
            failed(QStringLiteral("the key set is larger than %1 bytes").arg(Jwks::MaxDocumentBytes));
        else if (reply->error() == QNetworkReply::OperationCanceledError) // the transfer timeout
            failed(QStringLiteral("no answer within %1 ms").arg(m_options.timeoutMs));
        else
            failed(reply->errorString());
        return;
    }
    Result<Jwks> keys = Jwks::fromJson(reply->read(Jwks::MaxDocumentBytes + 1), m_options.allowed);
    if (!keys) {
        failed(keys.error().message);
        return;
    }
    if (m_backoffMs > 0 || !m_lastError.isEmpty())
        qCInfo(lcJwks).noquote() << "key set" << m_options.uri.toString()
                                 << "fetched again:" << keys->kids().join(u',');
    m_keys = std::move(keys.value());
    m_backoffMs = 0;
    m_lastError.clear();
    schedule(m_options.refreshMs);
}

void JwksFetcher::failed(const QString &why)
{
    ++m_failures;
    // Logged when fetches start failing, not on every retry.
    if (m_backoffMs == 0)
        qCWarning(lcJwks).noquote() << "key set" << m_options.uri.toString() << "could not be fetched:" << why
                                    << (m_keys.isEmpty()
                                               ? QStringLiteral("(no keys yet)")
                                               : QStringLiteral("(keeping the last %1 keys)").arg(m_keys.size()));
    m_lastError = why;
    const qint64 cap = qMax<qint64>(1, m_options.refreshMs);
    m_backoffMs = m_backoffMs == 0 ? qMin(qMax<qint64>(1, m_options.retryInitialMs), cap) : qMin(m_backoffMs * 2, cap);
    schedule(m_backoffMs);
}

void JwksFetcher::schedule(qint64 ms)
{
    m_timer.start(int(qMin<qint64>(ms, INT_MAX)));
}

} // namespace sb
