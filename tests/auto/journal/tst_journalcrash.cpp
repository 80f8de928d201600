// SPDX-License-Identifier: Apache-2.0
// The crash test of issue #15: publishers send acknowledged messages over the native protocol and
// over HTTP while the test kills switchboardd with SIGKILL at a random moment, 20 rounds. After
// each restart every acknowledged message is stored exactly once; a durable subscriber gets every
// one of them (duplicates only where at least once allows them, and counted).
#include "curlrun.h"
#include "daemonprocess.h"

#include <switchboardclient.h>

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <sys/types.h>

using namespace sb;
using sbtest::curl;

class tst_JournalCrash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twentyKills();

private:
    bool start();
    // Every stored message of "orders" after \a afterSeq: payload -> how many times stored.
    bool readStored(quint64 afterSeq, QHash<QByteArray, int> *out, quint64 *last);
    void subscribeDurable(SwitchboardClient &client);
    bool connectClient(SwitchboardClient &client);
    // Whether the durable subscriber got every one of \a acked, waiting up to 15 s.
    bool caughtUp(const QSet<QByteArray> &acked);

    QTemporaryDir m_journal;
    std::unique_ptr<DaemonProcess> m_daemon;
    QHash<QByteArray, int> m_durableGot; // payload -> deliveries to the durable subscriber
};

bool tst_JournalCrash::start()
{
    m_daemon = std::make_unique<DaemonProcess>();
    DaemonProcess::Options o;
    o.httpSection = QStringLiteral("    listeners: [{address: \"127.0.0.1:0\"}]\n");
    o.channelsExtra = QStringLiteral("  - {name: orders, type: topic, persistent: true, fsync: always}\n");
    o.topLevelExtra = QStringLiteral("journal:\n  path: \"%1\"\nlimits:\n  durable-ack-timeout-ms: 2s\n").arg(m_journal.path());
    if (!m_daemon->start(o)) {
        qWarning("%s\n%s", qPrintable(m_daemon->errorString()), qPrintable(m_daemon->stderrText()));
        return false;
    }
    return true;
}

bool tst_JournalCrash::readStored(quint64 afterSeq, QHash<QByteArray, int> *out, quint64 *last)
{
    *last = afterSeq;
    for (;;) {
        const auto r = curl(QStringLiteral("http://%1/api/v1/channels/orders/messages?limit=1000&after-seq=%2")
                                .arg(m_daemon->httpAddress())
                                .arg(*last));
        if (r.status != 200) {
            qWarning("GET messages: %d %s", r.status, r.body.constData());
            return false;
        }
        const QJsonArray page = r.data().toArray();
        for (const QJsonValue &v : page) {
            const QJsonObject o = v.toObject();
            (*out)[o.value(QStringLiteral("message")).toObject().value(QStringLiteral("data")).toString().toUtf8()] += 1;
            *last = quint64(o.value(QStringLiteral("seq")).toDouble());
        }
        if (page.size() < 1000)
            return true;
    }
}

void tst_JournalCrash::subscribeDurable(SwitchboardClient &client)
{
    SwitchboardClient::SubscribeOptions so;
    so.channel = QStringLiteral("orders");
    so.pattern = QStringLiteral(">");
    so.durable = QStringLiteral("crash-audit");
    so.fromStart = true;
    client.subscribe(so, [this](const Message &m) { m_durableGot[m.payload()] += 1; });
}

bool tst_JournalCrash::connectClient(SwitchboardClient &client)
{
    SwitchboardClient::Options o = client.options();
    o.autoReconnect = false;
    client.setOptions(o);
    QSignalSpy up(&client, &SwitchboardClient::connected);
    return client.connectToHub(m_daemon->url(QStringLiteral("tcp"))) && up.wait(5000);
}

bool tst_JournalCrash::caughtUp(const QSet<QByteArray> &acked)
{
    return QTest::qWaitFor(
        [&] { return std::all_of(acked.cbegin(), acked.cend(), [this](const QByteArray &p) { return m_durableGot.contains(p); }); },
        15000);
}

void tst_JournalCrash::twentyKills()
{
    QSet<QByteArray> acked;
    QHash<QByteArray, int> storedAll;
    quint64 lastSeq = 0;
    int sigkills = 0;
    QNetworkAccessManager http;
    for (int round = 1; round <= 20; ++round) {
        QVERIFY(start());
        // What the previous round acknowledged is stored, once (nothing stored twice, ever).
        QVERIFY(readStored(lastSeq, &storedAll, &lastSeq));
        for (const QByteArray &p : std::as_const(acked))
            QVERIFY2(storedAll.value(p) == 1, qPrintable(QStringLiteral("round %1: %2 stored %3 times")
                                                              .arg(round)
                                                              .arg(QString::fromUtf8(p))
                                                              .arg(storedAll.value(p))));
        // The durable subscriber catches up with everything acknowledged so far.
        SwitchboardClient durable;
        QVERIFY(connectClient(durable));
        subscribeDurable(durable);
        QVERIFY(caughtUp(acked));
        SwitchboardClient pub;
        QVERIFY(connectClient(pub));
        int n = 0;
        QTimer load;
        load.setInterval(1);
        const QString base = QStringLiteral("http://%1/api/v1/events").arg(m_daemon->httpAddress());
        connect(&load, &QTimer::timeout, this, [&] {
            for (int k = 0; k < 5; ++k) {
                const QByteArray p = QStringLiteral("r%1-native-%2").arg(round).arg(++n).toUtf8();
                Message m(MessageType::Event, QStringLiteral("order.native"), p);
                m.setChannel(QStringLiteral("orders"));
                pub.publish(m, [&acked, p](const Status &st) {
                    if (st)
                        acked.insert(p);
                });
            }
            const QByteArray hp = QStringLiteral("r%1-http-%2").arg(round).arg(++n).toUtf8();
            QNetworkRequest rq{QUrl(base)};
            rq.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            QNetworkReply *reply = http.post(rq, R"({"channel":"orders","topic":"order.http","payload":")" + hp + "\"}");
            connect(reply, &QNetworkReply::finished, this, [reply, hp, &acked] {
                if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 202)
                    acked.insert(hp);
                reply->deleteLater();
            });
        });
        load.start();
        QTest::qWait(100 + int(QRandomGenerator::global()->bounded(400)));
        ::kill(pid_t(m_daemon->pid()), SIGKILL);
        ++sigkills;
        load.stop();
        m_daemon->stop(5000);
        QTest::qWait(50); // the clients see the connections drop; answers not received are not acks
    }
    QVERIFY(start());
    storedAll.clear();
    QVERIFY(readStored(0, &storedAll, &lastSeq));
    int duplicates = 0;
    for (const QByteArray &p : std::as_const(acked))
        QVERIFY2(storedAll.value(p) == 1, qPrintable(QString::fromUtf8(p)));
    SwitchboardClient durable;
    QVERIFY(connectClient(durable));
    subscribeDurable(durable);
    QVERIFY(caughtUp(acked));
    for (auto it = m_durableGot.cbegin(); it != m_durableGot.cend(); ++it) {
        QVERIFY2(storedAll.contains(it.key()), qPrintable(QString::fromUtf8(it.key()))); // nothing made up
        duplicates += it.value() - 1;
    }
    qInfo("%d SIGKILLs: %lld messages acknowledged, %lld stored (the rest were in flight at a kill), "
          "%lld delivered to the durable subscriber, %d of them again (not yet acknowledged at a kill)",
          sigkills, qint64(acked.size()), qint64(storedAll.size()), qint64(m_durableGot.size()), duplicates);
    QVERIFY(acked.size() > 200);
}

QTEST_GUILESS_MAIN(tst_JournalCrash)
#include "tst_journalcrash.moc"
