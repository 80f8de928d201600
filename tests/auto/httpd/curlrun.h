// SPDX-License-Identifier: Apache-2.0
// Runs the real curl for the HTTP end-to-end tests: status, headers (lower-case names) and body.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QEventLoop>
#include <QProcess>
#include <QTimer>
#include <QStringList>

namespace sbtest {

struct CurlResult {
    int status = 0; // 0: curl failed (see error)
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString error;
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &h : headers) {
            if (h.first == lowerName)
                return h.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString code() const { return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QJsonValue data() const { return json().value(QStringLiteral("data")); }
};

// curl -s -S -i <args> <url>; the last response head wins (after "100 Continue").
inline CurlResult curl(const QString &url, const QStringList &args = {}, const QByteArray &stdinData = {})
{
    QProcess p;
    p.start(QStringLiteral("curl"), QStringList{QStringLiteral("-s"), QStringLiteral("-S"), QStringLiteral("-i"),
                                                QStringLiteral("--max-time"), QStringLiteral("20")}
                                        + args + QStringList{url});
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    CurlResult r;
    // The test's own clients (responders, subscribers) keep running while curl waits.
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (p.state() != QProcess::NotRunning)
        loop.exec();
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
        r.error = QStringLiteral("curl did not finish");
        return r;
    }
    QByteArray out = p.readAllStandardOutput();
    r.error = QString::fromUtf8(p.readAllStandardError());
    while (out.startsWith("HTTP/")) {
        const qsizetype end = out.indexOf("\r\n\r\n");
        if (end < 0)
            break;
        const QList<QByteArray> lines = out.left(end).split('\n');
        r.status = lines.first().split(' ').value(1).toInt();
        r.headers.clear();
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.append({lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed()});
        }
        out = out.mid(end + 4);
        if (r.status != 100)
            break;
    }
    r.body = out;
    return r;
}

// POST with a JSON body (and extra curl arguments such as headers).
inline CurlResult postJson(const QString &url, const QByteArray &json, QStringList extra = {})
{
    return curl(url, QStringList{QStringLiteral("-X"), QStringLiteral("POST"), QStringLiteral("-H"),
                                 QStringLiteral("Content-Type: application/json"), QStringLiteral("--data-binary"),
                                 QStringLiteral("@-")}
                         + extra,
                json);
}

} // namespace sbtest
