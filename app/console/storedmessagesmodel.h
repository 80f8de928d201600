// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractListModel>
#include <QPointer>
#include <QVariantMap>

class SwitchboardReplica;

namespace sb::console {

// The Messages view: one page of what a channel stored, read from the hub's journal through the
// remote-control API (storedMessages). A page starts after a sequence number, so paging through
// millions of messages costs the same on every page; the pages already seen are remembered for
// "previous". from/to narrow by stored time, topic by pattern. Every answer that fails sets error
// (code and message) and leaves the page as it was.
class StoredMessagesModel : public QAbstractListModel
{
    Q_OBJECT
    Q_PROPERTY(QString channel READ channel WRITE setChannel NOTIFY queryChanged)
    Q_PROPERTY(QString topic READ topic WRITE setTopic NOTIFY queryChanged)
    Q_PROPERTY(qint64 fromMs READ fromMs WRITE setFromMs NOTIFY queryChanged)
    Q_PROPERTY(qint64 toMs READ toMs WRITE setToMs NOTIFY queryChanged)
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY queryChanged)
    Q_PROPERTY(int page READ page NOTIFY pageChanged)            // 1-based
    Q_PROPERTY(bool hasNext READ hasNext NOTIFY pageChanged)
    Q_PROPERTY(bool hasPrevious READ hasPrevious NOTIFY pageChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString errorCode READ errorCode NOTIFY errorChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorChanged)

public:
    enum Role { SeqRole = Qt::UserRole + 1, StoredAtRole, StoredAtTextRole, TopicRole, MessageIdRole, ContentTypeRole,
                SizeRole, PreviewRole };
    Q_ENUM(Role)

    static constexpr int MaxPageSize = 1000; // the journal's JournalQuery::MaxLimit

    explicit StoredMessagesModel(QObject *parent = nullptr);

    void setApi(SwitchboardReplica *api);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString channel() const { return m_channel; }
    void setChannel(const QString &channel);
    QString topic() const { return m_topic; }
    void setTopic(const QString &topic);
    qint64 fromMs() const { return m_fromMs; }
    void setFromMs(qint64 ms);
    qint64 toMs() const { return m_toMs; }
    void setToMs(qint64 ms);
    int pageSize() const { return m_pageSize; }
    void setPageSize(int size);
    int page() const { return int(m_pageStarts.size()); }
    bool hasNext() const { return !m_nextAfterSeq.isEmpty(); }
    bool hasPrevious() const { return m_pageStarts.size() > 1; }
    bool busy() const { return m_busy; }
    QString errorCode() const { return m_errorCode; }
    QString errorText() const { return m_errorText; }

    // The first page of what the query selects.
    Q_INVOKABLE void reload();
    Q_INVOKABLE void nextPage();
    Q_INVOKABLE void previousPage();
    // The stored message in \a row: seq, storedAt, and the message as the REST API shows it
    // (messageId, topic, data, headers, ...), with its payload decoded as "payloadBase64".
    Q_INVOKABLE QVariantMap messageAt(int row) const;
    // The payload of \a row as JSON, text or hex (PayloadFormatter::Mode; Auto picks).
    Q_INVOKABLE QString payloadText(int row, int mode) const;

Q_SIGNALS:
    void queryChanged();
    void pageChanged();
    void busyChanged();
    void errorChanged();

private:
    struct Row {
        QString seq;
        qint64 storedAtMs = 0;
        QVariantMap message;
        QByteArray payload;
    };
    void fetch(const QString &afterSeq, int pageDelta);
    void setError(const QString &code, const QString &text);

    QPointer<SwitchboardReplica> m_api;
    QString m_channel, m_topic;
    qint64 m_fromMs = 0, m_toMs = 0;
    int m_pageSize = 100;
    QList<QString> m_pageStarts; // afterSeq of every page up to the one shown
    QString m_nextAfterSeq;      // empty: no page after this one
    QList<Row> m_rows;
    bool m_busy = false;
    quint64 m_generation = 0; // answers to an older query are dropped
    QString m_errorCode, m_errorText;
};

} // namespace sb::console
