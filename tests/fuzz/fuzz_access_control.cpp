// SPDX-License-Identifier: Apache-2.0
// The "acl" config section: AccessControl::fromVariantMap, then the rules it built asked about
// some principals, and written back out (health and the console show them).
//
// Input: the section as JSON (what toVariantMap() of a YAML or JSON config gives, modulo strings
// for numbers). Oracles: the hub is always allowed; rules written out with toVariantMap() parse
// back to an ACL that gives the same answers.
#include "fuzzsupport.h"

#include <switchboard/accesscontrol.h>

#include <QJsonDocument>
#include <QJsonObject>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    const QJsonDocument doc = QJsonDocument::fromJson(sb::fuzz::bytes(data, size).toByteArray());
    if (!doc.isObject())
        return 0;
    Result<AccessControl> acl = AccessControl::fromVariantMap(doc.object().toVariantMap());
    if (!acl) {
        SB_FUZZ_CHECK(acl.error().code == ErrorCode::InvalidConfig);
        return 0;
    }
    // toVariantMap() is what health shows: the section's "roles" plus "requireAuth".
    const QVariantMap shown = acl.value().toVariantMap();
    Result<AccessControl> again =
        AccessControl::fromVariantMap({{QStringLiteral("roles"), shown.value(QStringLiteral("roles"))}});
    SB_FUZZ_CHECK(again);
    SB_FUZZ_CHECK(again.value().roles() == acl.value().roles());

    QList<Principal> who = {Principal::anonymous(QStringLiteral("native")), Principal::hub(),
                            Principal::inProcess(QStringLiteral("app"))};
    for (const QString &role : acl.value().roles().mid(0, 8))
        who.append(Principal::inProcess(QStringLiteral("as-") + role, {role}));
    const QString channels[] = {QString(), QStringLiteral("orders"), QStringLiteral("$sb")};
    const QString topics[] = {QStringLiteral("sensors.1.temp"), QStringLiteral("$sb.health"), QStringLiteral("a")};
    const QString patterns[] = {QStringLiteral(">"), QStringLiteral("sensors.*.temp"), QStringLiteral("$sb.>")};
    for (bool requireAuth : {false, true}) {
        acl.value().setRequireAuth(requireAuth);
        again.value().setRequireAuth(requireAuth);
        for (const Principal &p : who) {
            for (const QString &channel : channels) {
                for (const QString &topic : topics) {
                    for (const Action action : {Action::Publish, Action::Subscribe, Action::Request, Action::Reply,
                                                Action::Administer}) {
                        const bool allowed = bool(acl.value().authorize(p, action, channel, topic));
                        SB_FUZZ_CHECK(allowed == bool(again.value().authorize(p, action, channel, topic)));
                        if (p.isHub())
                            SB_FUZZ_CHECK(allowed);
                    }
                }
                for (const QString &pattern : patterns) {
                    SB_FUZZ_CHECK(acl.value().deniedWithin(p, channel, pattern)
                                  == again.value().deniedWithin(p, channel, pattern));
                }
            }
        }
    }
    return 0;
}
