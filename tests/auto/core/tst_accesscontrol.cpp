// SPDX-License-Identifier: Apache-2.0
#include <switchboard/accesscontrol.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sb;

class tst_AccessControl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void covers_data();
    void covers();
    void overlaps_data();
    void overlaps();
    void builtInRoles();
    void denyWins();
    void channelPatterns();
    void requireAuth();
    void deniedWithin();
    void config_data();
    void config();
};

void tst_AccessControl::covers_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("sub");
    QTest::addColumn<bool>("covered");
    QTest::addRow("equal") << "a.b" << "a.b" << true;
    QTest::addRow("rest covers all below") << "a.>" << "a.b.*" << true;
    QTest::addRow("rest covers rest") << "a.>" << "a.>" << true;
    QTest::addRow("rest needs a segment") << "a.>" << "a" << false;
    QTest::addRow("star covers one") << "a.*" << "a.b" << true;
    QTest::addRow("star covers star") << "a.*" << "a.*" << true;
    QTest::addRow("star not rest") << "a.*" << "a.>" << false;
    QTest::addRow("literal not star") << "a.b" << "a.*" << false;
    QTest::addRow("other branch") << "a.>" << "b.c" << false;
    QTest::addRow("longer") << "a.b" << "a.b.c" << false;
    QTest::addRow("everything") << ">" << "$sb.deadletter.x" << true;
}

void tst_AccessControl::covers()
{
    QFETCH(QString, pattern);
    QFETCH(QString, sub);
    QFETCH(bool, covered);
    QCOMPARE(AccessControl::covers(pattern, sub), covered);
}

void tst_AccessControl::overlaps_data()
{
    QTest::addColumn<QString>("a");
    QTest::addColumn<QString>("b");
    QTest::addColumn<bool>("overlap");
    QTest::addRow("all and reserved") << ">" << "$sb.>" << true;
    QTest::addRow("star and literal") << "a.*.c" << "a.b.>" << true;
    QTest::addRow("disjoint") << "a.>" << "b.>" << false;
    QTest::addRow("lengths") << "a.*" << "a.b.c" << false;
    QTest::addRow("same") << "x.y" << "x.y" << true;
}

void tst_AccessControl::overlaps()
{
    QFETCH(QString, a);
    QFETCH(QString, b);
    QFETCH(bool, overlap);
    QCOMPARE(AccessControl::overlaps(a, b), overlap);
    QCOMPARE(AccessControl::overlaps(b, a), overlap);
}

void tst_AccessControl::builtInRoles()
{
    AccessControl acl;
    const Principal anon = Principal::anonymous(QStringLiteral("native"));
    QVERIFY(acl.authorize(anon, Action::Publish, QString(), QStringLiteral("a.b")));
    QVERIFY(acl.authorize(anon, Action::Subscribe, QStringLiteral("jobs"), QStringLiteral("a.>")));
    QCOMPARE(acl.authorize(anon, Action::Subscribe, QString(), QStringLiteral("$sb.>")).error().code, ErrorCode::Forbidden);
    QVERIFY(acl.authorize(anon, Action::Request, QString(), QStringLiteral("svc")));
    QCOMPARE(acl.authorize(anon, Action::Request, QString(), QStringLiteral("$sb.x")).error().code, ErrorCode::Forbidden);
    QCOMPARE(acl.authorize(anon, Action::Reply, QString(), QStringLiteral("svc")).error().code, ErrorCode::Forbidden);
    QCOMPARE(acl.authorize(anon, Action::Administer, QStringLiteral("jobs"), QString()).error().code, ErrorCode::Forbidden);
    const Principal admin = Principal::inProcess(QStringLiteral("ops"));
    for (Action a : {Action::Publish, Action::Subscribe, Action::Request, Action::Reply, Action::Administer})
        QVERIFY(acl.authorize(admin, a, QStringLiteral("jobs"), QStringLiteral("$sb.>")));
    QVERIFY(acl.authorize(Principal::hub(), Action::Administer, QStringLiteral("x"), QString()));
    // A token without a known role is no worse off than no token while auth is optional.
    Principal tokenOnly = Principal::fromIdentity({QStringLiteral("dev"), true, {QStringLiteral("nobody-knows")}},
                                                  QStringLiteral("native"));
    QVERIFY(acl.authorize(tokenOnly, Action::Publish, QString(), QStringLiteral("a")));
}

void tst_AccessControl::denyWins()
{
    AccessControl acl;
    acl.setRules(QStringLiteral("sensors"),
                 {AccessControl::Rule{true, quint8(Action::Publish), {}, {QStringLiteral("sensors.>")}},
                  AccessControl::Rule{false, quint8(Action::Publish), {}, {QStringLiteral("sensors.secret.>")}}});
    acl.setRules(QStringLiteral("wide"), {AccessControl::Rule{true, quint8(Action::Publish), {}, {}}});
    acl.setRequireAuth(true);
    Principal p = Principal::fromIdentity({QStringLiteral("gw"), true, {QStringLiteral("sensors"), QStringLiteral("wide")}},
                                          QStringLiteral("native"));
    QVERIFY(acl.authorize(p, Action::Publish, QString(), QStringLiteral("sensors.t1")));
    QVERIFY(acl.authorize(p, Action::Publish, QString(), QStringLiteral("other")));
    const Status st = acl.authorize(p, Action::Publish, QString(), QStringLiteral("sensors.secret.k"));
    QCOMPARE(st.error().code, ErrorCode::Forbidden);
    QCOMPARE(st.error().details.value(QStringLiteral("role")).toString(), QStringLiteral("sensors"));
    QVERIFY(st.error().message.contains(QLatin1String("gw may not publish")));
    // Nothing allows subscribe: default deny.
    QCOMPARE(acl.authorize(p, Action::Subscribe, QString(), QStringLiteral("sensors.>")).error().code, ErrorCode::Forbidden);
}

void tst_AccessControl::channelPatterns()
{
    AccessControl acl;
    acl.setRequireAuth(true);
    acl.setRules(QStringLiteral("worker"),
                 {AccessControl::Rule{true, quint8(Action::Subscribe), {QStringLiteral("jobs.*")}, {}},
                  AccessControl::Rule{true, quint8(Action::Publish), {QString()}, {QStringLiteral("status.>")}}});
    Principal p = Principal::fromIdentity({QStringLiteral("w"), true, {QStringLiteral("worker")}}, QStringLiteral("native"));
    QVERIFY(acl.authorize(p, Action::Subscribe, QStringLiteral("jobs.eu"), QString()));
    QVERIFY(!acl.authorize(p, Action::Subscribe, QStringLiteral("jobs"), QString()));
    QVERIFY(!acl.authorize(p, Action::Subscribe, QString(), QStringLiteral("a")));
    QVERIFY(acl.authorize(p, Action::Publish, QString(), QStringLiteral("status.w")));        // "" is the default space
    QVERIFY(!acl.authorize(p, Action::Publish, QStringLiteral("jobs.eu"), QStringLiteral("status.w")));
    // Subscriptions need the whole pattern inside an allowed one.
    acl.setRules(QStringLiteral("reader"), {AccessControl::Rule{true, quint8(Action::Subscribe), {}, {QStringLiteral("a.*")}}});
    Principal r = Principal::fromIdentity({QStringLiteral("r"), true, {QStringLiteral("reader")}}, QStringLiteral("native"));
    QVERIFY(acl.authorize(r, Action::Subscribe, QString(), QStringLiteral("a.b")));
    QVERIFY(acl.authorize(r, Action::Subscribe, QString(), QStringLiteral("a.*")));
    QVERIFY(!acl.authorize(r, Action::Subscribe, QString(), QStringLiteral("a.>")));
}

void tst_AccessControl::requireAuth()
{
    AccessControl acl;
    acl.setRequireAuth(true);
    const Principal anon = Principal::anonymous(QStringLiteral("native"));
    QCOMPARE(acl.authorize(anon, Action::Publish, QString(), QStringLiteral("a")).error().code, ErrorCode::Forbidden);
    Principal noRole = Principal::fromIdentity({QStringLiteral("dev"), true, {}}, QStringLiteral("native"));
    QCOMPARE(acl.authorize(noRole, Action::Publish, QString(), QStringLiteral("a")).error().code, ErrorCode::Forbidden);
}

void tst_AccessControl::deniedWithin()
{
    AccessControl acl;
    const Principal anon = Principal::anonymous(QStringLiteral("native"));
    // ">" is allowed for anonymous, but the advisories under it are withheld.
    QVERIFY(acl.authorize(anon, Action::Subscribe, QString(), QStringLiteral(">")));
    QCOMPARE(acl.deniedWithin(anon, QString(), QStringLiteral(">")), QStringList{QStringLiteral("$sb.>")});
    QVERIFY(acl.deniedWithin(anon, QString(), QStringLiteral("sensors.>")).isEmpty());
    QVERIFY(acl.deniedWithin(Principal::inProcess(QStringLiteral("ops")), QString(), QStringLiteral(">")).isEmpty());
}

void tst_AccessControl::config_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("error"); // empty: valid
    QTest::addRow("valid") << R"({"roles":{"s":[{"allow":["publish","subscribe"],"topics":["s.>"]},{"deny":"all","channels":["", "ops.*"]}]}})" << "";
    QTest::addRow("unknown top key") << R"({"rules":[]})" << "rules: unknown key";
    QTest::addRow("roles not map") << R"({"roles":[]})" << "roles: must be a map";
    QTest::addRow("rules not list") << R"({"roles":{"s":{}}})" << "roles.s: must be a list";
    QTest::addRow("both allow and deny") << R"({"roles":{"s":[{"allow":["publish"],"deny":["publish"]}]}})" << "roles.s[0]: a rule needs exactly one";
    QTest::addRow("unknown action") << R"({"roles":{"s":[{"allow":["fly"]}]}})" << "roles.s[0].allow: \"fly\" is not an action";
    QTest::addRow("bad topic") << R"({"roles":{"s":[{"allow":["publish"],"topics":["a.>.b"]}]}})" << "roles.s[0].topics[0]:";
    QTest::addRow("unknown rule key") << R"({"roles":{"s":[{"allow":["publish"],"topic":["a"]}]}})" << "roles.s[0].topic: unknown key";
}

void tst_AccessControl::config()
{
    QFETCH(QString, json);
    QFETCH(QString, error);
    const QVariantMap map = QJsonDocument::fromJson(json.toUtf8()).object().toVariantMap();
    Result<AccessControl> acl = AccessControl::fromVariantMap(map);
    if (error.isEmpty()) {
        QVERIFY2(acl, qPrintable(acl.errorString()));
        QCOMPARE(acl->rules(QStringLiteral("s")).size(), 2);
        QVERIFY(!acl->rules(QStringLiteral("s"))[1].allow);
        QVERIFY(acl->rules(QStringLiteral("anonymous")).size() == 2); // built-ins stay unless replaced
        QVERIFY(acl->toVariantMap().value(QStringLiteral("roles")).toMap().contains(QStringLiteral("s")));
    } else {
        QVERIFY(!acl);
        QCOMPARE(acl.error().code, ErrorCode::InvalidConfig);
        QVERIFY2(acl.error().message.startsWith(error), qPrintable(acl.error().message));
    }
}

QTEST_GUILESS_MAIN(tst_AccessControl)
#include "tst_accesscontrol.moc"
