// SPDX-License-Identifier: Apache-2.0
// The security matrix over the native protocol, against the real switchboardd: authentication, the
// ACL, reserved topics, channel require-auth and protocols, reply and NACK spoofing, the hub's source
// stamp, and the connection limits. Every refusal is checked for its code, for nothing having been
// delivered (a legitimate message sent afterwards on the same subscription is the first and only
// one received), and where the hub counts it, for its health counter moving (read with sbctl).
//
// Peers are RawClients: frame by frame, so the test sees exactly what the hub answers and when.
//
// The daemon logs the refusals that close a connection ("<id> <peer> closed: CODE: ..."), checked
// here; it does not log refusals that keep the connection (ACL, reserved topics, channel rules,
// spoofed replies and NACKs, per-connection limits) nor sockets turned away at a connection cap:
// those are only counted (health refusals / the endpoint's refusedConnections), checked here too.
#include "../childenv.h"
#include "daemonprocess.h"
#include "rawclient.h"
#include "sbctlstatus.h"

#include <switchboard/binarycodec.h>
#include <switchboard/tokenauthenticator.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace sb;
using namespace sb::native;

namespace {
const QString kRootToken = QStringLiteral("root-s3cret");   // role admin
const QString kAliceToken = QStringLiteral("alice-s3cret"); // role narrow: only alice.>

enum class Act { Publish, Subscribe, Request };
} // namespace
Q_DECLARE_METATYPE(Act)
namespace {

QString digest(const QString &token)
{
    return QString::fromLatin1(TokenAuthenticator::digestHex(token.toUtf8()));
}

QByteArray connectFrame(const QString &token, quint32 seq = 1)
{
    QJsonObject hello{{QStringLiteral("protocol"), ProtocolVersion}, {QStringLiteral("name"), QStringLiteral("sec")}};
    if (!token.isEmpty())
        hello.insert(QStringLiteral("token"), token);
    QByteArray out;
    appendControl(out, FrameType::Connect, seq, hello);
    return out;
}

QByteArray publishFrame(quint32 seq, const QString &topic, const QByteArray &payload, const QString &channel = {})
{
    Message m(MessageType::Event, topic, payload);
    if (!channel.isEmpty())
        m.setChannel(channel);
    QByteArray out;
    appendMessageFrame(out, FrameType::Publish, seq, m);
    return out;
}

QByteArray subscribeFrame(quint32 seq, quint32 sid, const QString &pattern, const QString &channel = {})
{
    QJsonObject o{{QStringLiteral("sid"), double(sid)}, {QStringLiteral("pattern"), pattern}};
    if (!channel.isEmpty())
        o.insert(QStringLiteral("channel"), channel);
    QByteArray out;
    appendControl(out, FrameType::Subscribe, seq, o);
    return out;
}

QByteArray requestFrame(quint32 seq, const QString &topic, const QByteArray &payload, quint32 timeoutMs,
                        const QString &channel = {})
{
    Message m(MessageType::Request, topic, payload);
    if (!channel.isEmpty())
        m.setChannel(channel);
    const QByteArray extra(reinterpret_cast<const char *>(std::array<uchar, 4>{
                               uchar(timeoutMs >> 24), uchar((timeoutMs >> 16) & 0xff), uchar((timeoutMs >> 8) & 0xff),
                               uchar(timeoutMs & 0xff)}
                               .data()),
                           4);
    QByteArray out;
    appendMessageFrame(out, FrameType::Request, seq, m, &extra);
    return out;
}

QByteArray pingFrame(quint32 seq)
{
    QByteArray out;
    appendControl(out, FrameType::Ping, seq);
    return out;
}

Message messageOf(const RawClient::Received &r, int skip = 4)
{
    auto m = BinaryCodec::decodeMessage(QByteArrayView(r.body).sliced(skip));
    return m ? m.value() : Message();
}
} // namespace

class tst_Security : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void cleanup();

    void handshakeRefused_data();
    void handshakeRefused();
    void refused_data();
    void refused();
    void replySpoofing();
    void nackSpoofing();
    void forgedSource_data();
    void forgedSource();

    void maxSubscriptionsPerConnection();
    void maxPendingRequestsPerConnection();
    void connectionCaps_data();
    void connectionCaps();
    void preAuthBytes();
    void shortBodyBeforeConnect();

private:
    QString transport() const
    {
        QFETCH_GLOBAL(QString, transport);
        return transport;
    }
    QString url() const { return m_daemon->url(transport()); }
    QString controlPath() const { return m_daemon->filePath(QStringLiteral("control.sock")); }
    bool start(const QString &nativeExtra = {}, const QString &topLevelExtra = {}, bool authRequired = false);
    // Connects and completes the handshake; the CONNECTED JSON (empty when refused).
    QJsonObject hello(RawClient &c, const QString &token = {});
    // The ACK or ERROR answering \a seq; other frames are skipped (DELIVERs are not expected here).
    RawClient::Received answer(RawClient &c, quint32 seq, int timeoutMs = 5000);
    // Empty when the next DELIVER is on \a sid with \a payload, and a PING round trip right after
    // shows no other DELIVER behind it: the first and only message received.
    QString firstAndOnly(RawClient &c, quint32 sid, const QByteArray &payload, Message *out = nullptr);
    // Has the hub dead-letter a message (retry max-attempts is 1): only the hub publishes under $sb.
    void makeDeadLetter();
    // The daemon's health through `sbctl --json status` (stats and native endpoint counters).
    QJsonObject status();
    double refusals(const QString &key)
    {
        return status().value(QStringLiteral("stats")).toObject().value(QStringLiteral("refusals")).toObject().value(key).toDouble(-1);
    }
    double endpointCounter(const QString &key);
    int logCount(const QString &needle);

    std::unique_ptr<DaemonProcess> m_daemon;
};

void tst_Security::initTestCase_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("local") << QStringLiteral("local");
}

void tst_Security::cleanup()
{
    if (!m_daemon)
        return;
    if (!m_daemon->port()) { // never started: start() said why
        m_daemon.reset();
        return;
    }
    QVERIFY2(m_daemon->isRunning(), qPrintable(m_daemon->stderrText().right(2000))); // never crashed
    QCOMPARE(m_daemon->stop(), 0);
    m_daemon.reset();
}

bool tst_Security::start(const QString &nativeExtra, const QString &topLevelExtra, bool authRequired)
{
    m_daemon = std::make_unique<DaemonProcess>();
    DaemonProcess::Options o;
    o.nativeExtra = nativeExtra;
    // DaemonProcess writes "channels:" with one entry just before topLevelExtra: these extend it.
    o.topLevelExtra = QStringLiteral("  - {name: secure, type: topic, require-auth: true}\n"
                                     "  - {name: web-only, type: topic, protocols: [http]}\n"
                                     "auth:\n"
                                     "  required: %1\n"
                                     "  tokens:\n"
                                     "    - {name: root, token-sha256: %2, roles: [admin]}\n"
                                     "    - {name: alice, token-sha256: %3, roles: [narrow]}\n"
                                     "acl:\n"
                                     "  roles:\n"
                                     "    narrow:\n"
                                     "      - {allow: [publish, subscribe, request, reply], topics: [\"alice.>\"]}\n"
                                     "retry: {max-attempts: 1}\n"
                                     "remote: {local: \"%4\", snapshot-interval-ms: 50}\n")
                          .arg(authRequired ? QStringLiteral("true") : QStringLiteral("false"), digest(kRootToken),
                               digest(kAliceToken), controlPath())
                      + topLevelExtra;
    if (!m_daemon->start(o)) {
        qWarning().noquote() << m_daemon->errorString();
        return false;
    }
    return true;
}

QJsonObject tst_Security::hello(RawClient &c, const QString &token)
{
    if (!c.connectTo(url()))
        return {};
    c.send(connectFrame(token));
    const RawClient::Received r = c.next(); // CONNECTED, or the ERROR that refuses the peer
    if (r.type != quint8(FrameType::Connected))
        return {};
    auto json = controlJson(r.body);
    return json ? json.value() : QJsonObject();
}

RawClient::Received tst_Security::answer(RawClient &c, quint32 seq, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        RawClient::Received r = c.next(int(qMax<qint64>(1, deadline.remainingTime())));
        if (r.type == 0)
            return r;
        if ((r.type == quint8(FrameType::Ack) || r.type == quint8(FrameType::Error)) && r.seq() == seq)
            return r;
    }
    return {};
}

QString tst_Security::firstAndOnly(RawClient &c, quint32 sid, const QByteArray &payload, Message *out)
{
    RawClient::Received r;
    do {
        r = c.next(5000);
        if (r.type == 0)
            return QStringLiteral("no delivery arrived");
        if (r.type == quint8(FrameType::Error))
            return QStringLiteral("unexpected ERROR: ") + r.error().toString();
    } while (r.type != quint8(FrameType::Deliver));
    const Message m = messageOf(r);
    if (r.seq() != sid || (!payload.isNull() && m.payload() != payload))
        return QStringLiteral("the first delivery was on sid %1 with payload \"%2\", expected sid %3 \"%4\"")
            .arg(r.seq())
            .arg(QString::fromUtf8(m.payload()))
            .arg(sid)
            .arg(QString::fromUtf8(payload));
    if (out)
        *out = m;
    c.send(pingFrame(4242));
    while (true) {
        r = c.next(5000);
        if (r.type == 0)
            return QStringLiteral("no PONG");
        if (r.type == quint8(FrameType::Deliver))
            return QStringLiteral("a second delivery: \"%1\"").arg(QString::fromUtf8(messageOf(r).payload()));
        if (r.type == quint8(FrameType::Pong) && r.seq() == 4242)
            return {};
    }
}

QJsonObject tst_Security::status()
{
    return sbtest::sbctlStatus(QStringLiteral(SB_SBCTL_PATH), controlPath());
}

double tst_Security::endpointCounter(const QString &key)
{
    return sbtest::nativeEndpointValue(status(), key);
}

int tst_Security::logCount(const QString &needle)
{
    int n = 0;
    for (const QJsonObject &line : m_daemon->logLines())
        n += line.value(QStringLiteral("msg")).toString().contains(needle);
    return n;
}

// --- authentication --------------------------------------------------------------------------

void tst_Security::handshakeRefused_data()
{
    QTest::addColumn<QString>("token");
    QTest::addRow("no credentials") << QString();
    QTest::addRow("wrong token") << QStringLiteral("guess");
    QTest::addRow("token of another hub") << QStringLiteral("alice-s3cret-2");
}

void tst_Security::handshakeRefused()
{
    QFETCH(QString, token);
    QVERIFY(start({}, {}, /*authRequired*/ true));
    RawClient observer;
    QVERIFY(!hello(observer, kRootToken).isEmpty());
    observer.send(subscribeFrame(1, 1, QStringLiteral("t")));
    QCOMPARE(answer(observer, 1).type, quint8(FrameType::Ack));

    // A refused CONNECT with a PUBLISH pipelined behind it: the PUBLISH must never be routed.
    RawClient intruder;
    QVERIFY(intruder.connectTo(url()));
    intruder.send(connectFrame(token) + publishFrame(2, QStringLiteral("t"), "intruder"));
    const RawClient::Received e = intruder.waitFor(FrameType::Error);
    bool fatal = false;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::Unauthenticated));
    QVERIFY(fatal);
    QVERIFY(intruder.waitClosed());
    QTRY_COMPARE(logCount(QStringLiteral("closed: UNAUTHENTICATED")), 1);

    RawClient root;
    QVERIFY(!hello(root, kRootToken).isEmpty());
    root.send(publishFrame(3, QStringLiteral("t"), "legit"));
    QCOMPARE(answer(root, 3).type, quint8(FrameType::Ack));
    const QString err = firstAndOnly(observer, 1, "legit");
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QTRY_COMPARE(endpointCounter(QStringLiteral("preAuthClosed")), 1.0);
}

// --- authorization: ACL, reserved topics, channel require-auth and protocols -----------------

void tst_Security::refused_data()
{
    QTest::addColumn<QString>("token"); // the offender's
    QTest::addColumn<Act>("act");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("counter"); // in health's refusals
    const QString forbidden = errorCodeName(ErrorCode::Forbidden);
    const QString unauth = errorCodeName(ErrorCode::Unauthenticated);
    const QString f = QStringLiteral("forbidden");
    QTest::addRow("acl refuses publish") << kAliceToken << Act::Publish << QString() << QStringLiteral("bob.x") << forbidden << f;
    QTest::addRow("acl refuses subscribe") << kAliceToken << Act::Subscribe << QString() << QStringLiteral("bob.x") << forbidden << f;
    QTest::addRow("acl refuses request") << kAliceToken << Act::Request << QString() << QStringLiteral("bob.svc") << forbidden << f;
    QTest::addRow("anonymous subscribes $sb.>") << QString() << Act::Subscribe << QString() << QStringLiteral("$sb.>") << forbidden << f;
    QTest::addRow("anonymous publishes $sb.x") << QString() << Act::Publish << QString() << QStringLiteral("$sb.x") << forbidden << f;
    QTest::addRow("anonymous publishes on require-auth") << QString() << Act::Publish << QStringLiteral("secure") << QStringLiteral("t") << unauth << QStringLiteral("unauthenticated");
    QTest::addRow("anonymous subscribes on require-auth") << QString() << Act::Subscribe << QStringLiteral("secure") << QStringLiteral("t") << unauth << QStringLiteral("unauthenticated");
    QTest::addRow("native publishes on http-only") << kRootToken << Act::Publish << QStringLiteral("web-only") << QStringLiteral("t") << forbidden << f;
    QTest::addRow("native subscribes on http-only") << kRootToken << Act::Subscribe << QStringLiteral("web-only") << QStringLiteral("t") << forbidden << f;
}

void tst_Security::refused()
{
    QFETCH(QString, token);
    QFETCH(Act, act);
    QFETCH(QString, channel);
    QFETCH(QString, topic);
    QFETCH(QString, code);
    QFETCH(QString, counter);
    QVERIFY(start());
    // Over native nobody can subscribe to an http-only channel: there, the error and the counter
    // are the proof; everywhere else an admin observes the target.
    const bool observable = channel != QLatin1String("web-only");
    const bool advisory = topic.startsWith(QLatin1String("$sb."));
    RawClient observer, pub; // both admins; the publisher is a separate peer, so the observer reads only deliveries
    QVERIFY(!hello(observer, kRootToken).isEmpty());
    QVERIFY(!hello(pub, kRootToken).isEmpty());
    if (observable) {
        observer.send(subscribeFrame(1, 1, advisory ? QStringLiteral("$sb.>") : topic, channel));
        QCOMPARE(answer(observer, 1).type, quint8(FrameType::Ack));
    }
    RawClient offender;
    QVERIFY(!hello(offender, token).isEmpty());
    const double before = refusals(counter);
    QVERIFY(before >= 0);

    switch (act) {
    case Act::Publish:
        offender.send(publishFrame(10, topic, "refused", channel));
        break;
    case Act::Subscribe:
        offender.send(subscribeFrame(10, 1, topic, channel));
        break;
    case Act::Request:
        offender.send(requestFrame(10, topic, "refused", 3000, channel));
        break;
    }
    const RawClient::Received e = answer(offender, 10);
    QCOMPARE(e.type, quint8(FrameType::Error));
    bool fatal = true;
    QCOMPARE(e.error(&fatal).codeName(), code);
    QVERIFY(!fatal); // refused, not disconnected
    QVERIFY(!e.error().message.isEmpty());
    QTRY_COMPARE(refusals(counter), before + 1);

    // The target is fed legitimately now: the observer's first and only delivery is that message,
    // not the refused one.
    Message first;
    if (advisory) {
        makeDeadLetter();
        const QString err = firstAndOnly(observer, 1, QByteArray(), &first);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QCOMPARE(first.topic(), QStringLiteral("$sb.deadletter.handler_failed"));
    } else if (observable) {
        pub.send(publishFrame(3, topic, "legit", channel));
        QCOMPARE(answer(pub, 3).type, quint8(FrameType::Ack));
        const QString err = firstAndOnly(observer, 1, "legit");
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    if (act == Act::Subscribe) {
        // The refused subscription got none of that: a topic the offender may read is fed after
        // the target, and it is the offender's first and only delivery.
        const QString allowed = token == kAliceToken ? QStringLiteral("alice.ok") : QStringLiteral("ok");
        offender.send(subscribeFrame(11, 2, allowed));
        QCOMPARE(answer(offender, 11).type, quint8(FrameType::Ack));
        if (!observable) {
            pub.send(publishFrame(3, topic, "refused sub", channel)); // refused too: nobody gets it
            QCOMPARE(answer(pub, 3).type, quint8(FrameType::Error));
        }
        pub.send(publishFrame(4, allowed, "allowed"));
        QCOMPARE(answer(pub, 4).type, quint8(FrameType::Ack));
        const QString err = firstAndOnly(offender, 2, "allowed");
        QVERIFY2(err.isEmpty(), qPrintable(err));
    }
    // The offender's connection is still usable.
    offender.send(pingFrame(99));
    QCOMPARE(offender.waitFor(FrameType::Pong).seq(), 99u);
}

void tst_Security::makeDeadLetter()
{
    RawClient worker;
    QVERIFY(!hello(worker, kRootToken).isEmpty());
    worker.send(subscribeFrame(1, 1, QStringLiteral("dl.work")));
    QCOMPARE(answer(worker, 1).type, quint8(FrameType::Ack));
    worker.send(publishFrame(0, QStringLiteral("dl.work"), "job"));
    const RawClient::Received d = worker.waitFor(FrameType::Deliver);
    QCOMPARE(d.seq(), 1u);
    QByteArray nack;
    appendMessageFrame(nack, FrameType::Nack, 1, messageOf(d));
    worker.send(nack);
    worker.send(pingFrame(2)); // the NACK is handled once the PONG is back
    QCOMPARE(worker.waitFor(FrameType::Pong).seq(), 2u);
}

// --- spoofing --------------------------------------------------------------------------------

void tst_Security::replySpoofing()
{
    QVERIFY(start());
    RawClient a, b, requester;
    QVERIFY(!hello(a, kRootToken).isEmpty());
    QVERIFY(!hello(b, kRootToken).isEmpty());
    QVERIFY(!hello(requester, kRootToken).isEmpty());
    a.send(subscribeFrame(1, 1, QStringLiteral("svc.upper")));
    QCOMPARE(answer(a, 1).type, quint8(FrameType::Ack));
    b.send(subscribeFrame(1, 1, QStringLiteral("svc.other"))); // B is a responder too, for another service
    QCOMPARE(answer(b, 1).type, quint8(FrameType::Ack));
    const double before = refusals(QStringLiteral("spoofedReplies"));

    requester.send(requestFrame(7, QStringLiteral("svc.upper"), "hello", 5000));
    const RawClient::Received delivered = a.waitFor(FrameType::Deliver);
    const Message req = messageOf(delivered);
    QVERIFY(!req.correlationId().isEmpty());

    // B knows (or guessed) the correlation id: its answer is refused and counted.
    Message forged(MessageType::Response, QString(), "FORGED");
    forged.setCorrelationId(req.correlationId());
    QByteArray out;
    appendMessageFrame(out, FrameType::Reply, 20, forged);
    b.send(out);
    const RawClient::Received e = answer(b, 20);
    QCOMPARE(e.type, quint8(FrameType::Error));
    QCOMPARE(e.error().codeName(), errorCodeName(ErrorCode::NoRoute));
    QTRY_COMPARE(refusals(QStringLiteral("spoofedReplies")), before + 1);

    // A's real answer still reaches the requester, and it is the only reply.
    Message real(MessageType::Response, QString(), "HELLO");
    real.setCorrelationId(req.correlationId());
    out.clear();
    appendMessageFrame(out, FrameType::Reply, 21, real);
    a.send(out);
    QCOMPARE(answer(a, 21).type, quint8(FrameType::Ack));
    RawClient::Received r = requester.waitFor(FrameType::Reply);
    QCOMPARE(r.seq(), 7u);
    QCOMPARE(messageOf(r).payload(), QByteArray("HELLO"));
    QVERIFY(messageOf(r).source().startsWith(QLatin1String("root@")));
    requester.send(pingFrame(5));
    do {
        r = requester.next();
        QVERIFY2(r.type != quint8(FrameType::Reply), "a second reply reached the requester");
        QVERIFY(r.type != 0);
    } while (r.type != quint8(FrameType::Pong));
}

void tst_Security::nackSpoofing()
{
    QVERIFY(start());
    RawClient observer, worker, pub;
    QVERIFY(!hello(observer, kRootToken).isEmpty());
    QVERIFY(!hello(worker, kRootToken).isEmpty());
    QVERIFY(!hello(pub, kRootToken).isEmpty());
    observer.send(subscribeFrame(1, 1, QStringLiteral("$sb.deadletter.>")));
    QCOMPARE(answer(observer, 1).type, quint8(FrameType::Ack));
    worker.send(subscribeFrame(1, 1, QStringLiteral("work")));
    QCOMPARE(answer(worker, 1).type, quint8(FrameType::Ack));
    const double before = refusals(QStringLiteral("spoofedNacks"));

    pub.send(publishFrame(2, QStringLiteral("work"), "job"));
    const RawClient::Received d = worker.waitFor(FrameType::Deliver);
    QCOMPARE(d.seq(), 1u);
    const Message job = messageOf(d);

    struct Case { const char *name; quint32 sid; QString id; };
    const QList<Case> cases{{"unknown sid", 99, job.id()}, {"made-up id on a real sid", 1, Message::newId()}};
    for (const Case &k : cases) {
        Message m = job;
        m.setId(k.id);
        QByteArray nack;
        appendMessageFrame(nack, FrameType::Nack, k.sid, m);
        worker.send(nack);
        const RawClient::Received e = worker.waitFor(FrameType::Error);
        QVERIFY2(e.error().codeName() == errorCodeName(ErrorCode::NotFound), k.name);
    }
    QTRY_COMPARE(refusals(QStringLiteral("spoofedNacks")), before + 2);

    // Neither made a dead letter: the legitimate NACK's letter (retry max-attempts 1) is the first
    // and only one the observer sees.
    QByteArray nack;
    appendMessageFrame(nack, FrameType::Nack, 1, job);
    worker.send(nack);
    const RawClient::Received letter = observer.waitFor(FrameType::Deliver);
    QCOMPARE(messageOf(letter).topic(), QStringLiteral("$sb.deadletter.handler_failed"));
    const QJsonObject about = QJsonDocument::fromJson(messageOf(letter).payload()).object();
    QCOMPARE(about.value(QStringLiteral("message")).toObject().value(QStringLiteral("messageId")).toString(), job.id());
    observer.send(pingFrame(6));
    RawClient::Received r;
    do {
        r = observer.next();
        QVERIFY2(r.type != quint8(FrameType::Deliver), "a second dead letter");
        QVERIFY(r.type != 0);
    } while (r.type != quint8(FrameType::Pong));
}

void tst_Security::forgedSource_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("identity");
    QTest::addColumn<QString>("topic");
    QTest::addRow("anonymous") << QString() << QStringLiteral("anonymous") << QStringLiteral("src.t");
    QTest::addRow("token") << kAliceToken << QStringLiteral("alice") << QStringLiteral("alice.src");
}

void tst_Security::forgedSource()
{
    QFETCH(QString, token);
    QFETCH(QString, identity);
    QFETCH(QString, topic);
    QVERIFY(start());
    RawClient observer, sender;
    QVERIFY(!hello(observer, kRootToken).isEmpty());
    observer.send(subscribeFrame(1, 1, topic));
    QCOMPARE(answer(observer, 1).type, quint8(FrameType::Ack));
    const QJsonObject connected = hello(sender, token);
    QVERIFY(!connected.isEmpty());
    QCOMPARE(connected.value(QStringLiteral("identity")).toString(), identity);
    Message m(MessageType::Event, topic, "who am i");
    m.setSource(QStringLiteral("admin@native-1"));
    QByteArray out;
    appendMessageFrame(out, FrameType::Publish, 5, m);
    sender.send(out);
    QCOMPARE(answer(sender, 5).type, quint8(FrameType::Ack));
    Message got;
    const QString err = firstAndOnly(observer, 1, "who am i", &got);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QCOMPARE(got.source(), identity + QLatin1Char('@') + connected.value(QStringLiteral("connectionId")).toString());
}

// --- limits ----------------------------------------------------------------------------------

void tst_Security::maxSubscriptionsPerConnection()
{
    QVERIFY(start({}, QStringLiteral("limits: {max-subscriptions-per-connection: 3}\n")));
    RawClient c;
    QVERIFY(!hello(c).isEmpty());
    const double before = refusals(QStringLiteral("limits"));
    for (quint32 sid = 1; sid <= 3; ++sid) {
        c.send(subscribeFrame(sid, sid, QStringLiteral("s.%1").arg(sid)));
        QCOMPARE(answer(c, sid).type, quint8(FrameType::Ack));
    }
    c.send(subscribeFrame(4, 4, QStringLiteral("s.4")));
    const RawClient::Received e = answer(c, 4);
    QCOMPARE(e.type, quint8(FrameType::Error));
    bool fatal = true;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::LimitExceeded));
    QVERIFY(!fatal);
    QTRY_COMPARE(refusals(QStringLiteral("limits")), before + 1);
    // The refused one receives nothing; the others still work.
    RawClient pub;
    QVERIFY(!hello(pub).isEmpty());
    pub.send(publishFrame(1, QStringLiteral("s.4"), "refused sub"));
    QCOMPARE(answer(pub, 1).type, quint8(FrameType::Ack));
    pub.send(publishFrame(2, QStringLiteral("s.3"), "third"));
    QCOMPARE(answer(pub, 2).type, quint8(FrameType::Ack));
    const QString err = firstAndOnly(c, 3, "third");
    QVERIFY2(err.isEmpty(), qPrintable(err));
}

void tst_Security::maxPendingRequestsPerConnection()
{
    QVERIFY(start({}, QStringLiteral("limits: {max-pending-requests-per-connection: 2}\n")));
    RawClient silent, requester;
    QVERIFY(!hello(silent, kRootToken).isEmpty());
    QVERIFY(!hello(requester, kRootToken).isEmpty());
    silent.send(subscribeFrame(1, 1, QStringLiteral("svc.slow")));
    QCOMPARE(answer(silent, 1).type, quint8(FrameType::Ack));
    const double before = refusals(QStringLiteral("limits"));
    requester.send(requestFrame(1, QStringLiteral("svc.slow"), "1", 20000));
    requester.send(requestFrame(2, QStringLiteral("svc.slow"), "2", 20000));
    // Both delivered to the responder, so both are pending.
    QCOMPARE(messageOf(silent.waitFor(FrameType::Deliver)).payload(), QByteArray("1"));
    QCOMPARE(messageOf(silent.waitFor(FrameType::Deliver)).payload(), QByteArray("2"));
    requester.send(requestFrame(3, QStringLiteral("svc.slow"), "3", 20000));
    const RawClient::Received e = answer(requester, 3);
    QCOMPARE(e.type, quint8(FrameType::Error));
    bool fatal = true;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::LimitExceeded));
    QVERIFY(!fatal);
    QTRY_COMPARE(refusals(QStringLiteral("limits")), before + 1);
    // The third never reached the responder: a PING round trip shows nothing behind the two.
    silent.send(pingFrame(8));
    RawClient::Received r;
    do {
        r = silent.next();
        QVERIFY2(r.type != quint8(FrameType::Deliver), "the refused request was delivered");
        QVERIFY(r.type != 0);
    } while (r.type != quint8(FrameType::Pong));
}

void tst_Security::connectionCaps_data()
{
    QTest::addColumn<QString>("key");
    QTest::addRow("max-connections") << QStringLiteral("max-connections");
    QTest::addRow("max-connections-per-peer") << QStringLiteral("max-connections-per-peer");
}

void tst_Security::connectionCaps()
{
    QFETCH(QString, key);
    if (key == QLatin1String("max-connections-per-peer") && transport() == QLatin1String("local"))
        QSKIP("local peers have no address: only max-connections applies to them");
    QVERIFY(start(QStringLiteral("    %1: 3\n").arg(key)));
    std::vector<std::unique_ptr<RawClient>> held;
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RawClient>());
        QVERIFY(!hello(*held.back()).isEmpty());
    }
    RawClient extra;
    QVERIFY(extra.connectTo(url()));
    const RawClient::Received e = extra.waitFor(FrameType::Error);
    bool fatal = false;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::LimitExceeded));
    QVERIFY(fatal);
    QVERIFY(extra.waitClosed());
    QTRY_COMPARE(endpointCounter(QStringLiteral("refusedConnections")), 1.0);
    // The admitted ones are unaffected, and a slot freed is a slot usable again.
    for (const auto &c : held) {
        c->send(pingFrame(3));
        QCOMPARE(c->waitFor(FrameType::Pong).seq(), 3u);
    }
    held.pop_back();
    QTRY_COMPARE(endpointCounter(QStringLiteral("connections")), 2.0); // the hub noticed the close
    RawClient again;
    QVERIFY(!hello(again).isEmpty());
}

void tst_Security::preAuthBytes()
{
    QVERIFY(start(QStringLiteral("    pre-auth-bytes: 4KiB\n")));
    RawClient slowloris;
    QVERIFY(slowloris.connectTo(url()));
    // A CONNECT frame that announces 512 KiB (within max-frame-size) and never ends.
    QByteArray header;
    BinaryCodec::appendFrameHeader(header, quint8(FrameType::Connect), 0, 512 * 1024);
    slowloris.send(header + QByteArray(8 * 1024, 'x'));
    const RawClient::Received e = slowloris.waitFor(FrameType::Error);
    bool fatal = false;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::Unauthenticated));
    QVERIFY(fatal);
    QVERIFY(slowloris.waitClosed());
    QTRY_COMPARE(logCount(QStringLiteral("closed: UNAUTHENTICATED: more than 4096 bytes before CONNECT")), 1);
    QTRY_COMPARE(endpointCounter(QStringLiteral("preAuthClosed")), 1.0);
}

void tst_Security::shortBodyBeforeConnect()
{
    QVERIFY(start());
    RawClient c;
    QVERIFY(c.connectTo(url()));
    QByteArray frame;
    BinaryCodec::appendFrameHeader(frame, quint8(FrameType::Connect), 0, 2);
    frame += "{}";
    c.send(frame + publishFrame(0, QStringLiteral("t"), "x"));
    const RawClient::Received e = c.next();
    QCOMPARE(e.type, quint8(FrameType::Error));
    bool fatal = false;
    QCOMPARE(e.error(&fatal).codeName(), errorCodeName(ErrorCode::BadFrame));
    QVERIFY(fatal);
    // One ERROR, then the socket is closed: nothing else follows it.
    QCOMPARE(c.next(2000).type, quint8(0));
    QVERIFY(c.waitClosed());
    QTRY_COMPARE(logCount(QStringLiteral("closed: BAD_FRAME")), 1);
    QTRY_COMPARE(endpointCounter(QStringLiteral("preAuthClosed")), 1.0);
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
