// SPDX-License-Identifier: Apache-2.0
#include "jsonlog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include <cstdio>

namespace sb::daemon::JsonLog {

namespace {
int g_minLevel = 1; // 0 debug, 1 info, 2 warning, 3 error
QMutex g_mutex;
Sink g_sink = nullptr;

int levelRank(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return 0;
    case QtInfoMsg: return 1;
    case QtWarningMsg: return 2;
    case QtCriticalMsg:
    case QtFatalMsg: return 3;
    }
    return 1;
}

const char *levelName(int rank)
{
    static const char *const names[] = {"debug", "info", "warning", "error"};
    return names[qBound(0, rank, 3)];
}

void write(int rank, const char *category, const QString &msg, const QVariantMap &fields)
{
    if (rank < g_minLevel)
        return;
    if (g_sink && g_sink(rank, category ? category : "default", msg, fields))
        return;
    QJsonObject o = QJsonObject::fromVariantMap(fields);
    o.insert(QStringLiteral("ts"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("level"), QString::fromLatin1(levelName(rank)));
    o.insert(QStringLiteral("category"), QString::fromLatin1(category ? category : "default"));
    o.insert(QStringLiteral("msg"), msg);
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    QMutexLocker lock(&g_mutex);
    fwrite(line.constData(), 1, size_t(line.size()), stderr);
    fflush(stderr);
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &msg)
{
    write(levelRank(type), context.category, msg, {});
    if (type == QtFatalMsg)
        abort();
}
} // namespace

void install(const QString &minLevel)
{
    static const QStringList levels{QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
                                    QStringLiteral("error")};
    g_minLevel = qMax(0, int(levels.indexOf(minLevel)));
    qInstallMessageHandler(handler);
}

void setSink(Sink sink)
{
    g_sink = sink;
}

void event(const char *level, const QString &msg, const QVariantMap &fields)
{
    int rank = 1;
    if (qstrcmp(level, "debug") == 0) rank = 0;
    else if (qstrcmp(level, "warning") == 0) rank = 2;
    else if (qstrcmp(level, "error") == 0) rank = 3;
    write(rank, "switchboard.daemon", msg, fields);
}

} // namespace sb::daemon::JsonLog
