// SPDX-License-Identifier: Apache-2.0
// tst_RestApi's declaration, apart from its bodies: moc reads only this file (it cannot parse the
// raw string literals the bodies use).
#pragma once

#include "apijson.h"
#include "restapi.h"

#include <switchboard/bus.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sb;
using namespace sb::http;

namespace restapitest {

inline Principal anon()
{
    return Principal::anonymous(QStringLiteral("http"), QStringLiteral("127.0.0.1"));
}

inline Principal user(const QString &name, const QStringList &roles)
{
    Identity id;
    id.name = name;
    id.authenticated = true;
    id.roles = roles;
    return Principal::fromIdentity(id, QStringLiteral("http"), QStringLiteral("127.0.0.1"));
}

inline Principal admin()
{
    return user(QStringLiteral("ops"), {QStringLiteral("admin")});
}

struct Answer {
    int status = 0;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    bool called = false;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString code() const { return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
    QJsonValue data() const { return json().value(QStringLiteral("data")); }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first == name)
                return h.second;
        }
        return {};
    }
};

// Messages an in-process subscriber received.
struct Inbox {
    QList<Message> messages;
    MessageHandler handler()
    {
        return [this](const Message &m) {
            messages.append(m);
            return Status();
        };
    }
};

} // namespace restapitest
using namespace restapitest;

class tst_RestApi : public QObject
{
    Q_OBJECT

private:
    // Calls the API and waits for its (possibly later) answer.
    Answer call(RestApi &api, const QByteArray &method, const QByteArray &target, const QByteArray &body = {},
                const Principal &who = anon(), const QByteArray &contentType = "application/json",
                QList<std::pair<QByteArray, QByteArray>> headers = {})
    {
        ApiRequest rq;
        rq.method = method;
        rq.target = target;
        rq.body = body;
        rq.principal = who;
        if (!contentType.isEmpty())
            headers.append({"content-type", contentType});
        rq.headers = headers;
        auto a = std::make_shared<Answer>();
        api.handle(rq, [a](ApiReply r) {
            a->status = r.status;
            a->body = r.body;
            a->headers = r.headers;
            a->called = true;
        });
        if (!QTest::qWaitFor([&] { return a->called; }, 5000))
            qWarning("no answer to %s %s", method.constData(), target.constData());
        return *a;
    }

private Q_SLOTS:
    void publishEvent();
    void publishErrors();
    void aclRefusalDeliversNothing();
    void routingErrors();
    void channels();
    void channelsNeedAdminister();
    void requestReply();
    void pointToPointAndDeadLetters();
    void topicsPaginate();
    void connections();
    void traceContext();
    void errorMapping();
    void rawMember();
    void schemaValidation();
};
