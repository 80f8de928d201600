// SPDX-License-Identifier: Apache-2.0
#include "daemonconfig.h"

#include <QTest>

using namespace sb;
using namespace sb::daemon;

class tst_DaemonConfig : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaults();
    void issueExample();
    void full();
    void errors_data();
    void errors();
    void emptyFileMeansDefaults();
    void remote();
    void units();
    void newLimitsDefaults();
    void aclKeptRaw();
    void channelProtocols();
    void journal();
};

void tst_DaemonConfig::defaults()
{
    const DaemonConfig c = DaemonConfig::defaults();
    QCOMPARE(c.protocols, (QStringList{QStringLiteral("native"), QStringLiteral("http")}));
    QCOMPARE(c.protocolConfig.value(QStringLiteral("native")).value(QStringLiteral("tcp")).toString(),
             QStringLiteral("127.0.0.1:7400"));
    // The REST API on loopback, so that curl reaches a hub started without a config.
    QCOMPARE(c.protocolConfig.value(QStringLiteral("http")).value(QStringLiteral("listeners")).toList().value(0).toMap()
                 .value(QStringLiteral("address")).toString(),
             QStringLiteral("127.0.0.1:7480"));
    QCOMPARE(c.busType, QStringLiteral("embedded"));
}

void tst_DaemonConfig::issueExample()
{
    const QByteArray yaml = R"(communication:
  message-bus: {enabled: true, type: embedded}
  protocols: [native]
  native: {tcp: "127.0.0.1:7400", local: "switchboard"}
channels:
  - {name: platform-events, type: broadcast}
)";
    Result<DaemonConfig> c = DaemonConfig::fromYaml(yaml, QStringLiteral("switchboardd.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->protocols, QStringList{QStringLiteral("native")});
    QCOMPARE(c->protocolConfig.value(QStringLiteral("native")).value(QStringLiteral("local")).toString(),
             QStringLiteral("switchboard"));
    QCOMPARE(c->channels.size(), 1);
    QCOMPARE(c->channels[0].name, QStringLiteral("platform-events"));
    QCOMPARE(c->channels[0].type, ChannelType::Broadcast);
}

void tst_DaemonConfig::full()
{
    const QByteArray yaml = R"(communication:
  protocols: [native]
  native:
    tcp: "0.0.0.0:7400"
    queue: {max-messages: 500, overflow: disconnect}
channels:
  - name: jobs
    type: queue
    max-queue-depth: 100
    retry: {max-attempts: 2}
limits:
  max-message-size: 65536
  subscriber-queue: {max-messages: 50, max-bytes: 100000, overflow: drop-newest}
  request-timeout-ms: 1500
  dead-letter-capacity: 77
  connection-errors: 30/minute
  max-replays: 3
retry: {max-attempts: 9, initial-backoff-ms: 5}
auth:
  required: true
  tokens:
    - {name: sensor-gw, token-sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824, roles: [publisher]}
log: {level: debug}
shutdown-drain-ms: 500
)";
    Result<DaemonConfig> c = DaemonConfig::fromYaml(yaml, QStringLiteral("full.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->channels[0].maxQueueDepth, 100);
    QCOMPARE(c->channels[0].retry.maxAttempts, 2);
    QCOMPARE(c->limits.maxMessageSize, 65536);
    QCOMPARE(c->limits.subscriberQueue.maxMessages, 50);
    QCOMPARE(c->limits.subscriberQueue.policy, OverflowPolicy::DropNewest);
    QCOMPARE(c->limits.defaultRequestTimeoutMs, 1500);
    QCOMPARE(c->limits.retry.maxAttempts, 9);
    QCOMPARE(c->deadLetterCapacity, 77);
    QCOMPARE(c->limits.connectionErrorsPerSecond, 0.5);
    QCOMPARE(c->limits.maxReplays, 3);
    QVERIFY(c->authRequired);
    QCOMPARE(c->tokens.size(), 1);
    QCOMPARE(c->tokens[0].roles, QStringList{QStringLiteral("publisher")});
    QCOMPARE(c->logLevel, QStringLiteral("debug"));
    QCOMPARE(c->shutdownDrainMs, 500);
    // Values a plugin validates later still find their line.
    QCOMPARE(c->locate(QStringLiteral("communication.native.queue.overflow")), QStringLiteral("full.yaml:5: "));
}

void tst_DaemonConfig::errors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // "file:line: key" prefix of the message
    QTest::addRow("syntax") << QByteArray("channels: [\n  {name: a\n") << "t.yaml:3: YAML syntax error";
    QTest::addRow("unknown top key") << QByteArray("comunication: {}\n") << "t.yaml:1: comunication: unknown key";
    QTest::addRow("bus type") << QByteArray("communication:\n  message-bus: {enabled: true, type: kafka}\n")
                              << "t.yaml:2: communication.message-bus.type";
    QTest::addRow("bus disabled") << QByteArray("communication:\n  message-bus:\n    enabled: false\n")
                                  << "t.yaml:3: communication.message-bus.enabled";
    QTest::addRow("protocols not list") << QByteArray("communication:\n  protocols: native\n")
                                        << "t.yaml:2: communication.protocols";
    QTest::addRow("section without protocol") << QByteArray("communication:\n  protocols: [native]\n  mqtt: {}\n")
                                              << "t.yaml:3: communication.mqtt";
    QTest::addRow("channel type") << QByteArray("channels:\n  - name: a\n    type: fanout\n")
                                  << "t.yaml:3: channels[0]";
    QTest::addRow("duplicate channel") << QByteArray("channels:\n  - {name: a}\n  - {name: a}\n")
                                       << "t.yaml:3: channels[1].name";
    QTest::addRow("connection-errors not a rate") << QByteArray("limits:\n  connection-errors: lots\n")
                                                  << "t.yaml:2: limits.connection-errors";
    QTest::addRow("limit not number") << QByteArray("limits:\n  max-message-size: big\n")
                                      << "t.yaml:2: limits.max-message-size";
    QTest::addRow("bad overflow") << QByteArray("limits:\n  subscriber-queue:\n    overflow: explode\n")
                                  << "t.yaml:3: limits.subscriber-queue.overflow";
    QTest::addRow("plain token") << QByteArray("auth:\n  tokens:\n    - {name: a, token: hunter2}\n")
                                 << "t.yaml:3: auth.tokens[0].token";
    QTest::addRow("bad digest") << QByteArray("auth:\n  tokens:\n    - {name: a, token-sha256: abc}\n")
                                << "t.yaml:3: auth.tokens[0].token-sha256";
    QTest::addRow("log level") << QByteArray("log: {level: loud}\n") << "t.yaml:1: log.level";
    QTest::addRow("remote not map") << QByteArray("remote: yes\n") << "t.yaml:1: remote: must be a map";
    QTest::addRow("remote unknown key") << QByteArray("remote:\n  port: 7411\n") << "t.yaml:2: remote.port: unknown key";
    QTest::addRow("remote tcp not host:port") << QByteArray("remote:\n  tcp: 7411\n") << "t.yaml:2: remote.tcp: \"7411\" is not host:port";
    QTest::addRow("remote tcp without tls") << QByteArray("remote:\n  tcp: \"0.0.0.0:7411\"\n")
                                           << "t.yaml:2: remote.tcp: needs remote.tls";
    QTest::addRow("remote tcp without admin token")
        << QByteArray("remote:\n  tcp: \"0.0.0.0:7411\"\n  tls: {cert: c.pem, key: k.pem}\n")
        << "t.yaml:2: remote.tcp: needs at least one token in auth.tokens with the role \"admin\"";
    QTest::addRow("remote tls half") << QByteArray("remote:\n  tls: {cert: c.pem}\n") << "t.yaml:2: remote.tls: needs both cert and key";
    QTest::addRow("remote snapshot interval") << QByteArray("remote:\n  snapshot-interval-ms: 5\n")
                                             << "t.yaml:2: remote.snapshot-interval-ms: must be an integer from 50";
    QTest::addRow("remote nothing to listen on") << QByteArray("remote:\n  local: \"\"\n") << "t.yaml:2: remote: is enabled but neither";
    QTest::addRow("unknown top key lists acl") << QByteArray("acls: {}\n") << "t.yaml:1: acls: unknown key (expected one of communication, channels, limits, retry, auth, log, shutdown-drain-ms, remote, acl, journal)";
    QTest::addRow("journal not map") << QByteArray("journal: on\n") << "t.yaml:1: journal: must be a map";
    QTest::addRow("journal budget") << QByteArray("journal:\n  disk-budget: lots\n")
                                    << "t.yaml:2: journal.disk-budget: \"lots\" is not a size";
    QTest::addRow("journal budget small") << QByteArray("journal:\n  disk-budget: 10KiB\n")
                                          << "t.yaml:2: journal.disk-budget: must be at least 1MiB";
    QTest::addRow("journal pending over budget")
        << QByteArray("journal:\n  disk-budget: 8MiB\n  max-pending-bytes: 16MiB\n")
        << "t.yaml:3: journal.max-pending-bytes: must not exceed journal.disk-budget";
    QTest::addRow("journal on-corrupt") << QByteArray("journal:\n  on-corrupt: ignore\n")
                                        << "t.yaml:2: journal.on-corrupt: \"ignore\" is not refuse or move-aside";
    QTest::addRow("journal spin-wait unit") << QByteArray("journal:\n  spin-wait: 1m\n")
                                            << "t.yaml:2: journal.spin-wait: \"1m\" is not a duration";
    QTest::addRow("journal spin-wait long") << QByteArray("journal:\n  spin-wait: 20ms\n")
                                            << "t.yaml:2: journal.spin-wait: must be at most 10ms (0 turns it off)";
    QTest::addRow("journal unknown") << QByteArray("journal:\n  size: 1GiB\n")
                                     << "t.yaml:2: journal.size: unknown key (expected enabled, path, disk-budget";
    QTest::addRow("journal topic pattern") << QByteArray("journal:\n  topics:\n    patterns: [\"a..b\"]\n")
                                           << "t.yaml:3: journal.topics.patterns: ";
    QTest::addRow("journal topic fsync") << QByteArray("journal:\n  topics:\n    fsync: sometimes\n")
                                         << "t.yaml:3: journal.topics.fsync: \"sometimes\" is not a sync policy";
    QTest::addRow("channel persistent queue")
        << QByteArray("channels:\n  - {name: jobs, type: queue, persistent: true}\n")
        << "t.yaml:2: channels[0]: channel \"jobs\": persistent: a persistent channel is a topic or broadcast channel";
    QTest::addRow("channel fsync") << QByteArray("channels:\n  - {name: o, persistent: true, fsync: batch}\n")
                                   << "t.yaml:2: channels[0]: channel \"o\": fsync: \"batch\" is not a sync policy";
    QTest::addRow("acl not map") << QByteArray("acl: [a]\n") << "t.yaml:1: acl: must be a map";
    QTest::addRow("size garbage") << QByteArray("limits:\n  max-queue-bytes: lots\n")
                                  << "t.yaml:2: limits.max-queue-bytes: \"lots\" is not a size";
    QTest::addRow("size unit") << QByteArray("limits:\n  dead-letter-max-bytes: 16 megs\n")
                               << "t.yaml:2: limits.dead-letter-max-bytes: \"16 megs\" is not a size";
    QTest::addRow("size negative") << QByteArray("limits:\n  topic-stats-max-bytes: -1MiB\n")
                                   << "t.yaml:2: limits.topic-stats-max-bytes: \"-1MiB\" is negative";
    QTest::addRow("size zero") << QByteArray("limits:\n  max-message-size: 0B\n")
                               << "t.yaml:2: limits.max-message-size: must be more than 0";
    QTest::addRow("duration unit") << QByteArray("limits:\n  request-timeout-ms: 5 sec\n")
                                   << "t.yaml:2: limits.request-timeout-ms: \"5 sec\" is not a duration";
    QTest::addRow("duration beyond int") << QByteArray("limits:\n  max-request-timeout-ms: 30d\n")
                                         << "t.yaml:2: limits.max-request-timeout-ms: is too large";
    QTest::addRow("count not number") << QByteArray("limits:\n  max-subscriptions-per-connection: many\n")
                                      << "t.yaml:2: limits.max-subscriptions-per-connection: must be a positive integer";
    QTest::addRow("count zero") << QByteArray("limits:\n  max-pending-requests-per-connection: 0\n")
                                << "t.yaml:2: limits.max-pending-requests-per-connection: must be a positive integer";
    QTest::addRow("count beyond int") << QByteArray("limits:\n  max-queue-depth: 9999999999\n")
                                      << "t.yaml:2: limits.max-queue-depth: is too large";
    QTest::addRow("unknown limit") << QByteArray("limits:\n  max-queue-size: 1\n")
                                   << "t.yaml:2: limits.max-queue-size: unknown key (expected subscriber-queue, connection-errors, max-message-size";
    QTest::addRow("queue bytes unit") << QByteArray("limits:\n  subscriber-queue:\n    max-bytes: 64M\n")
                                      << "t.yaml:3: limits.subscriber-queue.max-bytes: \"64M\" is not a size";
    QTest::addRow("retry backoff unit") << QByteArray("retry:\n  initial-backoff-ms: 1 jiffy\n")
                                        << "t.yaml:2: retry.initial-backoff-ms: \"1 jiffy\" is not a duration";
    QTest::addRow("shutdown drain unit") << QByteArray("shutdown-drain-ms: 2 fortnights\n")
                                         << "t.yaml:1: shutdown-drain-ms: \"2 fortnights\" is not a duration";
    QTest::addRow("shutdown drain negative") << QByteArray("shutdown-drain-ms: -5\n")
                                             << "t.yaml:1: shutdown-drain-ms: \"-5\" is negative";
    QTest::addRow("remote snapshot unit") << QByteArray("remote:\n  snapshot-interval-ms: 2 ticks\n")
                                          << "t.yaml:2: remote.snapshot-interval-ms: \"2 ticks\" is not a duration";
    QTest::addRow("remote snapshot too long") << QByteArray("remote:\n  snapshot-interval-ms: 2m\n")
                                              << "t.yaml:2: remote.snapshot-interval-ms: must be an integer from 50";
    QTest::addRow("channel size unit") << QByteArray("channels:\n  - name: a\n    max-message-size: 1 lot\n")
                                       << "t.yaml:3: channels[0]: channel \"a\": max-message-size: \"1 lot\" is not a size";
    QTest::addRow("channel ttl unit") << QByteArray("channels:\n  - name: a\n    ttl-ms: 1 week\n")
                                      << "t.yaml:3: channels[0]: channel \"a\": ttl-ms:";
    QTest::addRow("channel protocol name") << QByteArray("channels:\n  - name: a\n    protocols: [native, HTTP]\n")
                                           << "t.yaml:3: channels[0]: channel \"a\": protocols: \"HTTP\" is not a protocol name";
    // Nested aliases: 500 bytes that would expand to 10^9 values (a fuzz_daemon_config regression seed).
    QByteArray laughs("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 9; ++i) {
        laughs += "a" + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [";
        for (int j = 0; j < 10; ++j)
            laughs += (j ? ", *a" : "*a") + QByteArray::number(i - 1);
        laughs += "]\n";
    }
    QTest::addRow("nested too deep") << QByteArray("a: " + QByteArray(2000, '[') + QByteArray(2000, ']') + "\n")
                                     << "t.yaml:1: YAML nested too deeply";
    // An alias inside its own anchor: a cycle (found by fuzz_daemon_config).
    QTest::addRow("alias cycle") << QByteArray("a: &a [x]\nb: &a [*a, *a]\n")
                                 << "t.yaml: the file nests more than 64 levels deep";
    QTest::addRow("alias expansion") << laughs << "t.yaml: the file expands to more than 100000 values";
}

void tst_DaemonConfig::errors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    Result<DaemonConfig> c = DaemonConfig::fromYaml(yaml, QStringLiteral("t.yaml"));
    QVERIFY(!c);
    QCOMPARE(c.error().code, ErrorCode::InvalidConfig);
    QVERIFY2(c.error().message.startsWith(expected), qPrintable(c.error().message));
}

void tst_DaemonConfig::remote()
{
    // Off in a file without a "remote" section, on (local socket) in the built-in defaults.
    QVERIFY(DaemonConfig::defaults().remote.enabled);
    Result<DaemonConfig> c = DaemonConfig::fromYaml("log: {level: info}\n", QStringLiteral("t.yaml"));
    QVERIFY(c);
    QVERIFY(!c->remote.enabled);
    c = DaemonConfig::fromYaml("auth:\n  tokens:\n    - {name: ops, token-sha256: "
                               "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b, roles: [admin]}\n"
                               "remote:\n  local: /run/sb/control.sock\n  local-requires-token: true\n"
                               "  tcp: \"0.0.0.0:7411\"\n  tls: {cert: c.pem, key: k.pem}\n  max-replicas: 4\n",
                               QStringLiteral("t.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QVERIFY(c->remote.enabled);
    QCOMPARE(c->remote.local, QStringLiteral("/run/sb/control.sock"));
    QVERIFY(c->remote.localRequiresToken);
    QCOMPARE(c->remote.tcpHost, QStringLiteral("0.0.0.0"));
    QCOMPARE(c->remote.tcpPort, quint16(7411));
    QCOMPARE(c->remote.tlsKey, QStringLiteral("k.pem"));
    QCOMPARE(c->remote.maxReplicas, 4);
}

void tst_DaemonConfig::emptyFileMeansDefaults()
{
    Result<DaemonConfig> c = DaemonConfig::fromYaml(QByteArray(), QStringLiteral("empty.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->protocols, (QStringList{QStringLiteral("native"), QStringLiteral("http")}));
    QVERIFY(c->protocolConfig.contains(QStringLiteral("native")));
    QVERIFY(c->protocolConfig.contains(QStringLiteral("http")));
}

void tst_DaemonConfig::units()
{
    const QByteArray yaml = R"(channels:
  - {name: jobs, type: queue, max-message-size: 64KiB, ttl-ms: 10m}
limits:
  max-message-size: 4MiB
  max-queue-bytes: 1GiB
  subscriber-queue: {max-messages: 50, max-bytes: 32MiB}
  request-timeout-ms: 5s
  max-request-timeout-ms: 10m
  dead-letter-max-bytes: 10MB
  topic-stats-max-bytes: 512KiB
  max-subscriptions-per-connection: 200
  max-pending-requests-per-connection: 300
retry: {initial-backoff-ms: 250ms, max-backoff-ms: 1m}
shutdown-drain-ms: 3s
remote:
  local: sb-test
  snapshot-interval-ms: 2s
)";
    Result<DaemonConfig> c = DaemonConfig::fromYaml(yaml, QStringLiteral("units.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->channels[0].maxMessageSize, 64 * 1024);
    QCOMPARE(c->channels[0].ttlMs, 600000);
    QCOMPARE(c->limits.maxMessageSize, 4 * 1024 * 1024);
    QCOMPARE(c->limits.maxQueueBytes, qint64(1) << 30);
    QCOMPARE(c->limits.subscriberQueue.maxBytes, 32 * 1024 * 1024);
    QCOMPARE(c->limits.defaultRequestTimeoutMs, 5000);
    QCOMPARE(c->limits.maxRequestTimeoutMs, 600000);
    QCOMPARE(c->deadLetterMaxBytes, 10000000);
    QCOMPARE(c->topicStatsMaxBytes, 512 * 1024);
    QCOMPARE(c->limits.maxSubscriptionsPerConnection, 200);
    QCOMPARE(c->limits.maxPendingRequestsPerConnection, 300);
    QCOMPARE(c->limits.retry.initialBackoffMs, 250);
    QCOMPARE(c->limits.retry.maxBackoffMs, 60000);
    QCOMPARE(c->shutdownDrainMs, 3000);
    QCOMPARE(c->remote.snapshotIntervalMs, 2000);

    // Plain integers keep today's meaning: bytes and milliseconds.
    c = DaemonConfig::fromYaml("limits: {max-message-size: 1000, max-queue-bytes: 2048, request-timeout-ms: 1500}\n"
                               "shutdown-drain-ms: 0\n",
                               QStringLiteral("plain.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->limits.maxMessageSize, 1000);
    QCOMPARE(c->limits.maxQueueBytes, 2048);
    QCOMPARE(c->limits.defaultRequestTimeoutMs, 1500);
    QCOMPARE(c->shutdownDrainMs, 0);
}

void tst_DaemonConfig::newLimitsDefaults()
{
    for (const DaemonConfig &c : {DaemonConfig::defaults(), DaemonConfig::fromYaml("log: {level: info}\n", QStringLiteral("t.yaml")).value()}) {
        // The defaults fit a 256 MB board (docs/CONTRACTS.md, "Memory budget").
        QCOMPARE(c.limits.maxQueueBytes, 16 * 1024 * 1024);
        QCOMPARE(c.limits.maxSubscriptionsPerConnection, 1000);
        QCOMPARE(c.limits.maxPendingRequestsPerConnection, 1000);
        QCOMPARE(c.limits.maxSubscriptions, 10000);
        QCOMPARE(c.limits.maxPendingRequests, 10000);
        QCOMPARE(c.maxBufferedBytes, 80 * 1024 * 1024);
        QCOMPARE(c.deadLetterMaxBytes, 16 * 1024 * 1024);
        QCOMPARE(c.topicStatsMaxBytes, 16 * 1024 * 1024);
        QVERIFY(c.acl.isEmpty());
    }
}

void tst_DaemonConfig::aclKeptRaw()
{
    const QByteArray yaml = R"(log: {level: info}
acl:
  roles:
    sensors:
      - {allow: [publish], topics: ["sensors.>"]}
)";
    Result<DaemonConfig> c = DaemonConfig::fromYaml(yaml, QStringLiteral("acl.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    const QVariantList rules = c->acl.value(QStringLiteral("roles")).toMap().value(QStringLiteral("sensors")).toList();
    QCOMPARE(rules.size(), 1);
    QCOMPARE(rules[0].toMap().value(QStringLiteral("topics")).toStringList(), QStringList{QStringLiteral("sensors.>")});
    QCOMPARE(c->locate(QStringLiteral("acl.roles.sensors[0]")), QStringLiteral("acl.yaml:5: "));

    // An invalid rule is refused with its file and line, so --check-config and reloads catch it.
    Result<DaemonConfig> bad = DaemonConfig::fromYaml(R"(acl:
  roles:
    sensors:
      - {allow: [publish], topics: ["sensors.>.x"]}
      - {allow: [fly]}
)",
                                                      QStringLiteral("bad.yaml"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::InvalidConfig);
    QVERIFY2(bad.error().message.startsWith(QLatin1String("bad.yaml:4: acl.roles.sensors[0].topics[0]")),
             qPrintable(bad.error().message));
    Result<DaemonConfig> unknown = DaemonConfig::fromYaml("acl:\n  default: deny\n", QStringLiteral("u.yaml"));
    QVERIFY(!unknown);
    QVERIFY2(unknown.error().message.contains(QLatin1String("u.yaml:2: acl.default: unknown key")),
             qPrintable(unknown.error().message));
}

void tst_DaemonConfig::channelProtocols()
{
    Result<DaemonConfig> c = DaemonConfig::fromYaml("channels:\n  - {name: a, protocols: [native, mqtt]}\n  - {name: b}\n",
                                                    QStringLiteral("t.yaml"));
    QVERIFY2(c, qPrintable(c.errorString()));
    QCOMPARE(c->channels[0].protocols, (QStringList{QStringLiteral("native"), QStringLiteral("mqtt")}));
    QVERIFY(c->channels[1].protocols.isEmpty());
}


void tst_DaemonConfig::journal()
{
    Result<DaemonConfig> d = DaemonConfig::fromYaml("channels: []\n", QStringLiteral("t.yaml"));
    QVERIFY(d);
    QVERIFY(d->journal.enabled);
    QCOMPARE(d->journal.diskBudget, 1024LL * 1024 * 1024);
    QVERIFY(!d->journal.moveAsideCorrupt);
    QCOMPARE(d->journal.spinWaitUs, qint64(1000));
    QVERIFY(!d->journal.topicPolicy.persistent);
    qputenv("STATE_DIRECTORY", "/var/lib/switchboard");
    QCOMPARE(d->journal.resolvedPath(), QStringLiteral("/var/lib/switchboard/journal"));
    qunsetenv("STATE_DIRECTORY");
    QVERIFY(d->journal.resolvedPath().endsWith(QLatin1String("/switchboard/journal")));

    Result<DaemonConfig> c = DaemonConfig::fromYaml(
        "journal:\n"
        "  path: /tmp/sbj\n"
        "  disk-budget: 2GiB\n"
        "  max-pending-bytes: 8MiB\n"
        "  on-corrupt: move-aside\n"
        "  spin-wait: 0\n"
        "  topics:\n"
        "    patterns: [\"sensor.>\", \"door.*\"]\n"
        "    fsync: {batch: 50ms}\n"
        "    retention: {max-age: 7d, max-bytes: 256MiB}\n"
        "channels:\n"
        "  - {name: orders, type: topic, persistent: true, fsync: always, retention: {max-age: 7d, max-bytes: 256MiB}}\n",
        QStringLiteral("t.yaml"));
    QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
    QCOMPARE(c->journal.resolvedPath(), QStringLiteral("/tmp/sbj"));
    QCOMPARE(c->journal.diskBudget, 2LL * 1024 * 1024 * 1024);
    QCOMPARE(c->journal.maxPendingBytes, 8LL * 1024 * 1024);
    QVERIFY(c->journal.moveAsideCorrupt);
    QCOMPARE(c->journal.spinWaitUs, qint64(0));
    QCOMPARE(c->journal.topicPatterns, (QStringList{QStringLiteral("sensor.>"), QStringLiteral("door.*")}));
    QVERIFY(c->journal.topicPolicy.persistent);
    QCOMPARE(c->journal.topicPolicy.sync.mode, SyncPolicy::Mode::Batch);
    QCOMPARE(c->journal.topicPolicy.sync.batchMs, 50);
    QCOMPARE(c->journal.topicPolicy.retention.maxAgeMs, 7LL * 24 * 3600 * 1000);
    QCOMPARE(c->channels.size(), 1);
    QVERIFY(c->channels[0].persistence.persistent);
    QCOMPARE(c->channels[0].persistence.retention.maxBytes, 256LL * 1024 * 1024);
}

QTEST_GUILESS_MAIN(tst_DaemonConfig)
#include "tst_daemonconfig.moc"
