// SPDX-License-Identifier: Apache-2.0
// The console against an embedded hub with data: the controller's actions and views, then every
// page rendered (offscreen, software renderer) and saved as a PNG artifact, checked for real
// content: a non-blank image and the known names in the model the page shows.
#include <consolecontroller.h>
#include <consoletypes.h>
#include <payloadformatter.h>

#include <remoteclient.h>
#include <switchboardclient.h>

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QQuickItem>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(Switchboard_ConsolePlugin)

using namespace sb;
using sb::console::ConsoleController;

namespace {
QStringList valuesOf(QAbstractItemModel *model, const QString &role)
{
    QStringList out;
    const int r = model->roleNames().key(role.toUtf8(), -1);
    for (int i = 0; i < model->rowCount(); ++i)
        out << model->index(i, 0).data(r).toString();
    return out;
}
} // namespace

class tst_Console : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void fieldErrors_data();
    void fieldErrors();
    void topicFilter_data();
    void topicFilter();
    void requestsArePaired();
    void connectionsSortAndClose();
    void pages_data();
    void pages();
    void durablesPage();
    void storedMessagesPaging();
    void remoteRefusalIsShown();

private:
    QVariantMap act(const std::function<void()> &action, const QString &name);
    bool showStored(QQuickWindow *window, int page);

    ConsoleController m_hub;
    SwitchboardClient m_device;
    QString m_artifacts;
    int m_auditReceived = 0; // deliveries of the durable subscription "audit"
    QTemporaryDir m_data; // the embedded hub's journal goes under $XDG_DATA_HOME: not the user's
};

QVariantMap tst_Console::act(const std::function<void()> &action, const QString &name)
{
    QSignalSpy done(&m_hub, &ConsoleController::actionFinished);
    action();
    for (int i = 0; i < 50; ++i) {
        for (const QList<QVariant> &args : std::as_const(done)) {
            if (args.at(0).toString() == name)
                return args.at(1).toMap();
        }
        done.wait(100);
    }
    return {};
}

void tst_Console::initTestCase()
{
    m_artifacts = QStringLiteral(SB_ARTIFACT_DIR);
    QDir().mkpath(m_artifacts);
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    qputenv("SWITCHBOARD_PLUGIN_PATH", SB_PLUGIN_DIR); // the embedded hub loads the native plugin from the build tree
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_data.path()));
    console::registerConsoleTypes(&m_hub);
    m_hub.connectEmbedded();
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.state(), QStringLiteral("ready"), 10000);

    // A device on the embedded hub's native endpoint: subscribes, answers requests.
    QString tcp;
    for (const QVariant &p : m_hub.plugins()) {
        for (const QVariant &e : p.toMap().value(QStringLiteral("endpoints")).toList()) {
            if (!e.toMap().value(QStringLiteral("tcp")).toString().isEmpty()) // native's; http has none
                tcp = e.toMap().value(QStringLiteral("tcp")).toString();
        }
    }
    QVERIFY(!tcp.isEmpty());
    QSignalSpy connected(&m_device, &SwitchboardClient::connected);
    QVERIFY(m_device.connectToHub(QStringLiteral("tcp://") + tcp));
    QVERIFY(connected.wait(10000));
    QSignalSpy subscribed(&m_device, &SwitchboardClient::subscribed);
    m_device.subscribe(QStringLiteral("svc.echo"), [this](const Message &m) {
        if (m.type() == MessageType::Request) {
            Message r;
            r.setPayload("echo:" + m.payload());
            m_device.reply(m, r);
        }
    });
    m_device.subscribe(QStringLiteral("sensor.>"), [](const Message &) {});
    m_device.subscribe(QStringLiteral("svc.silent"), [](const Message &) {}); // never answers
    QVERIFY(subscribed.wait(10000));

    QCOMPARE(act([this] { m_hub.createChannel({{QStringLiteral("name"), QStringLiteral("orders")},
                                               {QStringLiteral("type"), QStringLiteral("queue")},
                                               {QStringLiteral("description"), QStringLiteral("order intake")}}); },
                 QStringLiteral("createChannel")).value(QStringLiteral("ok")).toBool(), true);
    QCOMPARE(act([this] { m_hub.createChannel({{QStringLiteral("name"), QStringLiteral("direct")},
                                               {QStringLiteral("type"), QStringLiteral("point-to-point")}}); },
                 QStringLiteral("createChannel")).value(QStringLiteral("ok")).toBool(), true);
    for (const char *t : {"sensor.1.temp", "sensor.2.temp", "sensor.2.humidity", "plant.line1.state"}) {
        const QVariantMap r = act([this, t] { m_hub.publish({{QStringLiteral("topic"), QString::fromLatin1(t)},
                                                             {QStringLiteral("payload"), QStringLiteral("{\"value\": 21.5}")},
                                                             {QStringLiteral("contentType"), QStringLiteral("application/json")}}); },
                                  QStringLiteral("publish"));
        QVERIFY2(r.value(QStringLiteral("ok")).toBool(), qPrintable(r.value(QStringLiteral("message")).toString()));
    }
    // Nobody at worker.9: a NO_ROUTE dead letter.
    act([this] { m_hub.publish({{QStringLiteral("channel"), QStringLiteral("direct")}, {QStringLiteral("topic"), QStringLiteral("worker.9")},
                                {QStringLiteral("payload"), QStringLiteral("job 9")}}); },
        QStringLiteral("publish"));
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.topics()->count(), 5, 5000); // and the hub's own dead-letter advisory
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.deadLetters()->rowCount(), 1, 5000);
    // A persistent channel: the embedded hub keeps it in its memory journal, and the Overview
    // shows the journal and the durable subscriptions.
    QCOMPARE(act([this] { m_hub.createChannel({{QStringLiteral("name"), QStringLiteral("ledger")},
                                               {QStringLiteral("type"), QStringLiteral("topic")},
                                               {QStringLiteral("persistent"), QStringLiteral("true")}}); },
                 QStringLiteral("createChannel")).value(QStringLiteral("ok")).toBool(), true);
    QVERIFY(act([this] { m_hub.publish({{QStringLiteral("channel"), QStringLiteral("ledger")}, {QStringLiteral("topic"), QStringLiteral("entry.1")},
                                        {QStringLiteral("payload"), QStringLiteral("kept")}}); },
                QStringLiteral("publish")).value(QStringLiteral("ok")).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.channels()->rowCount(), 3, 5000);
    // A durable subscription on it that acknowledges nothing: the Durables page shows it.
    SwitchboardClient::SubscribeOptions o;
    o.channel = QStringLiteral("ledger");
    o.pattern = QStringLiteral("entry.>");
    o.durable = QStringLiteral("audit");
    o.fromStart = true;
    o.autoAck = false; // nothing acknowledged: the position stays at 0
    m_device.subscribe(o, [this](const Message &) { ++m_auditReceived; });
    QTRY_COMPARE_WITH_TIMEOUT(m_auditReceived, 1, 5000); // the message stored in initTestCase
    for (const char *t : {"entry.2", "entry.3"}) {
        QVERIFY(act([this, t] { m_hub.publish({{QStringLiteral("channel"), QStringLiteral("ledger")},
                                               {QStringLiteral("topic"), QString::fromLatin1(t)},
                                               {QStringLiteral("payload"), QStringLiteral("kept")}}); },
                    QStringLiteral("publish")).value(QStringLiteral("ok")).toBool());
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_auditReceived, 3, 5000);
}

void tst_Console::cleanupTestCase()
{
    m_device.disconnectFromHub();
    m_hub.disconnectFromHub();
}

void tst_Console::fieldErrors_data()
{
    QTest::addColumn<QVariantMap>("config");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    QTest::addRow("bad name") << QVariantMap{{QStringLiteral("name"), QStringLiteral("no spaces")}} << QStringLiteral("INVALID_CONFIG")
                              << QStringLiteral("name");
    QTest::addRow("bad size") << QVariantMap{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("max-message-size"), QStringLiteral("huge")}}
                              << QStringLiteral("INVALID_CONFIG") << QStringLiteral("max-message-size");
    QTest::addRow("bad type") << QVariantMap{{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("type"), QStringLiteral("fanout")}}
                              << QStringLiteral("INVALID_CONFIG") << QStringLiteral("type");
    QTest::addRow("exists") << QVariantMap{{QStringLiteral("name"), QStringLiteral("orders")}} << QStringLiteral("CHANNEL_EXISTS") << QString();
}

void tst_Console::fieldErrors()
{
    QFETCH(QVariantMap, config);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const QVariantMap r = act([&] { m_hub.createChannel(config); }, QStringLiteral("createChannel"));
    QCOMPARE(r.value(QStringLiteral("code")).toString(), code);
    QCOMPARE(r.value(QStringLiteral("details")).toMap().value(QStringLiteral("key")).toString(), field); // the field the page marks
}

void tst_Console::topicFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("topics");
    QTest::addRow("all") << QString() << QStringList{QStringLiteral("$sb.deadletter.no_route"), QStringLiteral("plant.line1.state"), QStringLiteral("sensor.1.temp"),
                                                     QStringLiteral("sensor.2.humidity"), QStringLiteral("sensor.2.temp")};
    QTest::addRow("one segment wildcard") << QStringLiteral("sensor.*.temp")
                                          << QStringList{QStringLiteral("sensor.1.temp"), QStringLiteral("sensor.2.temp")};
    QTest::addRow("tail wildcard") << QStringLiteral("sensor.2.>")
                                   << QStringList{QStringLiteral("sensor.2.humidity"), QStringLiteral("sensor.2.temp")};
    QTest::addRow("substring") << QStringLiteral("humid") << QStringList{QStringLiteral("sensor.2.humidity")};
    QTest::addRow("nothing") << QStringLiteral("nope.*") << QStringList();
}

void tst_Console::topicFilter()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, topics);
    m_hub.topics()->setFilterText(filter);
    // Replica rows arrive asynchronously after the view asks for them.
    QTRY_COMPARE_WITH_TIMEOUT(valuesOf(m_hub.topics(), QStringLiteral("topic")), topics, 5000); // sorted
    m_hub.topics()->setFilterText(QString());
}

void tst_Console::requestsArePaired()
{
    QSignalSpy answers(&m_hub, &ConsoleController::actionFinished);
    const QVariantMap sent = act([this] { m_hub.request({{QStringLiteral("topic"), QStringLiteral("svc.echo")},
                                                         {QStringLiteral("payload"), QStringLiteral("ping")}},
                                                        3000); },
                                 QStringLiteral("request"));
    QVERIFY2(sent.value(QStringLiteral("ok")).toBool(), qPrintable(sent.value(QStringLiteral("message")).toString()));
    const QString corr = sent.value(QStringLiteral("correlationId")).toString();
    const QVariantMap late = act([this] { m_hub.request({{QStringLiteral("topic"), QStringLiteral("svc.silent")}}, 300); },
                                 QStringLiteral("request"));
    QVERIFY(late.value(QStringLiteral("ok")).toBool());
    const QString silentCorr = late.value(QStringLiteral("correlationId")).toString();

    // The hub's Requests model pairs them by correlation id: one answered with its latency, one not.
    QAbstractItemModel *requests = m_hub.requests();
    auto stateOf = [&](const QString &c) {
        const QStringList ids = valuesOf(requests, QStringLiteral("correlationId"));
        const int row = int(ids.indexOf(c));
        return row < 0 ? QString() : m_hub.rowValue(requests, row, QStringLiteral("state")).toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(corr), QStringLiteral("answered"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(silentCorr), QStringLiteral("unanswered"), 5000);
    const int row = int(valuesOf(requests, QStringLiteral("correlationId")).indexOf(corr));
    QTRY_VERIFY_WITH_TIMEOUT(m_hub.rowValue(requests, row, QStringLiteral("latencyMs")).isValid(), 5000);
    QVERIFY(m_hub.rowValue(requests, row, QStringLiteral("latencyMs")).toLongLong() >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.rowValue(requests, row, QStringLiteral("topic")).toString(), QStringLiteral("svc.echo"), 5000);

    // The console that sent it also gets the answer itself (the Publish page shows it).
    bool gotAnswer = false;
    for (const QList<QVariant> &a : std::as_const(answers)) {
        if (a.at(0).toString() == QLatin1String("requestFinished")
            && a.at(1).toMap().value(QStringLiteral("response")).toMap().value(QStringLiteral("data")).toString() == QLatin1String("echo:ping"))
            gotAnswer = true;
    }
    QVERIFY(gotAnswer);

    const QVariantMap none = act([this] { m_hub.request({{QStringLiteral("topic"), QStringLiteral("svc.nobody")}}, 500); },
                                 QStringLiteral("request"));
    QCOMPARE(none.value(QStringLiteral("code")).toString(), QStringLiteral("NO_RESPONDERS"));
}

void tst_Console::connectionsSortAndClose()
{
    SwitchboardClient second;
    SwitchboardClient::Options o;
    o.autoReconnect = false;
    second.setOptions(o);
    QString tcp;
    for (const QVariant &p : m_hub.plugins())
        for (const QVariant &e : p.toMap().value(QStringLiteral("endpoints")).toList()) {
            if (!e.toMap().value(QStringLiteral("tcp")).toString().isEmpty()) // native's; http has none
                tcp = e.toMap().value(QStringLiteral("tcp")).toString();
        }
    QSignalSpy connected(&second, &SwitchboardClient::connected);
    QVERIFY(second.connectToHub(QStringLiteral("tcp://") + tcp));
    QVERIFY(connected.wait(10000));
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.connections()->rowCount(), 2, 5000);
    m_hub.sortConnections(QStringLiteral("id"), false);
    QTRY_VERIFY_WITH_TIMEOUT(!valuesOf(m_hub.connections(), QStringLiteral("id")).contains(QString()), 5000);
    const QStringList ids = valuesOf(m_hub.connections(), QStringLiteral("id"));
    QStringList sorted = ids;
    std::sort(sorted.begin(), sorted.end(), std::greater<QString>());
    QCOMPARE(ids, sorted);
    QSignalSpy gone(&second, &SwitchboardClient::disconnected);
    QCOMPARE(act([&] { m_hub.closeConnection(second.connectionId(), QStringLiteral("test")); }, QStringLiteral("closeConnection"))
                 .value(QStringLiteral("ok")).toBool(),
             true);
    QTRY_VERIFY_WITH_TIMEOUT(gone.count() >= 1, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_hub.connections()->rowCount(), 1, 5000);
}

void tst_Console::pages_data()
{
    QTest::addColumn<int>("page");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("listObject"); // the view on the page
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("expected"); // a value that must be in the model that view shows
    QTest::addRow("overview") << 0 << QStringLiteral("overview") << QString() << QString() << QString();
    QTest::addRow("topics") << 1 << QStringLiteral("topics") << QStringLiteral("topicTree") << QStringLiteral("segment") << QStringLiteral("sensor");
    QTest::addRow("connections") << 2 << QStringLiteral("connections") << QStringLiteral("connectionList") << QStringLiteral("protocol")
                                 << QStringLiteral("native+tcp");
    QTest::addRow("channels") << 3 << QStringLiteral("channels") << QStringLiteral("channelList") << QStringLiteral("name") << QStringLiteral("orders");
    QTest::addRow("dead letters") << 4 << QStringLiteral("deadletters") << QStringLiteral("deadLetterList") << QStringLiteral("destination")
                                  << QStringLiteral("direct/worker.9");
    QTest::addRow("publish") << 5 << QStringLiteral("publish") << QString() << QString() << QString();
    QTest::addRow("requests") << 6 << QStringLiteral("requests") << QStringLiteral("requestList") << QStringLiteral("topic")
                              << QStringLiteral("svc.echo");
    QTest::addRow("durables") << 7 << QStringLiteral("durables") << QStringLiteral("durableList") << QStringLiteral("name")
                              << QStringLiteral("audit");
    QTest::addRow("messages") << 8 << QStringLiteral("messages") << QStringLiteral("storedList") << QStringLiteral("topic")
                              << QStringLiteral("entry.2");
    QTest::addRow("replay") << 9 << QStringLiteral("replay") << QString() << QString() << QString();
}

void tst_Console::pages()
{
    QFETCH(int, page);
    QFETCH(QString, name);
    QFETCH(QString, listObject);
    QFETCH(QString, role);
    QFETCH(QString, expected);

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Switchboard/Console/Main.qml")));
    QVERIFY(!engine.rootObjects().isEmpty());
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    QVERIFY(window);
    window->setProperty("currentPage", page);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QTest::qWait(300); // one snapshot interval of the embedded hub, then a frame

    if (page == 8 || page == 9)
        QVERIFY(showStored(window, page));
    if (!listObject.isEmpty()) {
        QObject *view = window->findChild<QObject *>(listObject);
        QVERIFY2(view, qPrintable(listObject));
        auto *model = qvariant_cast<QAbstractItemModel *>(view->property("model"));
        QVERIFY(model);
        QTRY_VERIFY2(valuesOf(model, role).contains(expected), qPrintable(valuesOf(model, role).join(u',')));
        QTRY_VERIFY(view->property("count").toInt() > 0 || view->property("rows").toInt() > 0);
    }
    if (page == 1) {
        // Open the tree and pick a topic: the payload pane shows its last message as JSON.
        QObject *tree = window->findChild<QObject *>(QStringLiteral("topicTree"));
        QVERIFY(QMetaObject::invokeMethod(tree, "expandRecursively", Q_ARG(int, -1), Q_ARG(int, -1)));
        m_hub.setSelectedTopic(QStringLiteral("sensor.1.temp"));
        QObject *payload = window->findChild<QObject *>(QStringLiteral("payloadView"));
        QTRY_VERIFY2(payload->property("text").toString().contains(QLatin1String("\"value\": 21.5")),
                     qPrintable(payload->property("text").toString()));
        QTRY_VERIFY(tree->property("rows").toInt() >= 8);
    }
    if (page == 0) {
        // One line per protocol, with where it listens: native's TCP port and the REST API's.
        auto rows = [window] {
            // Repeater delegates are in the item tree, not the QObject tree: walk the items.
            QStringList lines;
            std::function<void(QQuickItem *)> walk = [&](QQuickItem *item) {
                if (item->objectName() == QLatin1String("protocolRow"))
                    lines << item->property("text").toString();
                for (QQuickItem *child : item->childItems())
                    walk(child);
            };
            walk(window->contentItem());
            return lines;
        };
        QTRY_VERIFY2(rows().filter(QRegularExpression(QStringLiteral("^http: .* on 127\\.0\\.0\\.1:[0-9]+$"))).size() == 1,
                     qPrintable(rows().join(u'|')));
        QVERIFY2(rows().filter(QRegularExpression(QStringLiteral("^native: "))).size() == 1, qPrintable(rows().join(u'|')));
        QObject *journal = window->findChild<QObject *>(QStringLiteral("journalTile"));
        QVERIFY(journal);
        QTRY_VERIFY(journal->property("visible").toBool());
        QTRY_VERIFY2(journal->property("value").toString().startsWith(QLatin1String("3 messages")),
                     qPrintable(journal->property("value").toString()));
        QObject *durables = window->findChild<QObject *>(QStringLiteral("durablesTile"));
        QVERIFY(durables && durables->property("visible").toBool());
        QTRY_COMPARE(durables->property("value").toString(), QStringLiteral("1 (3 waiting for an ack)"));
    }
    const QImage image = window->grabWindow();
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 800 && image.height() >= 500);
    const QString file = QDir(m_artifacts).filePath(QStringLiteral("console-%1.png").arg(name));
    QVERIFY(image.save(file));
    // Real content, not a blank window: many distinct colours (text, chart, widgets).
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 8, qPrintable(QStringLiteral("%1 has only %2 colours").arg(file).arg(colours.size())));
}

// The Messages view and the Replay page show what the persistent channel "ledger" stored, as an
// operator gets there: the channel typed in, Show (Messages); Show timeline, then a replay at 1x
// into replayed.entry.> (Replay), followed to its end.
bool tst_Console::showStored(QQuickWindow *window, int page)
{
    QObject *item = window->findChild<QObject *>(page == 8 ? QStringLiteral("messagesPage") : QStringLiteral("replayPage"));
    QObject *channel = window->findChild<QObject *>(page == 8 ? QStringLiteral("messagesChannel") : QStringLiteral("replayChannel"));
    if (!item || !channel)
        return false;
    channel->setProperty("text", QStringLiteral("ledger"));
    if (page == 8) {
        QMetaObject::invokeMethod(item, "load");
        return QTest::qWaitFor([this] { return m_hub.storedMessages()->rowCount() == 3; }, 5000);
    }
    QMetaObject::invokeMethod(item, "loadTimeline");
    if (!QTest::qWaitFor([this] { return m_hub.replay()->total() == 3; }, 5000))
        return false;
    window->findChild<QObject *>(QStringLiteral("replayTarget"))->setProperty("currentIndex", 1);
    window->findChild<QObject *>(QStringLiteral("remapFrom"))->setProperty("text", QStringLiteral("entry.>"));
    window->findChild<QObject *>(QStringLiteral("remapTo"))->setProperty("text", QStringLiteral("replayed.entry.>"));
    QMetaObject::invokeMethod(window->findChild<QObject *>(QStringLiteral("replayStart")), "clicked");
    return QTest::qWaitFor([this] { return m_hub.replay()->replay().value(QStringLiteral("state")) == QLatin1String("finished"); },
                           10000)
        && m_hub.replay()->replay().value(QStringLiteral("sent")).toInt() == 3;
}

// The Messages view's model, page by page: what it asks the hub, where it keeps the pages it
// showed, and that a refusal leaves the page as it was.
void tst_Console::storedMessagesPaging()
{
    console::StoredMessagesModel *model = m_hub.storedMessages();
    model->setChannel(QStringLiteral("ledger"));
    model->setTopic(QString());
    model->setFromMs(0);
    model->setPageSize(2);
    model->reload();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
    QCOMPARE(model->page(), 1);
    QVERIFY(model->hasNext());
    QVERIFY(!model->hasPrevious());
    QCOMPARE(model->messageAt(0).value(QStringLiteral("message")).toMap().value(QStringLiteral("topic")).toString(),
             QStringLiteral("entry.1"));
    QCOMPARE(model->payloadText(0, console::PayloadFormatter::Text), QStringLiteral("kept"));
    QCOMPARE(model->index(1, 0).data(console::StoredMessagesModel::TopicRole).toString(), QStringLiteral("entry.2"));
    model->nextPage();
    QTRY_COMPARE_WITH_TIMEOUT(model->page(), 2, 5000);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, 0).data(console::StoredMessagesModel::TopicRole).toString(), QStringLiteral("entry.3"));
    QVERIFY(!model->hasNext());
    model->previousPage();
    QTRY_COMPARE_WITH_TIMEOUT(model->page(), 1, 5000);
    QCOMPARE(model->rowCount(), 2);
    // Refused: the error says why, the page stays.
    model->setChannel(QStringLiteral("nope"));
    model->reload();
    QTRY_COMPARE_WITH_TIMEOUT(model->errorCode(), QStringLiteral("CHANNEL_NOT_FOUND"), 5000);
    QVERIFY(!model->errorText().isEmpty());
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->page(), 1);
    model->setChannel(QStringLiteral("ledger"));
    model->setTopic(QStringLiteral("entry.3"));
    model->reload();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
    QVERIFY(model->errorCode().isEmpty());
}

// The Durables page's model: a durable subscription that has not acknowledged anything shows its
// position, what waits for an ack and its backlog in the journal; Delete forgets it. (The page
// itself is a row of pages(): Qt 6.4 hands a singleton instance to one QML engine, and pages()
// gets away with one engine per row only because each takes the same stack slot.)
void tst_Console::durablesPage()
{
    QAbstractItemModel *model = m_hub.durables();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 5000);
    // The replica fetches a row's roles after its count: wait for each.
    const auto cell = [this, model](const char *role) { return m_hub.rowValue(model, 0, QString::fromLatin1(role)).toString(); };
    QTRY_COMPARE_WITH_TIMEOUT(cell("name"), QStringLiteral("audit"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(cell("channel"), QStringLiteral("ledger"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(cell("waitingForAck"), QStringLiteral("3"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(cell("position"), QStringLiteral("0"), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(cell("backlog"), QStringLiteral("3"), 5000); // stored after position 0
    QVERIFY(!m_hub.rowValue(model, 0, QStringLiteral("backlogCapped")).toBool());
    QVERIFY(act([this] { m_hub.deleteDurable(QStringLiteral("audit")); }, QStringLiteral("deleteDurable"))
                .value(QStringLiteral("ok")).toBool());
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 5000);
}

void tst_Console::remoteRefusalIsShown()
{
    ConsoleController other;
    other.connectToHub(QStringLiteral("local:/nonexistent/control.sock"), QString());
    QTRY_COMPARE_WITH_TIMEOUT(other.state(), QStringLiteral("failed"), 10000);
    QCOMPARE(other.errorCode(), QStringLiteral("NOT_CONNECTED"));
    QVERIFY(!other.errorText().isEmpty());
}

QTEST_MAIN(tst_Console)
#include "tst_console.moc"
