// SPDX-License-Identifier: Apache-2.0
#include "sbctl.h"

#include <remoteclient.h>
#include <remoteresult.h>

#include <switchboard/tls.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>

namespace sb::sbctl {

QString takeOption(QStringList &args, const QString &name, const QString &def, bool *present, QString *error)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == name) {
            if (i + 1 >= args.size()) {
                if (error)
                    *error = QStringLiteral("%1 needs a value").arg(name);
                args.removeAt(i);
                return def;
            }
            const QString v = args.at(i + 1);
            args.remove(i, 2);
            if (present)
                *present = true;
            return v;
        }
        if (a.startsWith(name + QLatin1Char('='))) {
            const QString v = a.mid(name.size() + 1);
            args.removeAt(i);
            if (present)
                *present = true;
            return v;
        }
    }
    if (present)
        *present = false;
    return def;
}

bool takeFlag(QStringList &args, const QString &name)
{
    return args.removeAll(name) > 0;
}

namespace {

ExitCode exitCodeFor(const Error &e)
{
    switch (e.code) {
    case ErrorCode::NotConnected:
        return ExitUnavailable;
    case ErrorCode::Timeout:
        return ExitTimeout;
    case ErrorCode::Unauthenticated:
    case ErrorCode::Forbidden:
        return ExitNoPermission;
    default:
        return ExitFailed;
    }
}

volatile std::sig_atomic_t g_interrupted = 0;
void onInterrupt(int)
{
    g_interrupted = 1;
}

} // namespace

// One table or status cell: numbers with one decimal, maps and lists as compact JSON.
QString cell(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Double:
        return QString::number(v.toDouble(), 'f', 1);
    case QMetaType::QVariantMap:
    case QMetaType::QVariantList:
        return QString::fromUtf8(QJsonDocument(QJsonValue::fromVariant(v).toObject()).toJson(QJsonDocument::Compact));
    case QMetaType::Bool:
        return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
    default:
        return v.toString();
    }
}

Sbctl::Sbctl(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{
}

QString Sbctl::usage()
{
    return QStringLiteral(
        "Usage: sbctl [--hub ADDRESS] [--token-file FILE] [--ca FILE] [--cert FILE --key FILE] [--json] [--timeout MS] COMMAND\n"
        "\n"
        "Commands:\n"
        "  status                                   hub version, rates, counts and plugins\n"
        "  channels list\n"
        "  channels create NAME [--type topic|broadcast|queue|point-to-point] [--description TEXT]\n"
        "                       [--max-message-size BYTES] [--max-queue-depth N] [--ttl-ms MS] [--require-auth]\n"
        "  channels delete NAME\n"
        "  topics list [PATTERN] [--limit N]\n"
        "  connections list | connections close ID [--reason TEXT]\n"
        "  publish TOPIC [PAYLOAD] [--channel NAME] [--content-type TYPE] [--header KEY=VALUE]... (no PAYLOAD: stdin)\n"
        "  deadletters list [--limit N] | show ID | requeue ID... | purge ID... | purge --all\n"
        "  watch PATTERN [--channel NAME] [--count N] [--max-rate N]  (until Ctrl-C or N messages)\n"
        "  reload                                   re-read the hub's configuration file\n"
        "  keys create NAME [--role ROLE]... | keys list | keys revoke ID   API keys (auth.api-keys)\n"
        "  messages [CHANNEL] [--topic PATTERN] [--after-seq N] [--limit N]   stored messages (no CHANNEL: default space)\n"
        "  timeline [CHANNEL] [--topic PATTERN] [--from TIME] [--to TIME] [--buckets N]   stored messages per span of time\n"
        "  durables list | durables delete NAME     durable subscriptions: position, waiting for ack, backlog\n"
        "  journal check                            a full check of the journal's database\n"
        "  replay start [CHANNEL] [--topic PATTERN] [--from TIME] [--to TIME] [--after-seq N] [--to-seq N]\n"
        "               [--speed 0.1-100|max] [--remap FROM=TO] [--target-channel NAME] [--subscription ID]\n"
        "               [--store] [--detach]    replay stored messages; follows with a progress line\n"
        "  replay list | status ID | follow ID | pause ID | resume ID | stop ID | seek ID --after-seq N|--from TIME\n"
        "\n"
        "ADDRESS: local:<name or path> or tls://host:port (default: $SWITCHBOARD_HUB, else local:switchboard-control).\n"
        "The token comes from --token-file or $SWITCHBOARD_TOKEN; a local socket needs none unless the hub says so.\n"
        "--cert and --key: a client certificate (PEM) for a hub whose remote.tls has a client-ca.\n"
        "Exit codes: 0 ok, 1 refused by the hub, 64 usage, 69 no hub, 75 timeout, 77 not authorized.\n");
}

int Sbctl::usageError(const QString &why)
{
    m_err << "sbctl: " << why << "\n" << usage();
    m_err.flush();
    return ExitUsage;
}

int Sbctl::fail(const Error &error)
{
    if (m_json) {
        m_out << QJsonDocument(QJsonObject::fromVariantMap(remote::RemoteResult::failure(error))).toJson(QJsonDocument::Compact)
              << "\n";
        m_out.flush();
    }
    m_err << "sbctl: " << error.codeName() << ": " << error.message << "\n";
    m_err.flush();
    return exitCodeFor(error);
}

int Sbctl::printResult(const QVariantMap &answer, const std::function<void(const QVariantMap &)> &human)
{
    const Error e = remote::RemoteResult::errorOf(answer);
    if (e.isError())
        return fail(e);
    if (m_json)
        m_out << QJsonDocument(QJsonObject::fromVariantMap(answer)).toJson(QJsonDocument::Indented);
    else
        human(answer);
    m_out.flush();
    return ExitOk;
}

void Sbctl::printTable(const QVariantList &rows, const QStringList &columns)
{
    QList<int> widths;
    for (const QString &c : columns)
        widths.append(int(c.size()));
    QList<QStringList> cells;
    for (const QVariant &r : rows) {
        const QVariantMap row = r.toMap();
        QStringList line;
        for (qsizetype i = 0; i < columns.size(); ++i) {
            QString text = cell(row.value(columns.at(i)));
            if (text.size() > 60)
                text = text.left(57) + QStringLiteral("...");
            widths[i] = qMax(widths[i], int(text.size()));
            line << text;
        }
        cells << line;
    }
    for (qsizetype i = 0; i < columns.size(); ++i)
        m_out << columns.at(i).toUpper().leftJustified(widths[i] + 2);
    m_out << "\n";
    for (const QStringList &line : std::as_const(cells)) {
        for (qsizetype i = 0; i < line.size(); ++i)
            m_out << line.at(i).leftJustified(widths[i] + 2);
        m_out << "\n";
    }
}

int Sbctl::run(const QStringList &arguments)
{
    QStringList args = arguments.mid(1);
    if (args.isEmpty() || takeFlag(args, QStringLiteral("--help")) || takeFlag(args, QStringLiteral("-h"))) {
        m_out << usage();
        m_out.flush();
        return args.isEmpty() && arguments.size() <= 1 ? ExitUsage : ExitOk;
    }
    QString optError;
    QString hub = takeOption(args, QStringLiteral("--hub"), qEnvironmentVariable("SWITCHBOARD_HUB"), nullptr, &optError);
    if (hub.isEmpty())
        hub = QStringLiteral("local:switchboard-control");
    const QString tokenFile = takeOption(args, QStringLiteral("--token-file"), {}, nullptr, &optError);
    const QString caFile = takeOption(args, QStringLiteral("--ca"), {}, nullptr, &optError);
    const QString certFile = takeOption(args, QStringLiteral("--cert"), {}, nullptr, &optError);
    const QString keyFile = takeOption(args, QStringLiteral("--key"), {}, nullptr, &optError);
    const QString timeout = takeOption(args, QStringLiteral("--timeout"), QStringLiteral("10000"), nullptr, &optError);
    m_json = takeFlag(args, QStringLiteral("--json"));
    if (!optError.isEmpty())
        return usageError(optError);
    bool okTimeout = false;
    m_timeoutMs = timeout.toInt(&okTimeout);
    if (!okTimeout || m_timeoutMs <= 0)
        return usageError(QStringLiteral("--timeout must be a positive number of milliseconds"));
    if (args.isEmpty())
        return usageError(QStringLiteral("no command given"));

    static const QStringList commands{QStringLiteral("status"),  QStringLiteral("channels"),    QStringLiteral("topics"),
                                      QStringLiteral("publish"), QStringLiteral("deadletters"), QStringLiteral("connections"),
                                      QStringLiteral("watch"),   QStringLiteral("reload"),      QStringLiteral("keys"),
                                      QStringLiteral("messages"), QStringLiteral("timeline"), QStringLiteral("durables"),  QStringLiteral("journal"),
                                      QStringLiteral("replay")};
    const QString command = args.takeFirst();
    if (!commands.contains(command))
        return usageError(QStringLiteral("unknown command \"%1\"").arg(command));

    remote::RemoteClient::Options opts;
    opts.timeoutMs = m_timeoutMs;
    opts.token = qgetenv("SWITCHBOARD_TOKEN");
    if (!tokenFile.isEmpty()) {
        QFile f(tokenFile);
        if (!f.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("cannot read the token file %1: %2").arg(tokenFile, f.errorString()));
        opts.token = f.readAll().trimmed();
    }
    if (!caFile.isEmpty()) {
        opts.caCertificates = QSslCertificate::fromPath(caFile, QSsl::Pem);
        if (opts.caCertificates.isEmpty())
            return usageError(QStringLiteral("no PEM certificate in %1").arg(caFile));
    }
    if (!certFile.isEmpty() || !keyFile.isEmpty()) { // mutual TLS (remote.tls.client-ca)
        const Result<ClientCertificate> mine = loadClientCertificate(certFile, keyFile);
        if (!mine)
            return usageError(QStringLiteral("--cert and --key: ") + mine.error().message);
        opts.clientCertificateChain = mine->chain;
        opts.clientKey = mine->key;
    }
    remote::RemoteClient client;
    m_client = &client;
    client.connectToHub(hub, opts);
    if (!client.waitForReady(m_timeoutMs + 1000))
        return fail(client.error().isError() ? client.error()
                                             : Error(ErrorCode::Timeout, QStringLiteral("no answer from the hub at %1").arg(hub)));

    if (command == QLatin1String("status"))
        return status();
    if (command == QLatin1String("channels"))
        return channels(args);
    if (command == QLatin1String("topics")) {
        if (args.value(0) != QLatin1String("list"))
            return usageError(QStringLiteral("topics: expected \"list\""));
        args.removeFirst();
        bool okLimit = true;
        const int limit = takeOption(args, QStringLiteral("--limit"), QStringLiteral("1000")).toInt(&okLimit);
        if (!okLimit || limit < 0)
            return usageError(QStringLiteral("--limit must be a number"));
        return listRows(QStringLiteral("topics"), args.value(0), limit,
                        {QStringLiteral("topic"), QStringLiteral("in"), QStringLiteral("inRate"), QStringLiteral("outRate"),
                         QStringLiteral("lastSize")});
    }
    if (command == QLatin1String("connections"))
        return connections(args);
    if (command == QLatin1String("publish"))
        return publish(args);
    if (command == QLatin1String("deadletters"))
        return deadLetters(args);
    if (command == QLatin1String("watch"))
        return watch(args);
    if (command == QLatin1String("keys"))
        return keys(args);
    if (command == QLatin1String("messages"))
        return messages(args);
    if (command == QLatin1String("timeline"))
        return timeline(args);
    if (command == QLatin1String("durables"))
        return durables(args);
    if (command == QLatin1String("journal"))
        return journal(args);
    if (command == QLatin1String("replay"))
        return replay(args);
    // reload
    return printResult(remote::RemoteClient::await(client.api()->reloadConfig(), m_timeoutMs), [this](const QVariantMap &a) {
        m_out << "reloaded " << a.value(QStringLiteral("config")).toString() << ": created "
              << a.value(QStringLiteral("created")).toStringList().join(u',') << ", updated "
              << a.value(QStringLiteral("updated")).toStringList().join(u',') << ", deleted "
              << a.value(QStringLiteral("deleted")).toStringList().join(u',') << "\n";
        const QStringList restart = a.value(QStringLiteral("restartNeeded")).toStringList();
        if (!restart.isEmpty())
            m_out << "restart needed for: " << restart.join(QStringLiteral(", ")) << "\n";
    });
}

int Sbctl::listRows(const QString &collection, const QString &filter, int limit, const QStringList &columns)
{
    const QVariantMap answer = remote::RemoteClient::await(m_client->api()->list(collection, filter, 0, limit), m_timeoutMs);
    return printResult(answer, [this, columns](const QVariantMap &a) {
        printTable(a.value(QStringLiteral("rows")).toList(), columns);
        const int total = a.value(QStringLiteral("total")).toInt();
        const int shown = int(a.value(QStringLiteral("rows")).toList().size());
        if (shown < total)
            m_out << "(" << shown << " of " << total << " shown; --limit 0 for all)\n";
    });
}

int Sbctl::channels(QStringList args)
{
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (sub == QLatin1String("list"))
        return listRows(QStringLiteral("channels"), QString(), 0,
                        {QStringLiteral("name"), QStringLiteral("type"), QStringLiteral("in"), QStringLiteral("out"),
                         QStringLiteral("inRate"), QStringLiteral("description")});
    if (sub == QLatin1String("create")) {
        QString error;
        QVariantMap config;
        const QStringList keys{QStringLiteral("type"), QStringLiteral("description"), QStringLiteral("max-message-size"),
                               QStringLiteral("max-queue-depth"), QStringLiteral("ttl-ms")};
        for (const QString &k : keys) {
            bool present = false;
            const QString v = takeOption(args, QStringLiteral("--") + k, {}, &present, &error);
            if (present)
                config.insert(k, v);
        }
        if (takeFlag(args, QStringLiteral("--require-auth")))
            config.insert(QStringLiteral("require-auth"), QStringLiteral("true"));
        if (!error.isEmpty())
            return usageError(error);
        if (args.size() != 1)
            return usageError(QStringLiteral("channels create: expected exactly one NAME"));
        config.insert(QStringLiteral("name"), args.first());
        return printResult(remote::RemoteClient::await(m_client->api()->createChannel(config), m_timeoutMs),
                           [this](const QVariantMap &a) {
                               m_out << "created channel "
                                     << a.value(QStringLiteral("channel")).toMap().value(QStringLiteral("name")).toString() << "\n";
                           });
    }
    if (sub == QLatin1String("delete")) {
        if (args.size() != 1)
            return usageError(QStringLiteral("channels delete: expected exactly one NAME"));
        return printResult(remote::RemoteClient::await(m_client->api()->deleteChannel(args.first()), m_timeoutMs),
                           [this](const QVariantMap &a) { m_out << "deleted channel " << a.value(QStringLiteral("name")).toString() << "\n"; });
    }
    return usageError(QStringLiteral("channels: expected list, create or delete"));
}

int Sbctl::connections(QStringList args)
{
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    if (sub == QLatin1String("list"))
        return listRows(QStringLiteral("connections"), QString(), 0,
                        {QStringLiteral("id"), QStringLiteral("protocol"), QStringLiteral("peer"), QStringLiteral("identity"),
                         QStringLiteral("subscriptions"), QStringLiteral("inRate"), QStringLiteral("outRate"),
                         QStringLiteral("metadata")});
    if (sub == QLatin1String("close")) {
        const QString reason = takeOption(args, QStringLiteral("--reason"));
        if (args.size() != 1)
            return usageError(QStringLiteral("connections close: expected exactly one ID"));
        return printResult(remote::RemoteClient::await(m_client->api()->closeConnection(args.first(), reason), m_timeoutMs),
                           [this](const QVariantMap &a) { m_out << "closed " << a.value(QStringLiteral("id")).toString() << "\n"; });
    }
    return usageError(QStringLiteral("connections: expected list or close"));
}

int Sbctl::publish(QStringList args)
{
    QString error;
    const QString channel = takeOption(args, QStringLiteral("--channel"), {}, nullptr, &error);
    const QString contentType = takeOption(args, QStringLiteral("--content-type"), {}, nullptr, &error);
    QVariantMap headers;
    while (true) {
        bool present = false;
        const QString h = takeOption(args, QStringLiteral("--header"), {}, &present, &error);
        if (!present)
            break;
        const qsizetype eq = h.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return usageError(QStringLiteral("--header wants KEY=VALUE, got \"%1\"").arg(h));
        headers.insert(h.left(eq), h.mid(eq + 1));
    }
    if (!error.isEmpty())
        return usageError(error);
    if (args.isEmpty() || args.size() > 2)
        return usageError(QStringLiteral("publish: expected TOPIC [PAYLOAD]"));
    QByteArray payload;
    if (args.size() == 2) {
        payload = args.at(1).toUtf8();
    } else {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return usageError(QStringLiteral("cannot read the payload from stdin"));
        payload = in.readAll();
    }
    QVariantMap message{{QStringLiteral("topic"), args.at(0)}};
    if (!channel.isEmpty())
        message.insert(QStringLiteral("channel"), channel);
    if (!contentType.isEmpty())
        message.insert(QStringLiteral("contentType"), contentType);
    if (!headers.isEmpty())
        message.insert(QStringLiteral("headers"), headers);
    // Text travels as text; anything else as base64, so no byte is lost on the way.
    const QString text = QString::fromUtf8(payload);
    if (text.toUtf8() == payload) {
        message.insert(QStringLiteral("payload"), text);
    } else {
        message.insert(QStringLiteral("payload"), QString::fromLatin1(payload.toBase64()));
        message.insert(QStringLiteral("dataEncoding"), QStringLiteral("base64"));
    }
    return printResult(remote::RemoteClient::await(m_client->api()->publish(message), m_timeoutMs),
                       [this](const QVariantMap &a) {
                           m_out << "published " << a.value(QStringLiteral("id")).toString() << " to "
                                 << a.value(QStringLiteral("delivered")).toInt() << " subscriber(s)\n";
                       });
}

int Sbctl::deadLetters(QStringList args)
{
    const QString sub = args.isEmpty() ? QString() : args.takeFirst();
    SwitchboardReplica *api = m_client->api();
    if (sub == QLatin1String("list")) {
        bool okLimit = true;
        const int limit = takeOption(args, QStringLiteral("--limit"), QStringLiteral("100")).toInt(&okLimit);
        if (!okLimit || limit < 0)
            return usageError(QStringLiteral("--limit must be a number"));
        return listRows(QStringLiteral("deadletters"), QString(), limit,
                        {QStringLiteral("id"), QStringLiteral("reason"), QStringLiteral("destination"), QStringLiteral("topic"),
                         QStringLiteral("attempts"), QStringLiteral("payloadSize"), QStringLiteral("detail")});
    }
    auto ids = [&args](QList<quint64> *out) {
        for (const QString &a : std::as_const(args)) {
            bool ok = false;
            out->append(a.toULongLong(&ok));
            if (!ok)
                return false;
        }
        return true;
    };
    if (sub == QLatin1String("show")) {
        QList<quint64> list;
        if (args.size() != 1 || !ids(&list))
            return usageError(QStringLiteral("deadletters show: expected one numeric ID"));
        return printResult(remote::RemoteClient::await(api->deadLetter(list.first()), m_timeoutMs), [this](const QVariantMap &a) {
            m_out << QJsonDocument(QJsonObject::fromVariantMap(a.value(QStringLiteral("deadLetter")).toMap())).toJson(QJsonDocument::Indented);
        });
    }
    if (sub == QLatin1String("requeue")) {
        QList<quint64> list;
        if (args.isEmpty() || !ids(&list))
            return usageError(QStringLiteral("deadletters requeue: expected one or more numeric IDs"));
        QVariantList results;
        int worst = ExitOk;
        for (quint64 id : std::as_const(list)) {
            QVariantMap a = remote::RemoteClient::await(api->requeueDeadLetter(id, {}), m_timeoutMs);
            a.insert(QStringLiteral("id"), QString::number(id));
            const Error e = remote::RemoteResult::errorOf(a);
            if (e.isError()) {
                m_err << "sbctl: dead letter " << id << ": " << e.codeName() << ": " << e.message << "\n";
                worst = exitCodeFor(e);
            } else if (!m_json) {
                m_out << "requeued " << id << " (" << a.value(QStringLiteral("delivered")).toInt() << " delivered)\n";
            }
            results.append(a);
        }
        if (m_json)
            m_out << QJsonDocument(QJsonArray::fromVariantList(results)).toJson(QJsonDocument::Indented);
        m_out.flush();
        m_err.flush();
        return worst;
    }
    if (sub == QLatin1String("purge")) {
        const bool all = takeFlag(args, QStringLiteral("--all"));
        QList<quint64> list;
        if ((all && !args.isEmpty()) || (!all && args.isEmpty()) || !ids(&list))
            return usageError(QStringLiteral("deadletters purge: expected numeric IDs, or --all"));
        QVariantList idList;
        for (quint64 id : std::as_const(list))
            idList.append(QString::number(id));
        return printResult(remote::RemoteClient::await(api->purgeDeadLetters(idList), m_timeoutMs), [this](const QVariantMap &a) {
            m_out << "purged " << a.value(QStringLiteral("purged")).toInt() << " dead letter(s)\n";
        });
    }
    return usageError(QStringLiteral("deadletters: expected list, show, requeue or purge"));
}

int Sbctl::watch(QStringList args)
{
    QString error;
    const QString channel = takeOption(args, QStringLiteral("--channel"), {}, nullptr, &error);
    bool okCount = true, okRate = true;
    const int count = takeOption(args, QStringLiteral("--count"), QStringLiteral("0"), nullptr, &error).toInt(&okCount);
    const int rate = takeOption(args, QStringLiteral("--max-rate"), QStringLiteral("100"), nullptr, &error).toInt(&okRate);
    if (!error.isEmpty())
        return usageError(error);
    if (!okCount || !okRate || count < 0 || rate <= 0)
        return usageError(QStringLiteral("--count and --max-rate must be positive numbers"));
    if (args.size() != 1)
        return usageError(QStringLiteral("watch: expected exactly one PATTERN"));
    SwitchboardReplica *api = m_client->api();
    const QVariantMap started = remote::RemoteClient::await(api->watch(channel, args.first(), rate), m_timeoutMs);
    if (const Error e = remote::RemoteResult::errorOf(started); e.isError())
        return fail(e);
    const QString watchId = started.value(QStringLiteral("watchId")).toString();
    const int leaseMs = started.value(QStringLiteral("leaseMs")).toInt();

    QEventLoop loop;
    QObject scope; // the handlers below end with it, before the unwatch
    int seen = 0;
    int exitCode = ExitOk;
    connect(api, &SwitchboardReplica::watchBatch, &scope,
            [&](const QString &id, const QVariantList &messages, int dropped) {
                if (id != watchId)
                    return;
                for (const QVariant &m : messages) {
                    const QVariantMap msg = m.toMap();
                    if (m_json)
                        m_out << QJsonDocument(QJsonObject::fromVariantMap(msg)).toJson(QJsonDocument::Compact) << "\n";
                    else
                        m_out << msg.value(QStringLiteral("timestamp")).toString() << "  " << msg.value(QStringLiteral("topic")).toString()
                              << "  " << cell(msg.value(QStringLiteral("data"))) << "\n";
                    if (count > 0 && ++seen >= count) {
                        loop.quit();
                        break;
                    }
                }
                if (dropped > 0)
                    m_err << "sbctl: " << dropped << " message(s) not shown (over --max-rate)\n";
                m_out.flush();
                m_err.flush();
            });
    connect(api, &SwitchboardReplica::watchEnded, &scope, [&](const QString &id, const QString &reason) {
        if (id != watchId)
            return;
        m_err << "sbctl: the watch ended: " << reason << "\n";
        exitCode = ExitFailed;
        loop.quit();
    });
    connect(m_client, &remote::RemoteClient::failed, &scope, [&](const Error &e) {
        exitCode = fail(e);
        loop.quit();
    });
    QTimer renew;
    connect(&renew, &QTimer::timeout, &loop, [api, watchId] { api->renewWatch(watchId); });
    renew.start(qMax(1000, leaseMs / 3));
    QTimer interrupted;
    g_interrupted = 0;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    connect(&interrupted, &QTimer::timeout, &loop, [&loop] {
        if (g_interrupted)
            loop.quit();
    });
    interrupted.start(100);
    loop.exec();
    scope.disconnect();
    QObject::disconnect(api, nullptr, &scope, nullptr);
    QObject::disconnect(m_client, nullptr, &scope, nullptr);
    if (m_client->state() == remote::RemoteClient::State::Ready)
        remote::RemoteClient::await(api->unwatch(watchId), m_timeoutMs);
    return exitCode;
}

} // namespace sb::sbctl
