// SPDX-License-Identifier: Apache-2.0
// The HTTP/1.1 server layer over loopback: raw sockets (pipelining, limits, timeouts, slow
// readers), curl (Expect: 100-continue, keep-alive) and QSslSocket (TLS with a client certificate).
#include "httplistener.h"
#include "httpservertestsupport.h"
#include "httpworkerpool.h"

#include "../testcert.h"

#include <switchboard/tls.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace sb::http;

using namespace httptest;

class tst_HttpServer : public QObject
{
    Q_OBJECT

private:
    TestHandler *m_handler = nullptr;
    HttpListener *m_listener = nullptr;
    std::unique_ptr<HttpWorkerPool> m_pool;

    // tst_httpserver: the connections in the listener's thread; tst_httpserver_io: on two I/O
    // threads (communication.http.io-threads), the handler still in the test's thread.
    HttpListener *newListener(const HttpServerLimits &limits)
    {
        auto *listener = new HttpListener(limits, m_handler);
#ifdef SB_TEST_IO_THREADS
        m_pool = std::make_unique<HttpWorkerPool>(SB_TEST_IO_THREADS);
        listener->setWorkerPool(m_pool.get());
#endif
        return listener;
    }

    // A fresh listener with \a limits on a free loopback port.
    void start(const HttpServerLimits &limits = {})
    {
        m_handler = new TestHandler;
        m_listener = newListener(limits);
        const sb::Status st = m_listener->listen(QHostAddress::LocalHost, 0);
        QVERIFY2(st, qPrintable(st.errorString()));
    }
    quint16 port() const { return m_listener->serverPort(); }

private Q_SLOTS:
    void cleanup()
    {
        delete m_listener;
        m_listener = nullptr;
        m_pool.reset(); // after the listener, before the handler
        delete m_handler;
        m_handler = nullptr;
    }

    void keepAliveReuse()
    {
        start();
        RawClient c;
        QVERIFY(c.connectTo(port()));
        for (int i = 0; i < 3; ++i) {
            c.send("GET /x/" + QByteArray::number(i) + " HTTP/1.1\r\n" + kHost + "\r\n");
            const Response r = c.read();
            QCOMPARE(r.status, 200);
            QCOMPARE(r.body, "GET /x/" + QByteArray::number(i) + '\n');
            QVERIFY(r.header("Connection").isEmpty());
            QVERIFY(!r.header("Date").isEmpty());
        }
        QCOMPARE(m_listener->counters().connectionsAccepted.load(), 1u);
        QCOMPARE(m_listener->counters().requests.load(), 3u);
    }

#ifdef SB_TEST_IO_THREADS
    // I/O threads start with their first connection: an idle hub runs none.
    void ioThreadsStartOnDemand()
    {
        start();
        QCOMPARE(m_pool->runningThreads(), 0);
        RawClient first, second;
        QVERIFY(first.connectTo(port()));
        first.send("GET /a HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(first.read().status, 200);
        QCOMPARE(m_pool->runningThreads(), 1);
        QVERIFY(second.connectTo(port()));
        second.send("GET /b HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(second.read().status, 200);
        QCOMPARE(m_pool->runningThreads(), std::min(2, SB_TEST_IO_THREADS));
    }
#endif

    void pipelinedInOrder()
    {
        start();
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("GET /delay?ms=300 HTTP/1.1\r\n" + kHost + "\r\nGET /delay?ms=20 HTTP/1.1\r\n" + kHost
               + "\r\nGET /now HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(c.read().body, QByteArray("delay 300"));
        QCOMPARE(c.read().body, QByteArray("delay 20"));
        QCOMPARE(c.read().body, QByteArray("GET /now\n"));
        // The handler answered out of order: the third request first, the first last.
        QCOMPARE(m_handler->answerOrder, QList<quint64>({3, 2, 1}));
    }

    void takeOverAfterEarlierAnswers()
    {
        start();
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("GET /delay?ms=100 HTTP/1.1\r\n" + kHost + "\r\nGET /stream HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(c.read().body, QByteArray("delay 100"));
        // The streaming answer waited for the earlier one; its head has no length.
        QTRY_VERIFY((c.buffer += c.socket.readAll()).contains("\r\n\r\ndata: taken\n\n"));
        QVERIFY(c.buffer.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(!c.buffer.contains("Content-Length"));
        QTRY_COMPARE(m_handler->takenOver, 1);
        QTRY_COMPARE(m_listener->connectionCount(), 0); // the socket is the taker's now
        QCOMPARE(c.socket.state(), QAbstractSocket::ConnectedState);
    }

    void bodyTooLargeBeforeBody()
    {
        HttpServerLimits l;
        l.maxBodyBytes = 1024;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        // Only the head: the answer must come without a single body byte sent.
        c.send("POST /upload HTTP/1.1\r\n" + kHost + "Content-Length: 100000000\r\n\r\n");
        const Response r = c.read();
        QCOMPARE(r.status, 413);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(r.body.contains("\"TOO_LARGE\""));
        QVERIFY(c.waitClosed());
        QCOMPARE(m_listener->counters().requests.load(), 0u);
        QCOMPARE(m_listener->counters().errorsByStatus().value(413), 1u);
    }

    void expectContinueRaw()
    {
        HttpServerLimits l;
        l.maxBodyBytes = 1024;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("POST /e HTTP/1.1\r\n" + kHost + "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        QCOMPARE(c.read().status, 100);
        c.send("hello");
        const Response r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("POST /e\nhello"));

        // Oversize with Expect: 413 at once, no 100.
        c.send("POST /e HTTP/1.1\r\n" + kHost + "Expect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
        QCOMPARE(c.read().status, 413);
        QVERIFY(c.waitClosed());
        QCOMPARE(m_listener->counters().continues.load(), 1u);
    }

    void curlExpectContinueAndReuse()
    {
        HttpServerLimits l;
        l.maxBodyBytes = 4 * 1024 * 1024;
        start(l);
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("body")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        // curl 7.88 sends "Expect: 100-continue" for bodies over 1 MiB (older curls: over 1 KiB).
        const QByteArray body(1536 * 1024, 'c');
        file.write(body);
        file.close();
        const QString url = QStringLiteral("http://127.0.0.1:%1/up").arg(port());
        QProcess curl;
        // curl waits up to 1 s for the 100 before it sends the body anyway.
        curl.start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("--data-binary"),
                                            QLatin1Char('@') + file.fileName(), QStringLiteral("-w"),
                                            QStringLiteral("\n%{time_total}"), url, QStringLiteral("--next"),
                                            QStringLiteral("-sS"), url});
        QTRY_VERIFY_WITH_TIMEOUT(curl.state() == QProcess::NotRunning, 20000);
        QCOMPARE(curl.exitCode(), 0);
        const QByteArray out = curl.readAllStandardOutput();
        QVERIFY2(out.startsWith(QByteArray("POST /up\n" + body + "\n")), out.left(100).constData());
        const double seconds = out.mid(out.indexOf(body) + body.size() + 1).split('G').value(0).toDouble();
        QVERIFY2(seconds > 0 && seconds < 0.5, qPrintable(QString::number(seconds)));
        QVERIFY(out.endsWith("GET /up\n"));
        QCOMPARE(m_listener->counters().continues.load(), 1u);
        QCOMPARE(m_listener->counters().requests.load(), 2u);
        QCOMPARE(m_listener->counters().connectionsAccepted.load(), 1u); // curl reused the connection
    }

    void headLimits_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addRow("headers-many") << QByteArray("GET / HTTP/1.1\r\n" + kHost + QByteArray("A: b\r\n").repeated(20) + "\r\n") << 431;
        QTest::addRow("headers-bytes") << QByteArray("GET / HTTP/1.1\r\n" + kHost + "A: " + QByteArray(2000, 'b') + "\r\n\r\n") << 431;
        QTest::addRow("url-long") << QByteArray("GET /" + QByteArray(600, 'u') + " HTTP/1.1\r\n" + kHost + "\r\n") << 414;
        QTest::addRow("cl+te") << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc") << 400;
        QTest::addRow("two-cl") << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 3\r\nContent-Length: 5\r\n\r\nabc") << 400;
        QTest::addRow("bad-chunk") << QByteArray("POST / HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\nxyz\r\nabc\r\n") << 400;
        QTest::addRow("bad-escape") << QByteArray("GET /a%G1 HTTP/1.1\r\n" + kHost + "\r\n") << 400;
    }
    void headLimits()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        HttpServerLimits l;
        l.maxHeaders = 10;
        l.maxHeaderBytes = 1024;
        l.maxUrlBytes = 512;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send(request);
        const Response r = c.read();
        QCOMPARE(r.status, status);
        QCOMPARE(r.header("Connection"), QByteArray("close"));
        QVERIFY(c.waitClosed());
        QCOMPARE(m_listener->counters().requests.load(), 0u);
    }

    void chunkedAndDecoded()
    {
        start();
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("POST /a%2Fb/c%20d HTTP/1.1\r\n" + kHost + "Transfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n");
        const Response r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("POST /a/b/c d\nwikipedia"));
        QCOMPARE(r.header("X-Segments"), QByteArray("a/b|c d"));
    }

    void headTimeout()
    {
        HttpServerLimits l;
        l.requestHeadTimeoutMs = 300;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("GET / HTTP/1.1\r\n" + kHost); // the blank line never comes
        QElapsedTimer t;
        t.start();
        const Response r = c.read();
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() >= 250);
        QVERIFY(c.waitClosed());
        QCOMPARE(m_listener->counters().headTimeouts.load(), 1u);
    }

    void bodyTimeout()
    {
        HttpServerLimits l;
        l.bodyTimeoutMs = 300;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 10\r\n\r\nabc");
        QCOMPARE(c.read().status, 408);
        QVERIFY(c.waitClosed());
        QCOMPARE(m_listener->counters().bodyTimeouts.load(), 1u);
    }

    void idleTimeout()
    {
        HttpServerLimits l;
        l.idleTimeoutMs = 300;
        start(l);
        RawClient c;
        QVERIFY(c.connectTo(port()));
        c.send("GET / HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(c.read().status, 200);
        QVERIFY(c.waitClosed());
        QVERIFY(c.buffer.isEmpty()); // closed silently
        QCOMPARE(m_listener->counters().idleTimeouts.load(), 1u);
    }

    void closeAfterResponse_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("connection");
        QTest::addColumn<bool>("closes");
        QTest::addRow("close") << QByteArray("GET / HTTP/1.1\r\n" + kHost + "Connection: close\r\n\r\n") << QByteArray("close") << true;
        QTest::addRow("http10") << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("close") << true;
        QTest::addRow("http10-keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                                           << QByteArray("keep-alive") << false;
    }
    void closeAfterResponse()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, connection);
        QFETCH(bool, closes);
        start();
        RawClient c;
        QVERIFY(c.connectTo(port()));
        // A second request after one that closes is never read.
        c.send(request + request);
        const Response r = c.read();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Connection"), connection);
        if (closes) {
            QVERIFY(c.waitClosed());
            QCOMPARE(m_listener->counters().requests.load(), 1u);
        } else {
            QCOMPARE(c.read().status, 200);
            QCOMPARE(m_listener->counters().requests.load(), 2u);
            QCOMPARE(c.socket.state(), QAbstractSocket::ConnectedState);
        }
    }

    void clientLeavesMidRequest()
    {
        start();
        {
            RawClient c;
            QVERIFY(c.connectTo(port()));
            c.send("POST / HTTP/1.1\r\n" + kHost + "Content-Length: 100\r\n\r\nabc");
            QTRY_VERIFY(m_listener->counters().bytesIn.load() > 50u); // the head is in, the body is not
            c.socket.abort();
        }
        QTRY_COMPARE(m_listener->connectionCount(), 0);
        QCOMPARE(m_listener->counters().requests.load(), 0u);
    }

    void clientLeavesBeforeAnswer()
    {
        start();
        {
            RawClient c;
            QVERIFY(c.connectTo(port()));
            c.send("GET /delay?ms=300 HTTP/1.1\r\n" + kHost + "\r\n");
            QTRY_COMPARE(m_listener->counters().requests.load(), 1u);
            c.socket.abort();
        }
        QTRY_COMPARE(m_listener->connectionCount(), 0);
        // The delayed answer came after the connection was gone, and was dropped.
        QTRY_COMPARE(m_handler->answeredDelayed, 1);
        QCOMPARE(m_listener->counters().responses.load(), 0u);
    }

    void perAddressLimit()
    {
        HttpServerLimits l;
        l.maxConnectionsPerAddress = 2;
        start(l);
        RawClient a, b, refused;
        QVERIFY(a.connectTo(port()));
        QVERIFY(b.connectTo(port()));
        QTRY_COMPARE(m_listener->connectionCount(), 2);
        QVERIFY(refused.connectTo(port()));
        QVERIFY(refused.waitClosed());
        QCOMPARE(m_listener->counters().connectionsRefused.load(), 1u);
        a.send("GET / HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(a.read().status, 200);
        // A place frees up when one leaves.
        b.socket.abort();
        QTRY_COMPARE(m_listener->connectionCount(), 1);
        RawClient d;
        QVERIFY(d.connectTo(port()));
        d.send("GET / HTTP/1.1\r\n" + kHost + "\r\n");
        QCOMPARE(d.read().status, 200);
    }

    void peerThatNeverReads()
    {
        HttpServerLimits l;
        l.maxOutboundBytes = 512 * 1024;
        l.idleTimeoutMs = 1000;
        start(l);
        QTcpSocket c;
        c.setReadBufferSize(4096); // Qt stops reading the kernel: the peer "never reads"
        c.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(c.waitForConnected(5000));
        c.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
        const int total = 2000;
        QByteArray requests;
        for (int i = 0; i < total; ++i)
            requests += "GET /big?kb=64 HTTP/1.1\r\n" + kHost + "\r\n";
        c.write(requests);
        // Reading stopped at the high-water mark, then the stalled peer was reset: by the write
        // stall, or (answers arriving in a batch from another thread) past max-outbound-bytes.
        QTRY_VERIFY_WITH_TIMEOUT(m_listener->counters().writeStalls.load() + m_listener->counters().overflowClosed.load() == 1u, 20000);
        const HttpServerCounters &n = m_listener->counters();
        // Reading paused at the high-water mark first, unless the answers of the requests already
        // read came back together (I/O threads) and crossed max-outbound-bytes at once.
        QVERIFY(n.readPauses >= 1 || n.overflowClosed == 1);
        QVERIFY2(n.requests < quint64(total), qPrintable(QString::number(n.requests)));
        // Never more than the bound plus the one answer that crossed it.
        QVERIFY2(n.peakConnectionOutbound <= l.maxOutboundBytes + 65 * 1024, qPrintable(QString::number(n.peakConnectionOutbound)));
        QTRY_COMPARE(m_listener->connectionCount(), 0);
        QCOMPARE(n.outboundBytes, 0);
    }

    void tlsWithClientCertificate()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("server.pem"));
        const QString key = dir.filePath(QStringLiteral("server.key"));
        QString err = makeLoopbackCertificate(cert, key);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        err = makeCa(dir.path(), QStringLiteral("clients"));
        QVERIFY2(err.isEmpty(), qPrintable(err));
        err = makeClientCertificate(dir.path(), QStringLiteral("clients"), QStringLiteral("alice"), QStringLiteral("alice"), QString());
        QVERIFY2(err.isEmpty(), qPrintable(err));

        sb::Result<QSslConfiguration> tls = sb::loadServerTls(cert, key);
        QVERIFY2(tls, qPrintable(tls.errorString()));
        const sb::Status mtls = sb::requireClientCertificates(tls.value(), dir.filePath(QStringLiteral("clients-ca.pem")));
        QVERIFY2(mtls, qPrintable(mtls.errorString()));
        m_handler = new TestHandler;
        m_listener = newListener(HttpServerLimits());
        m_listener->setTlsConfiguration(tls.value());
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));
        QVERIFY(m_listener->isTls());

        auto client = sb::loadClientCertificate(dir.filePath(QStringLiteral("alice.pem")), dir.filePath(QStringLiteral("alice.key")));
        QVERIFY2(client, qPrintable(client.errorString()));
        QSslSocket s;
        QSslConfiguration conf = s.sslConfiguration();
        conf.setCaCertificates(QSslCertificate::fromPath(cert));
        conf.setLocalCertificateChain(client->chain);
        conf.setPrivateKey(client->key);
        s.setSslConfiguration(conf);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port());
        QTRY_VERIFY_WITH_TIMEOUT(s.isEncrypted(), 10000);
        s.write("GET /cert HTTP/1.1\r\n" + kHost + "\r\n");
        QByteArray got;
        QTRY_VERIFY_WITH_TIMEOUT((got += s.readAll()).endsWith("\r\n\r\nalice"), 10000);
        QVERIFY(got.startsWith("HTTP/1.1 200 OK\r\n"));

        // Without a certificate the handshake fails and nothing is served.
        QSslSocket anonymous;
        QSslConfiguration plain = anonymous.sslConfiguration();
        plain.setCaCertificates(QSslCertificate::fromPath(cert));
        anonymous.setSslConfiguration(plain);
        anonymous.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port());
        // TLS 1.3: the server's refusal may come after the client thinks it is done.
        (void)QTest::qWaitFor([&] { return anonymous.isEncrypted() || anonymous.state() == QAbstractSocket::UnconnectedState; }, 10000);
        if (anonymous.isEncrypted())
            anonymous.write("GET /cert HTTP/1.1\r\n" + kHost + "\r\n");
        QTRY_COMPARE_WITH_TIMEOUT(anonymous.state(), QAbstractSocket::UnconnectedState, 10000);
        QCOMPARE(m_listener->counters().requests.load(), 1u);
        QTRY_COMPARE(m_listener->counters().tlsHandshakeFailures.load(), 1u);
    }

    // The caps apply before the handshake; a handshake that does not end in request-head-timeout,
    // or gets no TLS at all, closes the socket and is counted.
    void tlsHandshakeBounded()
    {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("server.pem"));
        const QString key = dir.filePath(QStringLiteral("server.key"));
        const QString err = makeLoopbackCertificate(cert, key);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        sb::Result<QSslConfiguration> tls = sb::loadServerTls(cert, key);
        QVERIFY2(tls, qPrintable(tls.errorString()));
        HttpServerLimits limits;
        limits.requestHeadTimeoutMs = 500;
        limits.maxConnectionsPerAddress = 1;
        m_handler = new TestHandler;
        m_listener = newListener(limits);
        m_listener->setTlsConfiguration(tls.value());
        QVERIFY(m_listener->listen(QHostAddress::LocalHost, 0));

        RawClient silent; // connects and never starts TLS
        QVERIFY(silent.connectTo(port()));
        QTRY_COMPARE(m_listener->connectionCount(), 1);
        RawClient second; // over the per-address cap: refused before any handshake
        QVERIFY(second.connectTo(port()));
        QVERIFY(second.waitClosed());
        QCOMPARE(m_listener->counters().connectionsRefused.load(), 1u);
        QVERIFY(silent.waitClosed(5000)); // the handshake's deadline
        QCOMPARE(m_listener->counters().tlsHandshakeFailures.load(), 1u);
        QTRY_COMPARE(m_listener->connectionCount(), 0);

        RawClient plainText; // HTTP to a TLS port: the handshake fails at once
        QVERIFY(plainText.connectTo(port()));
        plainText.send("GET / HTTP/1.1\r\n" + kHost + "\r\n");
        QVERIFY(plainText.waitClosed(5000));
        QTRY_COMPARE(m_listener->counters().tlsHandshakeFailures.load(), 2u);
        QCOMPARE(m_listener->counters().requests.load(), 0u);
        QTRY_COMPARE(m_listener->connectionCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
