// SPDX-License-Identifier: Apache-2.0
// The REST API's request mapping (plugins/http/api): request targets and JSON bodies into RestApi
// over an in-process hub, as the HTTP plugin hands them over after its parser.
//
// Input: "<target>\n<body>". Oracles: every request is answered exactly once, synchronously (no
// route here waits for a reply), with a status the API documents and a JSON body that is either
// {"data", "meta"} or {"error": {"code", "message"}}; and ApiJson::rawMember() agrees with
// QJsonDocument on the "payload" member of any valid JSON object (the exact bytes the API publishes
// are the value the client sent).
#include "fuzzsupport.h"

#include "apijson.h"
#include "restapi.h"

#include <switchboard/hub.h>

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace sb;
using namespace sb::http;

namespace {

struct World {
    World()
    {
        static int argc = 1;
        static char name[] = "fuzz_rest_api";
        static char *argv[] = {name, nullptr};
        if (!QCoreApplication::instance())
            app = new QCoreApplication(argc, argv);
        qInstallMessageHandler(sb::fuzz::quietMessageHandler);
        hub = new Hub;
        RestApiOptions o;
        o.maxPageSize = 50;
        api = new RestApi(hub, o);
    }
    QCoreApplication *app = nullptr;
    Hub *hub = nullptr;
    RestApi *api = nullptr;
};

World &world()
{
    static World w;
    // A fresh hub now and then: topics, statistics and dead letters pile up over a long run (the
    // hub bounds them, but at sizes that would take a fuzzer's RSS limit).
    static int runs = 0;
    if (++runs % 2000 == 0) {
        delete w.api;
        delete w.hub;
        w.hub = new Hub;
        RestApiOptions o;
        o.maxPageSize = 50;
        w.api = new RestApi(w.hub, o);
    }
    return w;
}

void checkReply(const ApiReply &r)
{
    static const QList<int> documented{200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 503, 504};
    SB_FUZZ_CHECK(documented.contains(r.status));
    if (r.status == 204) {
        SB_FUZZ_CHECK(r.body.isEmpty());
        return;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(r.body);
    SB_FUZZ_CHECK(doc.isObject());
    const QJsonObject o = doc.object();
    if (r.status < 400) {
        SB_FUZZ_CHECK(o.contains(QStringLiteral("data")) && o.value(QStringLiteral("meta")).isObject());
    } else {
        const QJsonObject e = o.value(QStringLiteral("error")).toObject();
        SB_FUZZ_CHECK(!e.value(QStringLiteral("code")).toString().isEmpty());
        SB_FUZZ_CHECK(!e.value(QStringLiteral("message")).toString().isEmpty());
    }
}

void call(const QByteArray &method, const QByteArray &target, const QByteArray &body, const Principal &who)
{
    ApiRequest rq;
    rq.method = method;
    rq.target = target;
    rq.body = body;
    rq.principal = who;
    rq.headers = {{"content-type", "application/json"}};
    int answers = 0;
    world().api->handle(rq, [&answers](ApiReply r) {
        ++answers;
        checkReply(r);
    });
    SB_FUZZ_CHECK(answers == 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = sb::fuzz::bytes(data, size).toByteArray();
    const qsizetype nl = input.indexOf('\n');
    const QByteArray target = nl < 0 ? input : input.left(nl);
    const QByteArray body = nl < 0 ? QByteArray() : input.mid(nl + 1);

    // rawMember against the parser.
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && doc.isObject() && doc.object().contains(QStringLiteral("payload"))) {
        const QByteArray raw = ApiJson::rawMember(body, "payload");
        if (!raw.isEmpty()) { // empty: the key was spelt with escapes
            const QJsonDocument wrapped = QJsonDocument::fromJson("[" + raw + "]");
            SB_FUZZ_CHECK(wrapped.isArray() && wrapped.array().size() == 1);
            SB_FUZZ_CHECK(wrapped.array().first() == doc.object().value(QStringLiteral("payload")));
        }
    }

    Identity ops;
    ops.name = QStringLiteral("ops");
    ops.authenticated = true;
    ops.roles = {QStringLiteral("admin")};
    const Principal admin = Principal::fromIdentity(ops, QStringLiteral("http"), QStringLiteral("127.0.0.1"));
    const Principal anon = Principal::anonymous(QStringLiteral("http"), QStringLiteral("127.0.0.1"));
    call("POST", "/api/v1/events", body, anon);
    call("POST", "/api/v1/messages", body, anon);
    if (!target.isEmpty()) {
        call("GET", target, {}, admin);
        call("DELETE", target, {}, anon);
    }
    return 0;
}
