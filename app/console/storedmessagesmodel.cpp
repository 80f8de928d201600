// SPDX-License-Identifier: Apache-2.0
#include "storedmessagesmodel.h"

#include "payloadformatter.h"

#include <rep_switchboard_replica.h>

#include <switchboard/jsoncodec.h>

#include <QDateTime>
#include <QJsonObject>
#include <QRemoteObjectPendingCallWatcher>

namespace sb::console {

namespace {

QString oneLine(const QString &text, int max)
{
    QString s = text.simplified();
    return s.size() > max ? s.left(max - 1) + QChar(0x2026) : s;
}

} // namespace

StoredMessagesModel::StoredMessagesModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

void StoredMessagesModel::setApi(SwitchboardReplica *api)
{
    m_api = api;
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    m_pageStarts.clear();
    m_nextAfterSeq.clear();
    endResetModel();
    if (m_busy) {
        m_busy = false;
        Q_EMIT busyChanged();
    }
    Q_EMIT pageChanged();
}

int StoredMessagesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant StoredMessagesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case SeqRole: return r.seq;
    case StoredAtRole: return r.storedAtMs;
    case StoredAtTextRole: return QDateTime::fromMSecsSinceEpoch(r.storedAtMs, Qt::UTC).toString(Qt::ISODateWithMs);
    case TopicRole: return r.message.value(QStringLiteral("topic"));
    case MessageIdRole: return r.message.value(QStringLiteral("messageId"));
    case ContentTypeRole: return r.message.value(QStringLiteral("contentType"));
    case SizeRole: return int(r.payload.size());
    case PreviewRole: return oneLine(PayloadFormatter::format(r.payload, PayloadFormatter::Auto, 512), 120);
    default: return {};
    }
}

QHash<int, QByteArray> StoredMessagesModel::roleNames() const
{
    return {{SeqRole, "seq"},           {StoredAtRole, "storedAt"},       {StoredAtTextRole, "storedAtText"},
            {TopicRole, "topic"},       {MessageIdRole, "messageId"},     {ContentTypeRole, "contentType"},
            {SizeRole, "size"},         {PreviewRole, "preview"}};
}

void StoredMessagesModel::setChannel(const QString &channel)
{
    if (channel == m_channel)
        return;
    m_channel = channel;
    Q_EMIT queryChanged();
}

void StoredMessagesModel::setTopic(const QString &topic)
{
    if (topic == m_topic)
        return;
    m_topic = topic;
    Q_EMIT queryChanged();
}

void StoredMessagesModel::setFromMs(qint64 ms)
{
    if (ms == m_fromMs)
        return;
    m_fromMs = ms;
    Q_EMIT queryChanged();
}

void StoredMessagesModel::setToMs(qint64 ms)
{
    if (ms == m_toMs)
        return;
    m_toMs = ms;
    Q_EMIT queryChanged();
}

void StoredMessagesModel::setPageSize(int size)
{
    size = std::clamp(size, 1, MaxPageSize);
    if (size == m_pageSize)
        return;
    m_pageSize = size;
    Q_EMIT queryChanged();
}

void StoredMessagesModel::reload()
{
    fetch(QStringLiteral("0"), 0);
}

void StoredMessagesModel::nextPage()
{
    if (!m_nextAfterSeq.isEmpty() && !m_busy)
        fetch(m_nextAfterSeq, 1);
}

void StoredMessagesModel::previousPage()
{
    if (m_pageStarts.size() > 1 && !m_busy)
        fetch(m_pageStarts.at(m_pageStarts.size() - 2), -1);
}

void StoredMessagesModel::setError(const QString &code, const QString &text)
{
    if (code == m_errorCode && text == m_errorText)
        return;
    m_errorCode = code;
    m_errorText = text;
    Q_EMIT errorChanged();
}

void StoredMessagesModel::fetch(const QString &afterSeq, int pageDelta)
{
    if (!m_api) {
        setError(QStringLiteral("NOT_CONNECTED"), tr("Not connected to a hub."));
        return;
    }
    const QVariantMap query{{QStringLiteral("topic"), m_topic},
                            {QStringLiteral("afterSeq"), afterSeq},
                            {QStringLiteral("from"), m_fromMs},
                            {QStringLiteral("to"), m_toMs},
                            {QStringLiteral("limit"), m_pageSize}};
    const quint64 generation = ++m_generation;
    m_busy = true;
    Q_EMIT busyChanged();
    auto *watcher = new QRemoteObjectPendingCallWatcher(m_api->storedMessages(m_channel, query), this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this,
            [this, generation, afterSeq, pageDelta](QRemoteObjectPendingCallWatcher *w) {
                w->deleteLater();
                if (generation != m_generation)
                    return; // a newer query or another hub
                m_busy = false;
                Q_EMIT busyChanged();
                if (w->error() != QRemoteObjectPendingCall::NoError)
                    return setError(QStringLiteral("NOT_CONNECTED"), tr("The hub did not answer."));
                const QVariantMap answer = w->returnValue().toMap();
                if (!answer.value(QStringLiteral("ok")).toBool())
                    return setError(answer.value(QStringLiteral("code")).toString(), answer.value(QStringLiteral("message")).toString());
                setError({}, {});
                beginResetModel();
                m_rows.clear();
                for (const QVariant &v : answer.value(QStringLiteral("rows")).toList()) {
                    const QVariantMap stored = v.toMap();
                    Row r;
                    r.seq = stored.value(QStringLiteral("seq")).toString();
                    r.storedAtMs = stored.value(QStringLiteral("storedAt")).toLongLong();
                    r.message = stored.value(QStringLiteral("message")).toMap();
                    const Result<Message> m = JsonCodec::fromJsonObject(QJsonObject::fromVariantMap(r.message));
                    if (m)
                        r.payload = m.value().payload();
                    m_rows.append(std::move(r));
                }
                if (pageDelta == 0)
                    m_pageStarts = {afterSeq};
                else if (pageDelta > 0)
                    m_pageStarts.append(afterSeq);
                else
                    m_pageStarts.removeLast();
                m_nextAfterSeq = answer.value(QStringLiteral("nextAfterSeq")).toString();
                endResetModel();
                Q_EMIT pageChanged();
            });
}

QVariantMap StoredMessagesModel::messageAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const Row &r = m_rows.at(row);
    return {{QStringLiteral("seq"), r.seq},
            {QStringLiteral("storedAt"), r.storedAtMs},
            {QStringLiteral("channel"), m_channel},
            {QStringLiteral("message"), r.message},
            {QStringLiteral("payloadBase64"), QString::fromLatin1(r.payload.toBase64())}};
}

QString StoredMessagesModel::payloadText(int row, int mode) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    return PayloadFormatter::format(m_rows.at(row).payload, mode);
}

} // namespace sb::console
