// SPDX-License-Identifier: Apache-2.0
// The webhook client and its SSRF policy (plugins/http/webhook): the address classes refused and
// re-permitted, and real POSTs over loopback (plain and TLS) with the failures a target can cause.
#include "webhookclient.h"
#include "webhooktargetpolicy.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sb::http;
using Outcome = WebhookClient::Outcome;
using Failure = WebhookClient::Outcome::Failure;

namespace {

const QString kAllowKey = QStringLiteral("communication.http.webhooks.allow-networks");

// A loopback server with a scripted answer, sent once the first request is complete (head and
// Content-Length bytes of body), or never when the answer is empty.
class ScriptedServer : public QObject
{
public:
    explicit ScriptedServer(QTcpServer *server)
        : m_server(server)
    {
        // QSslServer hands connections out after the handshake, through pendingConnectionAvailable.
        connect(server, &QTcpServer::newConnection, this, &ScriptedServer::accept);
        connect(server, &QTcpServer::pendingConnectionAvailable, this, &ScriptedServer::accept);
    }
    bool listen() { return m_server->listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server->serverPort(); }

    QByteArray answer; // empty: never answer
    bool closeAfterAnswer = true;
    int connections = 0;
    int disconnections = 0;
    int requests = 0; // complete ones
    QByteArray received; // by the latest connection

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            ++connections;
            received.clear();
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this] { ++disconnections; });
        }
    }
    void onData(QTcpSocket *socket)
    {
        const bool complete = isComplete(received);
        received += socket->readAll();
        if (complete || !isComplete(received))
            return;
        ++requests;
        if (answer.isEmpty())
            return;
        socket->write(answer);
        if (closeAfterAnswer)
            socket->disconnectFromHost();
    }
    static bool isComplete(const QByteArray &request)
    {
        const qsizetype headEnd = request.indexOf("\r\n\r\n");
        qsizetype length = 0;
        for (const QByteArray &line : request.left(qMax<qsizetype>(headEnd, 0)).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        return headEnd >= 0 && request.size() >= headEnd + 4 + length;
    }

    QTcpServer *m_server;
};

QString describe(const Outcome &o)
{
    return QString::fromLatin1(WebhookClient::failureName(o.failure)) + QStringLiteral(" status ")
        + QString::number(o.status) + QStringLiteral(" at ") + o.address + QStringLiteral(": ") + o.detail;
}

WebhookTargetPolicy loopbackPolicy()
{
    WebhookTargetPolicy policy;
    policy.allowHttp = true;
    QString error;
    WebhookTargetPolicy::parseNetworks(
        { QStringLiteral("127.0.0.0/8"), QStringLiteral("::1") }, &policy.allowNetworks, &error);
    return policy;
}

WebhookClient::Request request(const QString &url, int timeoutMs = 10000)
{
    WebhookClient::Request r;
    r.url = QUrl(url);
    r.body = R"({"event":"ping"})";
    r.timeoutMs = timeoutMs;
    return r;
}

QString localUrl(const char *scheme, const char *host, quint16 port, const char *path = "/hook")
{
    return QLatin1String(scheme) + QStringLiteral("://") + QLatin1String(host) + QLatin1Char(':')
        + QString::number(port) + QLatin1String(path);
}

} // namespace

class tst_WebhookClient : public QObject
{
    Q_OBJECT

    // Posts and waits for finished(): never inside post(), exactly once.
    bool deliver(const WebhookTargetPolicy &policy, const WebhookClient::Request &r, Outcome *out)
    {
        WebhookClient client(policy);
        QSignalSpy spy(&client, &WebhookClient::finished);
        client.post(r);
        if (!spy.isEmpty() || !spy.wait(r.timeoutMs + 5000))
            return false;
        QCoreApplication::processEvents(); // a second emission would have been queued by now
        if (spy.size() != 1)
            return false;
        *out = spy.at(0).at(0).value<Outcome>();
        return true;
    }

    // Proves a refused delivery made no connection: a probe's connection is the first one seen.
    static bool sawNoConnectionBeforeProbe(ScriptedServer &server)
    {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, server.port());
        return QTest::qWaitFor([&] { return server.connections > 0; }, 5000) && server.connections == 1;
    }

    QTemporaryDir m_dir;
    QList<QSslCertificate> m_ca;
    QSslConfiguration m_serverTls;

private Q_SLOTS:
    void initTestCase()
    {
        // A self-signed certificate for the name localhost, made now so that none is checked in.
        QVERIFY(m_dir.isValid());
        const QString cert = m_dir.filePath(QStringLiteral("localhost.pem"));
        const QString key = m_dir.filePath(QStringLiteral("localhost.key"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
            QStringLiteral("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost "
                           "-addext subjectAltName=DNS:localhost")
                    .split(QLatin1Char(' '))
                << QStringLiteral("-keyout") << key << QStringLiteral("-out") << cert);
        QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0, openssl.readAllStandardError().constData());
        m_ca = QSslCertificate::fromPath(cert);
        QCOMPARE(m_ca.size(), 1);
        QFile keyFile(key);
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        m_serverTls = QSslConfiguration::defaultConfiguration();
        m_serverTls.setLocalCertificate(m_ca.first());
        m_serverTls.setPrivateKey(QSslKey(&keyFile, QSsl::Ec));
        QVERIFY(!m_serverTls.privateKey().isNull());
        m_serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }

    void permits_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("refusedAs"); // empty: public
        QTest::addColumn<QString>("allow"); // a network that re-permits it
        const auto row = [](const char *a, const char *as, const char *allow) {
            QTest::addRow("%s", a) << QString::fromLatin1(a) << QString::fromLatin1(as) << QString::fromLatin1(allow);
        };
        row("127.0.0.1", "loopback", "127.0.0.0/8");
        row("127.255.255.254", "loopback", "127.255.255.254");
        row("::1", "loopback", "::1/128");
        row("0.0.0.0", "unspecified", "0.0.0.0");
        row("::", "unspecified", "::/128");
        row("0.1.2.3", "this network", "0.0.0.0/8");
        row("169.254.1.1", "link-local", "169.254.0.0/16");
        row("fe80::1", "link-local", "fe80::/10");
        row("169.254.169.254", "metadata", "169.254.169.254/32");
        row("fd00:ec2::254", "metadata", "fd00:ec2::254");
        row("10.1.2.3", "private", "10.0.0.0/8");
        row("172.16.0.1", "private", "172.16.0.0/12");
        row("172.31.255.255", "private", "172.31.0.0/16");
        row("192.168.1.1", "private", "192.168.1.0/24");
        row("fc00::1", "private", "fc00::/7");
        row("fd12:3456::1", "private", "fd12::/16");
        row("100.64.0.1", "carrier-grade NAT", "100.64.0.0/10");
        row("100.127.255.255", "carrier-grade NAT", "100.127.0.0/16");
        row("224.0.0.1", "multicast", "224.0.0.0/4");
        row("ff02::1", "multicast", "ff00::/8");
        row("255.255.255.255", "broadcast", "255.255.255.255");
        row("240.0.0.1", "reserved", "240.0.0.0/4");
        row("::ffff:127.0.0.1", "IPv4-mapped IPv6 address for 127.0.0.1, a loopback", "127.0.0.1");
        row("::ffff:10.0.0.1", "IPv4-mapped IPv6 address for 10.0.0.1, a private", "::ffff:10.0.0.0/104");
        row("::ffff:169.254.169.254", "metadata", "169.254.0.0/16");
        row("64:ff9b::a9fe:a9fe", "NAT64", "169.254.169.254");
        row("::127.0.0.1", "IPv4-compatible", "::/96");
        row("fec0::1", "site-local", "fec0::/10");
        row("8.8.8.8", "", "");
        row("172.32.0.1", "", "");
        row("100.128.0.1", "", "");
        row("192.169.0.1", "", "");
        row("2001:4860:4860::8888", "", "");
        row("::ffff:8.8.8.8", "", "");
    }

    void permits()
    {
        QFETCH(QString, address);
        QFETCH(QString, refusedAs);
        QFETCH(QString, allow);
        const QHostAddress a(address);
        QVERIFY(!a.isNull());
        WebhookTargetPolicy policy;
        QString why;
        QCOMPARE(policy.permits(a, &why), refusedAs.isEmpty());
        if (refusedAs.isEmpty())
            return;
        QVERIFY2(why.contains(refusedAs) && why.contains(kAllowKey) && why.startsWith(a.toString()), qPrintable(why));
        QString error;
        QVERIFY2(WebhookTargetPolicy::parseNetworks({ allow }, &policy.allowNetworks, &error), qPrintable(error));
        QVERIFY2(policy.permits(a, &why), qPrintable(why));
    }

    void allowNetworksAreNarrow()
    {
        WebhookTargetPolicy policy;
        QString why;
        QVERIFY(WebhookTargetPolicy::parseNetworks(
            { QStringLiteral("10.0.0.0/24"), QStringLiteral("192.168.0.0/16") }, &policy.allowNetworks, &why));
        QVERIFY(policy.permits(QHostAddress(QStringLiteral("10.0.0.9")), &why));
        QVERIFY(!policy.permits(QHostAddress(QStringLiteral("10.0.1.9")), &why));
        QVERIFY(!policy.permits(QHostAddress(QStringLiteral("169.254.169.254")), &why));
        QVERIFY(why.contains(QLatin1String("metadata")));
        QVERIFY(!policy.permits(QHostAddress(), &why));
    }

    void parseNetworks_data()
    {
        QTest::addColumn<QStringList>("input");
        QTest::addColumn<QString>("error"); // empty: parses
        QTest::addColumn<int>("firstPrefix");
        QTest::addRow("cidr v4") << QStringList { QStringLiteral("10.0.0.0/8") } << QString() << 8;
        QTest::addRow("cidr v6") << QStringList { QStringLiteral(" fd00::/8 ") } << QString() << 8;
        QTest::addRow("bare v4") << QStringList { QStringLiteral("192.168.1.5") } << QString() << 32;
        QTest::addRow("bare v6") << QStringList { QStringLiteral("::1") } << QString() << 128;
        QTest::addRow("name") << QStringList { QStringLiteral("10.0.0.0/8"), QStringLiteral("intranet") }
                              << QStringLiteral("\"intranet\"") << 0;
        QTest::addRow("prefix 33") << QStringList { QStringLiteral("10.0.0.0/33") } << QStringLiteral("10.0.0.0/33")
                                   << 0;
        QTest::addRow("empty") << QStringList { QString() } << QStringLiteral("neither") << 0;
    }

    void parseNetworks()
    {
        QFETCH(QStringList, input);
        QFETCH(QString, error);
        QFETCH(int, firstPrefix);
        QList<std::pair<QHostAddress, int>> out { { QHostAddress::LocalHost, 8 } };
        QString why;
        QCOMPARE(WebhookTargetPolicy::parseNetworks(input, &out, &why), error.isEmpty());
        if (error.isEmpty()) {
            QCOMPARE(out.size(), input.size());
            QCOMPARE(out.first().second, firstPrefix);
        } else {
            QVERIFY2(why.contains(error) && why.contains(kAllowKey), qPrintable(why));
            QCOMPARE(out.size(), 1); // untouched
        }
    }

    void checkUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowHttp");
        QTest::addColumn<QString>("refusal"); // empty: accepted
        QTest::addRow("https") << QStringLiteral("https://example.com/hook?a=1") << false << QString();
        QTest::addRow("https port") << QStringLiteral("https://example.com:8443/") << false << QString();
        QTest::addRow("http") << QStringLiteral("http://example.com/") << false << QStringLiteral("allow-http");
        QTest::addRow("http allowed") << QStringLiteral("http://example.com/") << true << QString();
        QTest::addRow("ftp") << QStringLiteral("ftp://example.com/") << true << QStringLiteral("\"ftp\"");
        QTest::addRow("relative") << QStringLiteral("/hook") << true << QStringLiteral("no scheme");
        QTest::addRow("no host") << QStringLiteral("https:///hook") << false << QStringLiteral("no host");
        QTest::addRow("user-info") << QStringLiteral("https://u:p@example.com/") << false
                                   << QStringLiteral("user-info");
        QTest::addRow("fragment") << QStringLiteral("https://example.com/#x") << false << QStringLiteral("fragment");
        QTest::addRow("port 0") << QStringLiteral("https://example.com:0/") << false << QStringLiteral("port 0");
        QTest::addRow("port 70000") << QStringLiteral("https://example.com:70000/") << false << QStringLiteral("valid");
    }

    void checkUrl()
    {
        QFETCH(QString, url);
        QFETCH(bool, allowHttp);
        QFETCH(QString, refusal);
        WebhookTargetPolicy policy;
        policy.allowHttp = allowHttp;
        QString why;
        QCOMPARE(policy.checkUrl(QUrl(url), &why), refusal.isEmpty());
        QVERIFY2(refusal.isEmpty() || why.contains(refusal), qPrintable(why));
    }

    void postsRequest()
    {
        QTcpServer tcp;
        ScriptedServer server(&tcp);
        server.answer = "HTTP/1.1 204 No Content\r\n\r\n";
        QVERIFY(server.listen());
        WebhookClient::Request r = request(localUrl("http", "127.0.0.1", server.port(), "/hooks/a?x=1&y=%20z"));
        r.headers = { { "X-Signature", "sha256=abc" }, { "content-type", "application/cloudevents+json" } };
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), r, &o));
        QVERIFY2(o.failure == Failure::None && o.status == 204, qPrintable(describe(o)));
        QCOMPARE(o.address, QStringLiteral("127.0.0.1"));
        QVERIFY(o.elapsedMs >= 0 && o.elapsedMs < 10000);
        const QByteArray &got = server.received;
        QVERIFY2(got.startsWith("POST /hooks/a?x=1&y=%20z HTTP/1.1\r\n"), got.constData());
        for (const QByteArray &line : { QByteArray("Host: 127.0.0.1:" + QByteArray::number(server.port())),
                 QByteArray("Content-Type: application/cloudevents+json"),
                 QByteArray("Content-Length: " + QByteArray::number(r.body.size())), QByteArray("Connection: close"),
                 QByteArray("User-Agent: switchboard-webhook/1"), QByteArray("X-Signature: sha256=abc") })
            QVERIFY2(got.contains(QByteArray("\r\n" + line + "\r\n")), line.constData());
        QCOMPARE(got.count("ontent-"), 2); // one Content-Type (the caller's), one Content-Length
        QVERIFY(got.endsWith(QByteArray("\r\n\r\n" + r.body)));
    }

    void answers_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("close");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("failure");
        QTest::addColumn<QString>("detail");
        const int none = int(Failure::None), protocol = int(Failure::Protocol);
        const QByteArray filler = "HTTP/1.1 200 OK\r\nX-Filler: ";
        QTest::addRow("500") << QByteArray("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops")
                             << true << 500 << none << QString();
        QTest::addRow("302 not followed")
            << QByteArray("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\n\r\n") << false << 302 << none
            << QString();
        QTest::addRow("100 then 204") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
                                      << false << 204 << none << QString();
        QTest::addRow("bare LF") << QByteArray("HTTP/1.0 202 Accepted\nX: y\n\n") << false << 202 << none << QString();
        QTest::addRow("head of 16 KiB") << filler + QByteArray(16 * 1024 - filler.size() - 4, 'a') + "\r\n\r\n"
                                        << false << 200 << none << QString();
        QTest::addRow("head over 16 KiB")
            << filler + QByteArray(16 * 1024, 'a') << false << 0 << protocol << QStringLiteral("over 16 KiB");
        QTest::addRow("half a status line")
            << QByteArray("HTTP/1.1 2") << true << 0 << protocol << QStringLiteral("before a complete status line");
        QTest::addRow("nothing") << QByteArray(" ") << true << 0 << protocol
                                 << QStringLiteral("before a complete status line");
        QTest::addRow("head cut off") << QByteArray("HTTP/1.1 200 OK\r\nX: y\r\n") << true << 200 << protocol
                                      << QStringLiteral("inside the response head");
        QTest::addRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n") << true << 0 << protocol
                                  << QStringLiteral("malformed status line");
    }

    void answers()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, close);
        QFETCH(int, status);
        QFETCH(int, failure);
        QFETCH(QString, detail);
        QTcpServer tcp;
        ScriptedServer server(&tcp);
        server.answer = answer;
        server.closeAfterAnswer = close;
        QVERIFY(server.listen());
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), request(localUrl("http", "127.0.0.1", server.port())), &o));
        QVERIFY2(int(o.failure) == failure && o.status == status && o.detail.contains(detail), qPrintable(describe(o)));
        QCOMPARE(server.connections, 1);
    }

    void timeout()
    {
        QTcpServer tcp;
        ScriptedServer server(&tcp); // reads the request, never answers
        QVERIFY(server.listen());
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), request(localUrl("http", "127.0.0.1", server.port()), 500), &o));
        QVERIFY2(o.failure == Failure::Timeout && o.detail.contains(QLatin1String("waiting for the response head")),
            qPrintable(describe(o)));
        QVERIFY2(o.elapsedMs >= 450 && o.elapsedMs < 3000, qPrintable(QString::number(o.elapsedMs)));
        QCOMPARE(server.requests, 1);
        QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 1, 5000); // the client let go
    }

    void connectionRefused()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), request(localUrl("http", "127.0.0.1", port)), &o));
        QVERIFY2(o.failure == Failure::Connect && o.detail.contains(QLatin1String("127.0.0.1 port ")),
            qPrintable(describe(o)));
    }

    // Refused with nothing connected: an address the default policy refuses (http allowed), or a
    // header that could break the framing.
    void refusedBeforeConnecting_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QByteArray>("name"); // of a header given; empty: none
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("detail");
        const auto row = [](const char *tag, const char *host, const QByteArray &name, const QByteArray &value,
                             const char *detail) {
            QTest::addRow("%s", tag) << QString::fromLatin1(host) << name << value << QString::fromLatin1(detail);
        };
        row("127.0.0.1", "127.0.0.1", {}, {}, "127.0.0.1 is a loopback");
        row("localhost", "localhost", {}, {}, "\"localhost\" resolves to a refused address");
        row("[::1]", "[::1]", {}, {}, "::1 is the loopback");
        row("[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]", {}, {}, "IPv4-mapped");
        row("2130706433", "2130706433", {}, {}, "loopback");
        row("0x7f.1", "0x7f.1", {}, {}, "loopback");
        row("CRLF in value", "127.0.0.1", "X-A", "x\r\nHost: evil", "header \"X-A\"");
        row("LF in value", "127.0.0.1", "X-A", "x\ny", "header \"X-A\"");
        row("CRLF in name", "127.0.0.1", "X-A\r\nB", "x", "header \"X-A..B\"");
        row("colon in name", "127.0.0.1", "X-A: b", "x", "not a token");
        row("empty name", "127.0.0.1", "", "x", "not a token");
        row("Host", "127.0.0.1", "Host", "evil.example", "set by the webhook client");
        row("Content-Length", "127.0.0.1", "content-length", "0", "set by the webhook client");
        row("Transfer-Encoding", "127.0.0.1", "Transfer-Encoding", "chunked", "set by the webhook client");
    }

    void refusedBeforeConnecting()
    {
        QFETCH(QString, host);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(QString, detail);
        QTcpServer tcp;
        ScriptedServer server(&tcp);
        server.answer = "HTTP/1.1 204 No Content\r\n\r\n";
        QVERIFY(server.listen());
        const bool header = !name.isEmpty() || !value.isEmpty();
        WebhookTargetPolicy policy = header ? loopbackPolicy() : WebhookTargetPolicy();
        policy.allowHttp = true;
        WebhookClient::Request r
            = request(QStringLiteral("http://") + host + QLatin1Char(':') + QString::number(server.port()));
        if (header)
            r.headers = { { "X-Ok", "1" }, { name, value } };
        Outcome o;
        QVERIFY(deliver(policy, r, &o));
        const Failure expected = header ? Failure::Protocol : Failure::Refused;
        QVERIFY2(o.failure == expected && o.detail.contains(detail), qPrintable(describe(o)));
        QVERIFY(o.address.isEmpty());
        QVERIFY(sawNoConnectionBeforeProbe(server));
    }

    void secondPostIgnored()
    {
        QTcpServer tcp;
        ScriptedServer server(&tcp);
        server.answer = "HTTP/1.1 204 No Content\r\n\r\n";
        QVERIFY(server.listen());
        WebhookClient client(loopbackPolicy());
        QSignalSpy spy(&client, &WebhookClient::finished);
        client.post(request(localUrl("http", "127.0.0.1", server.port())));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("called a second time")));
        client.post(request(localUrl("http", "127.0.0.1", server.port())));
        QVERIFY(spy.wait(10000));
        QCoreApplication::processEvents();
        QCOMPARE(spy.size(), 1);
        QCOMPARE(server.connections, 1);
    }

    // Destroyed while resolving, connected or with finished() queued: no signal, no crash (ASan).
    void destroyedBeforeFinishing()
    {
        QTcpServer tcp;
        ScriptedServer server(&tcp); // never answers
        QVERIFY(server.listen());
        int emitted = 0;
        QObject context;
        const auto start = [&](const QString &url) {
            auto client = std::make_unique<WebhookClient>(loopbackPolicy());
            connect(client.get(), &WebhookClient::finished, &context, [&emitted] { ++emitted; });
            client->post(request(url));
            return client;
        };
        start(localUrl("http", "localhost", server.port())).reset(); // in the lookup
        start(QStringLiteral("ftp://example.com/")).reset(); // finished() queued
        auto connected = start(localUrl("http", "127.0.0.1", server.port()));
        QTRY_COMPARE_WITH_TIMEOUT(server.requests, 1, 10000);
        connected.reset();
        QTRY_COMPARE_WITH_TIMEOUT(server.disconnections, 1, 5000);
        // A delivery made afterwards finishing proves the event loop ran past the ones above.
        server.answer = "HTTP/1.1 204 No Content\r\n\r\n";
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), request(localUrl("http", "localhost", server.port())), &o));
        QVERIFY2(o.status == 204, qPrintable(describe(o)));
        QCOMPARE(emitted, 0);
    }

    void https_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("withCa");
        QTest::addColumn<QString>("tlsError"); // empty: 204
        QTest::addRow("trusted") << QStringLiteral("localhost") << true << QString();
        QTest::addRow("untrusted") << QStringLiteral("localhost") << false << QStringLiteral("self-signed");
        QTest::addRow("other name") << QStringLiteral("127.0.0.1") << true << QStringLiteral("host name");
    }

    // Connected to the vetted address, verified against the URL's name (SNI too).
    void https()
    {
        QFETCH(QString, host);
        QFETCH(bool, withCa);
        QFETCH(QString, tlsError);
        QSslServer tls;
        tls.setSslConfiguration(m_serverTls);
        ScriptedServer server(&tls);
        server.answer = "HTTP/1.1 204 No Content\r\n\r\n";
        QVERIFY(server.listen());
        WebhookClient::Request r = request(QStringLiteral("https://") + host + QLatin1Char(':')
            + QString::number(server.port()) + QStringLiteral("/hook"));
        if (withCa)
            r.caCertificates = m_ca;
        Outcome o;
        QVERIFY(deliver(loopbackPolicy(), r, &o));
        QCOMPARE(o.address, QStringLiteral("127.0.0.1"));
        if (tlsError.isEmpty()) {
            QVERIFY2(o.failure == Failure::None && o.status == 204, qPrintable(describe(o)));
            QVERIFY(server.received.contains(
                QByteArray("\r\nHost: localhost:" + QByteArray::number(server.port()) + "\r\n")));
        } else {
            QVERIFY2(o.failure == Failure::Tls && o.detail.contains(tlsError), qPrintable(describe(o)));
            QVERIFY(server.received.isEmpty());
        }
    }
};

QTEST_MAIN(tst_WebhookClient)
#include "tst_webhookclient.moc"
