// SPDX-License-Identifier: Apache-2.0
#include "httprequestparser.h"
#include "httpserverlimits.h"

#include <QTest>

using namespace sb::http;

class tst_HttpRequestParser : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        QList<HttpRequest> requests;
        int errorStatus = 0;
    };
    // Feeds \a input in pieces of \a chunk bytes, taking every request.
    static Run parse(const QByteArray &input, qsizetype chunk, const HttpServerLimits &limits = smallLimits())
    {
        HttpRequestParser parser(limits);
        Run run;
        for (qsizetype at = 0; at < input.size();) {
            QByteArrayView piece = QByteArrayView(input).sliced(at, qMin(chunk, input.size() - at));
            qsizetype consumed = 0;
            const auto outcome = parser.feed(piece, &consumed);
            if (outcome == HttpRequestParser::Outcome::Error) {
                run.errorStatus = parser.errorStatus();
                return run;
            }
            at += consumed;
            if (outcome == HttpRequestParser::Outcome::Complete)
                run.requests.append(parser.takeRequest());
        }
        return run;
    }
    static HttpServerLimits smallLimits()
    {
        HttpServerLimits l;
        l.maxBodyBytes = 100;
        l.maxHeaderBytes = 512;
        l.maxHeaders = 8;
        l.maxUrlBytes = 128;
        return l;
    }

private Q_SLOTS:
    void outcomes_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("requests");
        QTest::addColumn<int>("status");
        const QByteArray h = "Host: x\r\n";
        QTest::addRow("get") << QByteArray("GET /a HTTP/1.1\r\n" + h + "\r\n") << 1 << 0;
        QTest::addRow("pipelined") << QByteArray("GET /a HTTP/1.1\r\n" + h + "\r\nGET /b HTTP/1.1\r\n" + h + "\r\n") << 2 << 0;
        QTest::addRow("post") << QByteArray("POST /a HTTP/1.1\r\n" + h + "Content-Length: 3\r\n\r\nabc") << 1 << 0;
        QTest::addRow("chunked") << QByteArray("POST /a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n") << 1 << 0;
        QTest::addRow("http10-no-host") << QByteArray("GET / HTTP/1.0\r\n\r\n") << 1 << 0;
        QTest::addRow("no-host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 0 << 400;
        QTest::addRow("two-hosts") << QByteArray("GET / HTTP/1.1\r\n" + h + h + "\r\n") << 0 << 400;
        QTest::addRow("cl+te") << QByteArray("POST / HTTP/1.1\r\n" + h + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n") << 0 << 400;
        QTest::addRow("two-cl") << QByteArray("POST / HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\n") << 0 << 400;
        QTest::addRow("two-equal-cl") << QByteArray("POST / HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc") << 0 << 400;
        QTest::addRow("absolute-form") << QByteArray("GET http://x/p?q=1 HTTP/1.1\r\n" + h + "\r\n") << 1 << 0;
        QTest::addRow("asterisk-options") << QByteArray("OPTIONS * HTTP/1.1\r\n" + h + "\r\n") << 1 << 0;
        QTest::addRow("asterisk-get") << QByteArray("GET * HTTP/1.1\r\n" + h + "\r\n") << 0 << 400;
        QTest::addRow("bad-cl") << QByteArray("POST / HTTP/1.1\r\n" + h + "Content-Length: 3x\r\n\r\n") << 0 << 400;
        QTest::addRow("bad-chunk") << QByteArray("POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n") << 0 << 400;
        QTest::addRow("gzip-te") << QByteArray("POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n") << 0 << 501;
        QTest::addRow("te-http10") << QByteArray("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << 0 << 400;
        QTest::addRow("cl-over") << QByteArray("POST / HTTP/1.1\r\n" + h + "Content-Length: 101\r\n\r\n") << 0 << 413;
        QTest::addRow("chunk-over") << QByteArray("POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n40\r\n" + QByteArray(64, 'a') + "\r\n40\r\n") << 0 << 413;
        QTest::addRow("url-long") << QByteArray("GET /" + QByteArray(200, 'a') + " HTTP/1.1\r\n" + h + "\r\n") << 0 << 414;
        QTest::addRow("headers-many") << QByteArray("GET / HTTP/1.1\r\n" + h + QByteArray("A: b\r\n").repeated(9) + "\r\n") << 0 << 431;
        QTest::addRow("headers-bytes") << QByteArray("GET / HTTP/1.1\r\n" + h + "A: " + QByteArray(600, 'b') + "\r\n\r\n") << 0 << 431;
        QTest::addRow("trailers-many") << QByteArray("POST / HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n" + QByteArray("T: v\r\n").repeated(9) + "\r\n") << 0 << 431;
        QTest::addRow("bad-escape") << QByteArray("GET /a%zz HTTP/1.1\r\n" + h + "\r\n") << 0 << 400;
        QTest::addRow("dotdot") << QByteArray("GET /a/%2e%2e/b HTTP/1.1\r\n" + h + "\r\n") << 0 << 400;
        QTest::addRow("http2") << QByteArray("GET / HTTP/2.0\r\n" + h + "\r\n") << 0 << 505;
        QTest::addRow("connect") << QByteArray("CONNECT a:1 HTTP/1.1\r\n" + h + "\r\n") << 0 << 501;
        QTest::addRow("expect-other") << QByteArray("POST / HTTP/1.1\r\n" + h + "Expect: magic\r\nContent-Length: 1\r\n\r\nx") << 0 << 417;
        QTest::addRow("garbage") << QByteArray("\x01\x02 nonsense\r\n\r\n") << 0 << 400;
        QTest::addRow("empty-value") << QByteArray("GET / HTTP/1.1\r\nA:\r\n" + h + "\r\n") << 1 << 0;
    }
    void outcomes()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, requests);
        QFETCH(int, status);
        for (qsizetype chunk : {qsizetype(1), qsizetype(7), input.size()}) {
            const Run run = parse(input, chunk);
            QCOMPARE(run.errorStatus, status);
            QCOMPARE(run.requests.size(), requests);
        }
    }

    void fields()
    {
        const QByteArray input = "POST /a%2Fb/c%20d?x=1&y=%C3%A9&z HTTP/1.1\r\nHost: h\r\nX-Multi: 1\r\nx-multi: 2\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        for (qsizetype chunk : {qsizetype(1), input.size()}) {
            const Run run = parse(input, chunk);
            QCOMPARE(run.requests.size(), 1);
            const HttpRequest &r = run.requests.constFirst();
            QCOMPARE(r.method(), QByteArray("POST"));
            QCOMPARE(r.pathSegments(), QStringList({QStringLiteral("a/b"), QStringLiteral("c d")}));
            QCOMPARE(r.path(), QStringLiteral("/a/b/c d"));
            QCOMPARE(r.rawTarget(), QByteArray("/a%2Fb/c%20d?x=1&y=%C3%A9&z"));
            QCOMPARE(r.queryValue(QStringLiteral("y")), QString(QChar(0xe9)));
            QVERIFY(r.hasQueryItem(QStringLiteral("z")));
            QCOMPARE(r.headerValues("X-MULTI"), QList<QByteArray>({"1", "2"}));
            QCOMPARE(r.header("host"), QByteArray("h"));
            QCOMPARE(r.body(), QByteArray("abcde"));
            QVERIFY(r.keepAlive());
        }
    }

    void keepAliveAndExpect()
    {
        QVERIFY(!parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", 100).requests.constFirst().keepAlive());
        QVERIFY(!parse("GET / HTTP/1.0\r\n\r\n", 100).requests.constFirst().keepAlive());
        QVERIFY(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 100).requests.constFirst().keepAlive());

        HttpRequestParser parser(smallLimits());
        qsizetype consumed = 0;
        QCOMPARE(parser.feed("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", &consumed),
                 HttpRequestParser::Outcome::NeedMore);
        QVERIFY(parser.headComplete());
        QVERIFY(parser.expectsContinue());
        QCOMPARE(parser.feed("ok", &consumed), HttpRequestParser::Outcome::Complete);
        QCOMPARE(parser.takeRequest().body(), QByteArray("ok"));
    }

    void limitsFromConfig()
    {
        auto l = HttpServerLimits::fromVariantMap({{QStringLiteral("max-body-bytes"), QStringLiteral("2MiB")},
                                                   {QStringLiteral("idle-timeout"), QStringLiteral("500ms")},
                                                   {QStringLiteral("body-timeout"), 5},
                                                   {QStringLiteral("max-pipelined"), 4}});
        QVERIFY2(l, qPrintable(l.errorString()));
        QCOMPARE(l->maxBodyBytes, 2 * 1024 * 1024);
        QCOMPARE(l->idleTimeoutMs, 500);
        QCOMPARE(l->bodyTimeoutMs, 5000);
        QCOMPARE(l->maxPipelined, 4);
        QCOMPARE(l->maxHeaders, 100);

        auto unknown = HttpServerLimits::fromVariantMap({{QStringLiteral("max-bodies"), 1}});
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, sb::ErrorCode::InvalidConfig);
        QCOMPARE(unknown.error().details.value(QStringLiteral("key")).toString(), QStringLiteral("http.max-bodies"));
        auto bad = HttpServerLimits::fromVariantMap({{QStringLiteral("max-header-bytes"), QStringLiteral("1GiB")}});
        QVERIFY(!bad);
        QVERIFY(bad.errorString().contains(QStringLiteral("http.max-header-bytes")));
        QVERIFY(!HttpServerLimits::fromVariantMap({{QStringLiteral("idle-timeout"), QStringLiteral("10 parsecs")}}));
        QVERIFY(!HttpServerLimits::fromVariantMap({{QStringLiteral("max-connections"), 2},
                                                   {QStringLiteral("max-connections-per-address"), 3}}));
    }
};

QTEST_GUILESS_MAIN(tst_HttpRequestParser)
#include "tst_httprequestparser.moc"
