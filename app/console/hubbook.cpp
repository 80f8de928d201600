// SPDX-License-Identifier: Apache-2.0
#include "hubbook.h"

#include <QDateTime>
#include <QSettings>

#include <qt6keychain/keychain.h>

namespace sb::console {

namespace {
const QString Group = QStringLiteral("hubs");

QString explain(QKeychain::Error error, const QString &detail)
{
    // Without a desktop session bus no Secret Service can answer; QtKeychain then says only
    // "Unknown error".
    if (error == QKeychain::OtherError && qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        error = QKeychain::NoBackendAvailable;
    switch (error) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return HubBook::tr("No keychain service is running here (common on headless boards), so the token "
                           "cannot be saved safely. Connect without saving it, or start a Secret Service "
                           "provider such as gnome-keyring or KWallet. (%1)")
            .arg(detail);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return HubBook::tr("The keychain refused access, so the token was not saved. (%1)").arg(detail);
    default:
        return HubBook::tr("The keychain failed: %1").arg(detail);
    }
}
} // namespace

HubBook::HubBook(QObject *parent)
    : QObject(parent)
{
}

QVariantList HubBook::hubs() const
{
    QSettings settings;
    settings.beginGroup(Group);
    QVariantList out;
    const int n = settings.beginReadArray(QStringLiteral("list"));
    for (int i = 0; i < n; ++i) {
        settings.setArrayIndex(i);
        out.append(QVariantMap{{QStringLiteral("address"), settings.value(QStringLiteral("address"))},
                               {QStringLiteral("caFile"), settings.value(QStringLiteral("caFile"))},
                               {QStringLiteral("tokenSaved"), settings.value(QStringLiteral("tokenSaved"), false)},
                               {QStringLiteral("lastUsed"), settings.value(QStringLiteral("lastUsed"))}});
    }
    settings.endArray();
    return out;
}

void HubBook::remember(const QString &address, const QString &caFile, const QString &token, bool saveToken)
{
    QVariantList list = hubs();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).toMap().value(QStringLiteral("address")).toString() == address)
            list.removeAt(i--);
    }
    list.prepend(QVariantMap{{QStringLiteral("address"), address},
                             {QStringLiteral("caFile"), caFile},
                             {QStringLiteral("tokenSaved"), false},
                             {QStringLiteral("lastUsed"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}});
    auto write = [](const QVariantList &entries) {
        QSettings settings;
        settings.beginGroup(Group);
        settings.beginWriteArray(QStringLiteral("list"), int(entries.size()));
        for (int i = 0; i < entries.size(); ++i) {
            settings.setArrayIndex(i);
            const QVariantMap m = entries.at(i).toMap();
            for (auto it = m.cbegin(); it != m.cend(); ++it)
                settings.setValue(it.key(), it.value());
        }
        settings.endArray();
    };
    write(list);
    Q_EMIT hubsChanged();
    if (!saveToken || token.isEmpty())
        return;
    auto *job = new QKeychain::WritePasswordJob(keychainService(), this);
    job->setAutoDelete(true);
    job->setKey(address);
    job->setTextData(token);
    connect(job, &QKeychain::Job::finished, this, [this, address, write](QKeychain::Job *j) {
        if (j->error() != QKeychain::NoError) {
            Q_EMIT keychainUnavailable(address, explain(j->error(), j->errorString()));
            return;
        }
        QVariantList entries = hubs();
        for (QVariant &e : entries) {
            QVariantMap m = e.toMap();
            if (m.value(QStringLiteral("address")).toString() == address) {
                m.insert(QStringLiteral("tokenSaved"), true);
                e = m;
            }
        }
        write(entries);
        Q_EMIT hubsChanged();
        Q_EMIT tokenSaved(address);
    });
    job->start();
}

void HubBook::forget(const QString &address)
{
    QVariantList list = hubs();
    QSettings settings;
    settings.beginGroup(Group);
    settings.remove(QStringLiteral("list"));
    settings.beginWriteArray(QStringLiteral("list"));
    int j = 0;
    for (const QVariant &e : std::as_const(list)) {
        const QVariantMap m = e.toMap();
        if (m.value(QStringLiteral("address")).toString() == address)
            continue;
        settings.setArrayIndex(j++);
        for (auto it = m.cbegin(); it != m.cend(); ++it)
            settings.setValue(it.key(), it.value());
    }
    settings.endArray();
    Q_EMIT hubsChanged();
    auto *job = new QKeychain::DeletePasswordJob(keychainService(), this);
    job->setAutoDelete(true);
    job->setKey(address);
    job->start(); // nothing saved, or no keychain: nothing to delete either
}

void HubBook::loadToken(const QString &address)
{
    auto *job = new QKeychain::ReadPasswordJob(keychainService(), this);
    job->setAutoDelete(true);
    job->setKey(address);
    connect(job, &QKeychain::Job::finished, this, [this, address](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError)
            Q_EMIT tokenLoaded(address, read->textData());
        else if (read->error() == QKeychain::EntryNotFound)
            Q_EMIT tokenUnavailable(address, tr("No token is saved for %1.").arg(address));
        else
            Q_EMIT tokenUnavailable(address, explain(read->error(), read->errorString()));
    });
    job->start();
}

} // namespace sb::console
