// SPDX-License-Identifier: Apache-2.0
// Headless Chromium against the real switchboardd (issue #14): a page served from another origin
// opens an EventSource on the hub's stream and publishes with fetch() (a CORS preflight, then the
// POST); the event arrives in the browser. Another page speaks the WebSocket envelope. A page from
// an origin the listener does not allow gets neither. The page reports what it saw to the test's own small HTTP server.
#include "daemonprocess.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

namespace {

// The page: the hub's address, then what it does. It reports "open", "post <status>" and
// "reading <t> id <lastEventId>" (or the errors it met) to /report on its own origin.
QByteArray page(const QString &hub)
{
    return QStringLiteral(R"(<!doctype html><html><body><script>
const hub = '%1';
const lines = [];
let reported = false;
function report() {
  if (reported) return;
  reported = true;
  fetch('/report?log=' + encodeURIComponent(lines.join('|')));
}
function done() {
  if (lines.some(l => l.startsWith('reading')) && lines.some(l => l.startsWith('post'))) { es.close(); report(); }
}
const es = new EventSource(hub + '/api/v1/stream?topic=web.*&event_types=reading&filter=data.t%20%3E%2040');
es.onopen = () => {
  lines.push('open');
  fetch(hub + '/api/v1/events', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({topic: 'web.t', event: 'reading', payload: {t: 42}})})
    .then(r => { lines.push('post ' + r.status); done(); })
    .catch(e => { lines.push('post failed'); report(); });
};
es.addEventListener('reading', e => {
  lines.push('reading ' + JSON.parse(e.data).data.t + ' id ' + e.lastEventId);
  done();
});
es.onerror = () => { lines.push('error ' + es.readyState); if (es.readyState === EventSource.CLOSED) report(); };
setTimeout(report, 15000);
</script></body></html>)")
        .arg(hub)
        .toUtf8();
}

// A page that opens a WebSocket to the hub, subscribes (with a filter), publishes over the same
// socket and reports the subscription's answer, the delivery and the acknowledgement.
QByteArray wsPage(const QString &hubHostPort)
{
    return QStringLiteral(R"(<!doctype html><html><body><script>
const lines = [];
let reported = false;
function report() {
  if (reported) return;
  reported = true;
  fetch('/report?log=' + encodeURIComponent(lines.join('|')));
}
const ws = new WebSocket('ws://%1/api/v1/ws');
ws.onopen = () => {
  lines.push('open');
  ws.send(JSON.stringify({type: 'subscribe', messageId: 's1', topic: 'web.*', filter: 'data.t > 40'}));
};
ws.onmessage = e => {
  const m = JSON.parse(e.data);
  if (m.type === 'response' && m.correlationId === 's1') {
    lines.push('subscribed ' + m.data.subscription + ' ' + (ws.extensions || 'none'));
    ws.send(JSON.stringify({type: 'event', topic: 'web.t', data: {t: 10}}));
    ws.send(JSON.stringify({type: 'event', messageId: 'e1', topic: 'web.t', data: {t: 42}}));
  } else if (m.type === 'event') {
    lines.push('delivery ' + m.subscription + ' ' + m.data.t);
  } else if (m.type === 'response' && m.correlationId === 'e1') {
    lines.push('ack ' + m.data.deliveries);
  }
  if (lines.some(l => l.startsWith('delivery')) && lines.some(l => l.startsWith('ack'))) { ws.close(1000); report(); }
};
ws.onerror = () => lines.push('error');
ws.onclose = e => { lines.push('closed ' + e.code); report(); };
setTimeout(report, 15000);
</script></body></html>)")
        .arg(hubHostPort)
        .toUtf8();
}

// Serves the page and takes the report, on a free loopback port: the page's origin.
class PageServer : public QTcpServer
{
public:
    QByteArray html;
    QString report;
    bool reported = false;

    PageServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    const QByteArray rq = s->readAll();
                    const QByteArray target = rq.split(' ').value(1);
                    if (target.startsWith("/report")) {
                        report = QUrlQuery(QUrl(QString::fromUtf8(target)).query()).queryItemValue(
                            QStringLiteral("log"), QUrl::FullyDecoded);
                        reported = true;
                        s->write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
                    } else if (target == "/page.html") {
                        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: "
                                 + QByteArray::number(html.size()) + "\r\n\r\n" + html);
                    } else {
                        s->write("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
                    }
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
};

} // namespace

class tst_Browser : public QObject
{
    Q_OBJECT

private:
    QString m_chromium;

    // Runs headless Chromium on \a url until the page reports (or 40 s pass).
    QString browse(PageServer &server, const QString &url)
    {
        QTemporaryDir profile;
        QProcess chromium;
        // Headless Chromium logs D-Bus and GPU complaints on stderr: kept out of the test's output.
        chromium.setStandardOutputFile(QProcess::nullDevice());
        chromium.setStandardErrorFile(QProcess::nullDevice());
        chromium.start(m_chromium, {QStringLiteral("--headless=new"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                                    QStringLiteral("--no-first-run"), QStringLiteral("--disable-extensions"),
                                    QStringLiteral("--user-data-dir=") + profile.path(), url});
        if (!chromium.waitForStarted(10000))
            return QStringLiteral("chromium did not start");
        QElapsedTimer waited;
        waited.start();
        while (!server.reported && waited.elapsed() < 40000)
            QTest::qWait(50);
        chromium.kill();
        chromium.waitForFinished(10000);
        // Chromium leaves read-only files in its profile, which QTemporaryDir cannot remove.
        QProcess::execute(QStringLiteral("chmod"), {QStringLiteral("-R"), QStringLiteral("u+w"), profile.path()});
        return server.reported ? server.report : QStringLiteral("(no report from the page in 40 s)");
    }

    // A hub whose listener allows \a origin (CORS, and so WebSocket upgrades); \a extra: more
    // lines of communication.http.
    static bool startHub(DaemonProcess &daemon, const QString &origin, const QString &extra = {})
    {
        DaemonProcess::Options o;
        o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\", cors: {origins: [\"%1\"]}}]\n").arg(origin) + extra;
        if (daemon.start(o))
            return true;
        qWarning().noquote() << daemon.errorString();
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const char *name : {"chromium", "chromium-browser"}) {
            m_chromium = QStandardPaths::findExecutable(QLatin1String(name));
            if (!m_chromium.isEmpty())
                break;
        }
        if (m_chromium.isEmpty())
            QFAIL("chromium is not installed (Debian package chromium; ./dev.sh test installs it)");
    }

    void eventSourceAcrossOrigins()
    {
        PageServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const QString origin = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());
        DaemonProcess daemon;
        QVERIFY(startHub(daemon, origin));
        server.html = page(QStringLiteral("http://") + daemon.httpAddress());
        const QString log = browse(server, origin + QStringLiteral("/page.html"));
        qDebug().noquote() << "page:" << log;
        QVERIFY2(log.contains(QLatin1String("open")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("post 202")), qPrintable(log));
        QVERIFY2(log.contains(QRegularExpression(QStringLiteral("reading 42 id [0-9a-f]{16}-\\d+"))), qPrintable(log));
        QCOMPARE(daemon.stop(), 0);
    }

    void webSocketFromAPage_data()
    {
        QTest::addColumn<bool>("deflate");
        QTest::newRow("plain") << false;
        QTest::newRow("permessage-deflate") << true; // Chromium offers it; the hub agrees when enabled
    }
    void webSocketFromAPage()
    {
        QFETCH(bool, deflate);
        PageServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const QString origin = QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort());
        DaemonProcess daemon;
        QVERIFY(startHub(daemon, origin, deflate ? QStringLiteral("    ws: {permessage-deflate: {enabled: true}}\n") : QString()));
        server.html = wsPage(daemon.httpAddress());
        const QString log = browse(server, origin + QStringLiteral("/page.html"));
        qDebug().noquote() << "page:" << log;
        QVERIFY2(log.contains(QLatin1String("open|subscribed s1 ")), qPrintable(log));
        QCOMPARE(log.contains(QLatin1String("permessage-deflate")), deflate);
        QVERIFY2(log.contains(QLatin1String("delivery s1 42")) && !log.contains(QLatin1String("delivery s1 10")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("ack 1")), qPrintable(log));
        QCOMPARE(daemon.stop(), 0);
    }

    // The upgrade from a page on an origin the listener does not allow is refused (403): the
    // browser sees the WebSocket fail.
    void webSocketOriginRefused()
    {
        PageServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        DaemonProcess daemon;
        QVERIFY(startHub(daemon, QStringLiteral("https://console.example")));
        server.html = wsPage(daemon.httpAddress());
        const QString log = browse(server, QStringLiteral("http://127.0.0.1:%1/page.html").arg(server.serverPort()));
        qDebug().noquote() << "page:" << log;
        QVERIFY2(!log.contains(QLatin1String("open")) && log.contains(QLatin1String("error")), qPrintable(log));
        QCOMPARE(daemon.stop(), 0);
    }

    void originNotAllowed()
    {
        PageServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        DaemonProcess daemon;
        QVERIFY(startHub(daemon, QStringLiteral("https://console.example")));
        server.html = page(QStringLiteral("http://") + daemon.httpAddress());
        const QString log = browse(server, QStringLiteral("http://127.0.0.1:%1/page.html").arg(server.serverPort()));
        qDebug().noquote() << "page:" << log;
        // The browser blocks the stream (no Access-Control-Allow-Origin for this origin): no event.
        QVERIFY2(!log.contains(QLatin1String("reading")), qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("error")), qPrintable(log));
        QCOMPARE(daemon.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Browser)
#include "tst_browser.moc"
