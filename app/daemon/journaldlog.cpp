// SPDX-License-Identifier: Apache-2.0
#include "journaldlog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <systemd/sd-journal.h>

#include <sys/stat.h>
#include <sys/uio.h>

#include <vector>

namespace sb::daemon::JournaldLog {

namespace {

// "watchdogUsec" -> "SB_WATCHDOG_USEC"; journald takes A-Z, 0-9 and _, at most 64 characters.
QByteArray fieldName(const QString &key)
{
    QByteArray name("SB_");
    for (qsizetype i = 0; i < key.size() && name.size() < 64; ++i) {
        const QChar c = key.at(i);
        if (c.isUpper() && i > 0 && !key.at(i - 1).isUpper())
            name += '_';
        if (c.isLetterOrNumber() && c.unicode() < 128)
            name += char(c.toUpper().unicode());
        else
            name += '_';
    }
    return name.left(64);
}

QByteArray fieldValue(const QVariant &v)
{
    const QJsonValue j = QJsonValue::fromVariant(v);
    if (j.isObject())
        return QJsonDocument(j.toObject()).toJson(QJsonDocument::Compact);
    if (j.isArray())
        return QJsonDocument(j.toArray()).toJson(QJsonDocument::Compact);
    return v.toString().toUtf8();
}

} // namespace

bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM"); // "<device>:<inode>"
    const qsizetype colon = stream.indexOf(':');
    struct stat st {};
    if (colon <= 0 || ::fstat(2, &st) != 0)
        return false;
    bool devOk = false, inoOk = false;
    const quint64 dev = stream.left(colon).toULongLong(&devOk), ino = stream.mid(colon + 1).toULongLong(&inoOk);
    return devOk && inoOk && dev == quint64(st.st_dev) && ino == quint64(st.st_ino);
}

QList<QByteArray> entry(int rank, const char *category, const QString &msg, const QVariantMap &fields)
{
    static const char *const priorities[] = {"7", "6", "4", "3"};
    QList<QByteArray> out;
    out.reserve(fields.size() + 4);
    out.append("MESSAGE=" + msg.toUtf8());
    out.append(QByteArray("PRIORITY=") + priorities[qBound(0, rank, 3)]);
    out.append("SYSLOG_IDENTIFIER=switchboardd");
    out.append(QByteArray("SB_CATEGORY=") + category);
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        out.append(fieldName(it.key()) + '=' + fieldValue(it.value()));
    return out;
}

bool send(int rank, const char *category, const QString &msg, const QVariantMap &fields)
{
    const QList<QByteArray> e = entry(rank, category, msg, fields);
    std::vector<iovec> iov;
    iov.reserve(size_t(e.size()));
    for (const QByteArray &f : e)
        iov.push_back({const_cast<char *>(f.constData()), size_t(f.size())});
    return sd_journal_sendv(iov.data(), int(iov.size())) == 0;
}

} // namespace sb::daemon::JournaldLog
