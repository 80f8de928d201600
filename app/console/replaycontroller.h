// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVariantList>
#include <QVariantMap>

class SwitchboardReplica;
class QRemoteObjectPendingCall;

namespace sb::console {

// The Replay page's backend: a timeline of what a channel stored (storedDensity: counts per span
// of time over the stored range, or a part of it), and one replay at a time that the page
// started or follows (startReplay, controlReplay), whose status (state, messages sent, the
// original time reached, the measured timing error) is read four times a second while it runs.
// Every refusal sets errorCode and errorText.
class ReplayController : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString channel READ channel WRITE setChannel NOTIFY channelChanged)
    Q_PROPERTY(QString topic READ topic WRITE setTopic NOTIFY channelChanged)
    Q_PROPERTY(QVariantList counts READ counts NOTIFY timelineChanged)
    Q_PROPERTY(qint64 timelineFrom READ timelineFrom NOTIFY timelineChanged)
    Q_PROPERTY(qint64 timelineTo READ timelineTo NOTIFY timelineChanged)
    Q_PROPERTY(qint64 bucketMs READ bucketMs NOTIFY timelineChanged)
    Q_PROPERTY(qint64 total READ total NOTIFY timelineChanged)
    Q_PROPERTY(qint64 peak READ peak NOTIFY timelineChanged)
    Q_PROPERTY(bool estimated READ estimated NOTIFY timelineChanged)
    Q_PROPERTY(qint64 firstTime READ firstTime NOTIFY timelineChanged)
    Q_PROPERTY(qint64 lastTime READ lastTime NOTIFY timelineChanged)
    Q_PROPERTY(QString replayId READ replayId NOTIFY replayChanged)
    Q_PROPERTY(QVariantMap replay READ replay NOTIFY replayChanged)
    Q_PROPERTY(bool active READ active NOTIFY replayChanged) // running or paused
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY errorChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)

public:
    explicit ReplayController(QObject *parent = nullptr);

    void setApi(SwitchboardReplica *api);

    QString channel() const { return m_channel; }
    void setChannel(const QString &channel);
    QString topic() const { return m_topic; }
    void setTopic(const QString &topic);
    QVariantList counts() const { return m_counts; }
    qint64 timelineFrom() const { return m_timeline.value(QStringLiteral("from")).toLongLong(); }
    qint64 timelineTo() const { return m_timeline.value(QStringLiteral("to")).toLongLong(); }
    qint64 bucketMs() const { return m_timeline.value(QStringLiteral("bucketMs")).toLongLong(); }
    qint64 total() const { return m_timeline.value(QStringLiteral("total")).toLongLong(); }
    qint64 peak() const { return m_peak; }
    bool estimated() const { return m_timeline.value(QStringLiteral("estimated")).toBool(); }
    qint64 firstTime() const { return m_timeline.value(QStringLiteral("firstTime")).toLongLong(); }
    qint64 lastTime() const { return m_timeline.value(QStringLiteral("lastTime")).toLongLong(); }
    QString replayId() const { return m_replayId; }
    QVariantMap replay() const { return m_replay; }
    bool active() const;
    QString errorCode() const { return m_errorCode; }
    QString errorText() const { return m_errorText; }

    // The timeline of channel and topic from \a fromMs to \a toMs (0, 0: all that is stored).
    Q_INVOKABLE void loadTimeline(qint64 fromMs, qint64 toMs, int buckets);
    // Starts a replay: \a options as the REST API's POST /api/v1/replays (channel, topic, from,
    // to, after-seq, to-seq, speed, remap, target-channel, subscription, store). The page follows it.
    Q_INVOKABLE void start(const QVariantMap &options);
    Q_INVOKABLE void follow(const QString &id);
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    Q_INVOKABLE void stop();
    // Continues from the first message stored at \a ms or later.
    Q_INVOKABLE void seek(qint64 ms);

    static constexpr int PollMs = 250;

Q_SIGNALS:
    void channelChanged();
    void timelineChanged();
    void replayChanged();
    void errorChanged();

private:
    void control(const QString &action, const QVariantMap &args);
    void poll();
    // Runs \a done with the answer of \a call, or sets the error when it is a refusal.
    void await(const QRemoteObjectPendingCall &call, const std::function<void(const QVariantMap &)> &done);
    void setError(const QString &code, const QString &text);
    void setReplay(const QVariantMap &status);

    QPointer<SwitchboardReplica> m_api;
    QString m_channel, m_topic;
    QVariantMap m_timeline;
    QVariantList m_counts;
    qint64 m_peak = 0;
    QString m_replayId;
    QVariantMap m_replay;
    QTimer m_poll;
    bool m_polling = false; // a status read is on its way
    quint64 m_generation = 0;
    QString m_errorCode, m_errorText;
};

} // namespace sb::console
