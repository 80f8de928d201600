// SPDX-License-Identifier: Apache-2.0
#include "replaycontroller.h"

#include <rep_switchboard_replica.h>

#include <QRemoteObjectPendingCallWatcher>

namespace sb::console {

ReplayController::ReplayController(QObject *parent)
    : QObject(parent)
{
    m_poll.setInterval(PollMs);
    connect(&m_poll, &QTimer::timeout, this, &ReplayController::poll);
}

void ReplayController::setApi(SwitchboardReplica *api)
{
    m_api = api;
    ++m_generation;
    m_poll.stop();
    m_polling = false;
    m_timeline.clear();
    m_counts.clear();
    m_peak = 0;
    Q_EMIT timelineChanged();
    m_replayId.clear();
    setReplay({});
}

void ReplayController::setChannel(const QString &channel)
{
    if (channel == m_channel)
        return;
    m_channel = channel;
    Q_EMIT channelChanged();
}

void ReplayController::setTopic(const QString &topic)
{
    if (topic == m_topic)
        return;
    m_topic = topic;
    Q_EMIT channelChanged();
}

bool ReplayController::active() const
{
    const QString state = m_replay.value(QStringLiteral("state")).toString();
    return state == QLatin1String("running") || state == QLatin1String("paused");
}

void ReplayController::setError(const QString &code, const QString &text)
{
    if (code == m_errorCode && text == m_errorText)
        return;
    m_errorCode = code;
    m_errorText = text;
    Q_EMIT errorChanged();
}

void ReplayController::await(const QRemoteObjectPendingCall &call, const std::function<void(const QVariantMap &)> &done)
{
    const quint64 generation = m_generation;
    auto *watcher = new QRemoteObjectPendingCallWatcher(call, this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, generation, done](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        if (generation != m_generation)
            return; // another hub since
        if (w->error() != QRemoteObjectPendingCall::NoError)
            return setError(QStringLiteral("NOT_CONNECTED"), tr("The hub did not answer."));
        const QVariantMap answer = w->returnValue().toMap();
        if (!answer.value(QStringLiteral("ok")).toBool())
            return setError(answer.value(QStringLiteral("code")).toString(), answer.value(QStringLiteral("message")).toString());
        setError({}, {});
        done(answer);
    });
}

void ReplayController::loadTimeline(qint64 fromMs, qint64 toMs, int buckets)
{
    if (!m_api)
        return setError(QStringLiteral("NOT_CONNECTED"), tr("Not connected to a hub."));
    const QVariantMap query{{QStringLiteral("topic"), m_topic},
                            {QStringLiteral("from"), fromMs},
                            {QStringLiteral("to"), toMs},
                            {QStringLiteral("buckets"), buckets}};
    const QString channel = m_channel, topic = m_topic;
    await(m_api->storedDensity(channel, query), [this, channel, topic](const QVariantMap &answer) {
        if (channel != m_channel || topic != m_topic)
            return; // asked for another channel since
        m_timeline = answer;
        m_counts = answer.value(QStringLiteral("counts")).toList();
        m_peak = 0;
        for (const QVariant &n : std::as_const(m_counts))
            m_peak = std::max(m_peak, n.toLongLong());
        Q_EMIT timelineChanged();
    });
}

void ReplayController::setReplay(const QVariantMap &status)
{
    m_replay = status;
    if (active() && !m_poll.isActive())
        m_poll.start();
    else if (!active())
        m_poll.stop();
    Q_EMIT replayChanged();
}

void ReplayController::start(const QVariantMap &options)
{
    if (!m_api)
        return setError(QStringLiteral("NOT_CONNECTED"), tr("Not connected to a hub."));
    await(m_api->startReplay(options), [this](const QVariantMap &status) {
        m_replayId = status.value(QStringLiteral("id")).toString();
        setReplay(status);
    });
}

void ReplayController::follow(const QString &id)
{
    if (!m_api)
        return setError(QStringLiteral("NOT_CONNECTED"), tr("Not connected to a hub."));
    await(m_api->replay(id), [this](const QVariantMap &status) {
        m_replayId = status.value(QStringLiteral("id")).toString();
        setReplay(status);
    });
}

void ReplayController::control(const QString &action, const QVariantMap &args)
{
    if (!m_api)
        return setError(QStringLiteral("NOT_CONNECTED"), tr("Not connected to a hub."));
    if (m_replayId.isEmpty())
        return setError(QStringLiteral("NOT_FOUND"), tr("No replay to %1: start one first.").arg(action));
    const QString id = m_replayId;
    await(m_api->controlReplay(id, action, args), [this, id](const QVariantMap &status) {
        if (id == m_replayId)
            setReplay(status);
    });
}

void ReplayController::pause()
{
    control(QStringLiteral("pause"), {});
}

void ReplayController::resume()
{
    control(QStringLiteral("resume"), {});
}

void ReplayController::stop()
{
    control(QStringLiteral("stop"), {});
}

void ReplayController::seek(qint64 ms)
{
    control(QStringLiteral("seek"), {{QStringLiteral("from"), ms}});
}

void ReplayController::poll()
{
    if (!m_api || m_replayId.isEmpty() || m_polling)
        return;
    m_polling = true;
    const QString id = m_replayId;
    const quint64 generation = m_generation;
    auto *watcher = new QRemoteObjectPendingCallWatcher(m_api->replay(id), this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this, [this, id, generation](QRemoteObjectPendingCallWatcher *w) {
        w->deleteLater();
        if (generation != m_generation)
            return;
        m_polling = false;
        const QVariantMap answer = w->returnValue().toMap();
        if (id != m_replayId || w->error() != QRemoteObjectPendingCall::NoError)
            return;
        if (!answer.value(QStringLiteral("ok")).toBool()) {
            // Gone (the hub restarted, or it was ended and forgotten): stop asking.
            setError(answer.value(QStringLiteral("code")).toString(), answer.value(QStringLiteral("message")).toString());
            m_poll.stop();
            return;
        }
        setReplay(answer);
    });
}

} // namespace sb::console
