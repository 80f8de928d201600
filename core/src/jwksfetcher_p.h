// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <switchboard/jwks.h>

class QNetworkAccessManager;
class QNetworkReply;

namespace sb {

// Keeps a JWKS fetched from a URI: fetched at start, refreshed every refreshMs, retried with
// exponential backoff (retryInitialMs doubling up to refreshMs) after a failure, and the last good
// set kept whatever happens to the fetches. Lives in the thread that uses the keys (the bus thread).
class JwksFetcher : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QUrl uri;
        QList<JwtAlgorithm> allowed;
        qint64 refreshMs = 10 * 60 * 1000;
        qint64 retryInitialMs = 1000;
        qint64 timeoutMs = 10 * 1000;
    };

    explicit JwksFetcher(const Options &options, QObject *parent = nullptr);
    ~JwksFetcher() override;

    void start();
    const Jwks &keys() const { return m_keys; }
    bool hasKeys() const { return !m_keys.isEmpty(); }
    // A fetch now (SIGHUP), unless one is under way.
    void refreshNow();
    // A token named a kid the set does not have: one early fetch, at most every
    // min(30 s, refreshMs), and not while fetches are failing (the backoff decides then).
    void refreshSoon();
    // {uri, keys, fetches, failures, lastError, backoffMs}
    QVariantMap status() const;

private:
    void fetch();
    void finished();
    void failed(const QString &why);
    void schedule(qint64 ms);

    Options m_options;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_timer;
    QPointer<QNetworkReply> m_reply;
    Jwks m_keys;
    QElapsedTimer m_lastEarly;
    bool m_tooLarge = false;
    qint64 m_backoffMs = 0; // 0: the last fetch succeeded (or none failed yet)
    quint64 m_fetches = 0;
    quint64 m_failures = 0;
    QString m_lastError;
};

} // namespace sb
