// SPDX-License-Identifier: Apache-2.0
#include "webhookstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace sb::http {

namespace {
constexpr qint64 kMaxFileBytes = 64 * 1024 * 1024;
}

Result<QList<WebhookRecord>> WebhookStore::load()
{
    QList<WebhookRecord> records;
    if (m_path.isEmpty() || !QFileInfo::exists(m_path))
        return records;
    auto broken = [this](const QString &why) {
        m_broken = true;
        return Error(ErrorCode::InvalidConfig, QStringLiteral("webhook store %1: %2").arg(m_path, why),
                     {{QStringLiteral("path"), m_path}});
    };
    QFile f(m_path);
    if (!f.open(QIODevice::ReadOnly))
        return broken(f.errorString());
    if (f.size() > kMaxFileBytes)
        return broken(QStringLiteral("larger than %1 bytes").arg(kMaxFileBytes));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError)
        return broken(QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("version")).toInt() != 1)
        return broken(QStringLiteral("version %1, this hub reads version 1").arg(root.value(QStringLiteral("version")).toInt()));
    for (const QJsonValue &v : root.value(QStringLiteral("webhooks")).toArray()) {
        Result<WebhookRecord> r = WebhookRecord::fromJson(v.toObject());
        if (!r)
            return broken(r.error().message);
        records.append(r.value());
    }
    return records;
}

Status WebhookStore::save(const QList<WebhookRecord> &records)
{
    if (m_path.isEmpty())
        return {};
    if (m_broken)
        return Error(ErrorCode::Internal,
                     QStringLiteral("webhook store %1 could not be read at start; fix or remove it (nothing is saved over it)")
                         .arg(m_path));
    QJsonArray list;
    for (const WebhookRecord &r : records)
        list.append(r.toJson(true));
    const QByteArray bytes =
        QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("webhooks"), list}}).toJson();
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile f(m_path);
    auto failed = [&] {
        return Error(ErrorCode::Internal, QStringLiteral("webhook store %1: %2").arg(m_path, f.errorString()),
                     {{QStringLiteral("path"), m_path}});
    };
    if (!f.open(QIODevice::WriteOnly))
        return failed();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (f.write(bytes) != bytes.size() || !f.commit())
        return failed();
    QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner); // a file made before 0600 was asked
    return {};
}

} // namespace sb::http
