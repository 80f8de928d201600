// SPDX-License-Identifier: Apache-2.0
// The "acl" config section, parsed into AccessControl rules.
#include <switchboard/accesscontrol.h>
#include <switchboard/topic.h>

namespace sb {

namespace {
Error bad(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why, {{QStringLiteral("key"), key}});
}

bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList || v.typeId() == QMetaType::QStringList;
}

Result<quint8> parseActions(const QVariant &v, const QString &key)
{
    const QStringList names = isList(v) ? v.toStringList() : QStringList{v.toString()};
    if (names.isEmpty())
        return bad(key, QStringLiteral("needs at least one action"));
    quint8 bits = 0;
    for (const QString &n : names) {
        if (n == QLatin1String("all") || n == QLatin1String("*")) {
            bits |= quint8(Action::Publish) | quint8(Action::Subscribe) | quint8(Action::Request)
                    | quint8(Action::Reply) | quint8(Action::Administer);
            continue;
        }
        bool found = false;
        for (Action a : {Action::Publish, Action::Subscribe, Action::Request, Action::Reply, Action::Administer}) {
            if (actionName(a) == n) {
                bits |= quint8(a);
                found = true;
            }
        }
        if (!found)
            return bad(key, QStringLiteral("\"%1\" is not an action (publish, subscribe, request, reply, administer, all)")
                                .arg(n));
    }
    return bits;
}

Result<QStringList> parsePatterns(const QVariant &v, const QString &key, bool channels)
{
    if (!isList(v))
        return bad(key, QStringLiteral("must be a list of patterns"));
    const QStringList list = v.toStringList();
    if (list.isEmpty()) // an empty list would read as "no restriction": leave the key out for that
        return bad(key, QStringLiteral("must not be empty (leave it out to mean every %1)")
                            .arg(channels ? QStringLiteral("channel") : QStringLiteral("topic")));
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (channels && list[i].isEmpty())
            continue; // "" is the default topic space
        if (Status st = Topic::validatePattern(list[i]); !st)
            return bad(key + QStringLiteral("[%1]").arg(i), st.error().message);
    }
    return list;
}

Result<AccessControl::Rule> parseRule(const QVariantMap &m, const QString &key)
{
    AccessControl::Rule rule;
    const bool hasAllow = m.contains(QStringLiteral("allow"));
    const bool hasDeny = m.contains(QStringLiteral("deny"));
    if (hasAllow == hasDeny)
        return bad(key, QStringLiteral("a rule needs exactly one of \"allow\" or \"deny\" (a list of actions)"));
    rule.allow = hasAllow;
    for (auto it = m.cbegin(); it != m.cend(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("allow") || it.key() == QLatin1String("deny")) {
            auto a = parseActions(it.value(), k);
            if (!a)
                return a.error();
            rule.actions = a.value();
        } else if (it.key() == QLatin1String("channels") || it.key() == QLatin1String("topics")) {
            const bool channels = it.key() == QLatin1String("channels");
            auto p = parsePatterns(it.value(), k, channels);
            if (!p)
                return p.error();
            (channels ? rule.channels : rule.topics) = p.value();
        } else {
            return bad(k, QStringLiteral("unknown key (expected allow or deny, channels, topics)"));
        }
    }
    return rule;
}
} // namespace

Result<AccessControl> AccessControl::fromVariantMap(const QVariantMap &map)
{
    AccessControl acl;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (it.key() != QLatin1String("roles"))
            return bad(it.key(), QStringLiteral("unknown key (expected roles)"));
        if (it.value().typeId() != QMetaType::QVariantMap)
            return bad(it.key(), QStringLiteral("must be a map of role names to lists of rules"));
        const QVariantMap roles = it.value().toMap();
        for (auto r = roles.cbegin(); r != roles.cend(); ++r) {
            const QString key = QStringLiteral("roles.") + r.key();
            if (!isList(r.value()))
                return bad(key, QStringLiteral("must be a list of rules, e.g. [{allow: [publish], topics: [\"sensors.>\"]}]"));
            QVector<Rule> rules;
            const QVariantList list = r.value().toList();
            for (qsizetype i = 0; i < list.size(); ++i) {
                const QString rk = key + QStringLiteral("[%1]").arg(i);
                if (list[i].typeId() != QMetaType::QVariantMap)
                    return bad(rk, QStringLiteral("must be a map {allow|deny, channels, topics}"));
                auto rule = parseRule(list[i].toMap(), rk);
                if (!rule)
                    return rule.error();
                rules.append(rule.value());
            }
            acl.setRules(r.key(), rules);
        }
    }
    return acl;
}

} // namespace sb
