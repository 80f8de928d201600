// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auth.h>
#include <switchboard/principal.h>

#include <QHash>
#include <QVariantMap>
#include <QVector>

#include <unordered_map>

namespace sb {

// The hub's ACL: roles -> allow / deny rules per action on channel and topic patterns (the hub's
// wildcard syntax; "" is the default topic space). Deny wins; what no rule allows is refused.
//
// Built-in roles (a role of the same name in the config replaces them):
//   anonymous  allow publish, subscribe, request everywhere; deny them on "$sb.>"
//   admin      allow every action everywhere
// With require-auth off, a principal that holds no role the ACL knows (anonymous, or a token
// without roles) is given "anonymous"; with it on, nobody is.
// The hub's own principal (Principal::hub()) is always allowed.
class SWITCHBOARD_EXPORT AccessControl : public Authorizer
{
public:
    struct Rule
    {
        bool allow = true;
        quint8 actions = 0;     // Action bits
        QStringList channels;   // empty: every channel and the default topic space
        QStringList topics;     // empty: every topic
    };

    AccessControl(); // the built-in roles only
    void setRequireAuth(bool required) { m_requireAuth = required; }
    bool requireAuth() const { return m_requireAuth; }
    void setRules(const QString &role, const QVector<Rule> &rules);
    QVector<Rule> rules(const QString &role) const;
    QStringList roles() const; // sorted

    // The "acl" config section: {roles: {NAME: [{allow|deny: [actions], channels: [...], topics: [...]}]}}.
    // Errors name the key path inside the section (e.g. "roles.sensors[1].topics[0]").
    static Result<AccessControl> fromVariantMap(const QVariantMap &map);
    // Rules as config maps, for health and the console.
    QVariantMap toVariantMap() const;

    Status authorize(const Principal &who, Action action, const QString &channel, const QString &topic) const override;
    QStringList deniedWithin(const Principal &who, const QString &channel, const QString &pattern) const override;

    // Pattern algebra over the hub's topic syntax (both valid patterns).
    static bool covers(QStringView pattern, QStringView subPattern); // every match of sub matches pattern
    static bool overlaps(QStringView a, QStringView b);              // some topic matches both

private:
    QStringList effectiveRoles(const Principal &who) const;
    // Calls \a f for each role \a who holds here (see the class comment), without allocating.
    template<typename F>
    void forEachRole(const Principal &who, F f) const
    {
        bool known = false;
        if (who.authenticated) {
            for (const QString &r : who.roles) {
                known = known || m_roles.count(r) != 0;
                f(r);
            }
        }
        // Without require-auth, whoever has no role the ACL knows (anonymous, or a token without
        // roles) is treated as anonymous; a known role replaces the anonymous rules.
        if (!m_requireAuth && !known)
            f(QStringLiteral("anonymous"));
    }
    static bool channelMatches(const Rule &rule, const QString &channel);

    // Per role, for the per-publish fast path: actions a rule allows everywhere, and actions some
    // deny rule could refuse (all of them / only on topics outside "$sb.", which no one but the
    // hub publishes to).
    struct Summary
    {
        quint8 allowAll = 0;
        quint8 deny = 0;
        quint8 denyOutsideReserved = 0;
    };
    bool fastAllow(const Principal &who, Action action, const QString &topic) const;

    // std::unordered_map, not QHash: QHash seeds qHash(QString), which took about 190 ns a lookup
    // with Debian's Qt 6.4 on the Xeon of session 6 (std::hash<QString>, unseeded: about 20 ns),
    // and this is looked up on every publish. Role names come from config, not from the wire.
    std::unordered_map<QString, QVector<Rule>> m_roles;
    std::unordered_map<QString, Summary> m_summaries;
    Summary m_anonymous;
    bool m_requireAuth = false;
};

} // namespace sb
