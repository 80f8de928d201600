// SPDX-License-Identifier: Apache-2.0
#include <switchboard/accesscontrol.h>
#include <switchboard/topic.h>

namespace sb {

namespace {
constexpr quint8 kAllActions = quint8(Action::Publish) | quint8(Action::Subscribe) | quint8(Action::Request)
                               | quint8(Action::Reply) | quint8(Action::Administer);
const QString kAnonymous = QStringLiteral("anonymous");

QVector<QStringView> segments(QStringView s)
{
    QVector<QStringView> out;
    qsizetype start = 0;
    for (qsizetype i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s.at(i) == QLatin1Char('.')) {
            out.append(s.mid(start, i - start));
            start = i + 1;
        }
    }
    return out;
}

// A concrete topic (or an empty one: a topic-less publish on a broadcast or queue channel, which
// only ">" and "no topic list" cover) against a rule's pattern.
bool topicMatches(const QString &pattern, const QString &topic)
{
    if (topic.isEmpty())
        return pattern == QLatin1String(">");
    return Topic::matches(pattern, topic);
}

bool isPattern(const QString &topic)
{
    return Topic::isWildcard(topic);
}
} // namespace

QString actionName(Action action)
{
    switch (action) {
    case Action::Publish: return QStringLiteral("publish");
    case Action::Subscribe: return QStringLiteral("subscribe");
    case Action::Request: return QStringLiteral("request");
    case Action::Reply: return QStringLiteral("reply");
    case Action::Administer: return QStringLiteral("administer");
    }
    return QString();
}

AccessControl::AccessControl()
{
    // Publish, subscribe and request (a publish that waits for its reply; issue #13: anonymous
    // loopback clients may send requests), never reply or administer.
    const quint8 open = quint8(Action::Publish) | quint8(Action::Subscribe) | quint8(Action::Request);
    setRules(kAnonymous, {Rule{true, open, {}, {}}, Rule{false, open, {}, {QStringLiteral("$sb.>")}}});
    setRules(QStringLiteral("admin"), {Rule{true, kAllActions, {}, {}}});
}

void AccessControl::setRules(const QString &role, const QVector<Rule> &rules)
{
    m_roles[role] = rules;
    Summary sum;
    for (const Rule &r : rules) {
        if (r.allow && r.channels.isEmpty() && r.topics.isEmpty()) {
            sum.allowAll |= r.actions;
        } else if (!r.allow) {
            sum.deny |= r.actions;
            bool reservedOnly = !r.topics.isEmpty();
            for (const QString &t : r.topics)
                reservedOnly = reservedOnly && t.startsWith(QLatin1String("$sb."));
            if (!reservedOnly)
                sum.denyOutsideReserved |= r.actions;
        }
    }
    m_summaries[role] = sum;
    if (role == kAnonymous)
        m_anonymous = sum;
}

QVector<AccessControl::Rule> AccessControl::rules(const QString &role) const
{
    const auto it = m_roles.find(role);
    return it == m_roles.end() ? QVector<Rule>() : it->second;
}

QStringList AccessControl::roles() const
{
    QStringList out;
    out.reserve(qsizetype(m_roles.size()));
    for (const auto &entry : m_roles)
        out.append(entry.first);
    out.sort();
    return out;
}

// The common case, decided without walking rules: the principal's roles allow the action
// everywhere and no deny rule of theirs can apply to this topic.
bool AccessControl::fastAllow(const Principal &who, Action action, const QString &topic) const
{
    if (action == Action::Subscribe)
        return false; // patterns need the pattern algebra
    quint8 allowAll = 0, deny = 0;
    const bool reserved = Topic::isReserved(topic);
    bool known = false;
    if (who.authenticated) {
        for (const QString &r : who.roles) {
            const auto it = m_summaries.find(r);
            if (it == m_summaries.end())
                continue;
            known = true;
            allowAll |= it->second.allowAll;
            deny |= reserved ? it->second.deny : it->second.denyOutsideReserved;
        }
    }
    if (!m_requireAuth && !known) {
        allowAll |= m_anonymous.allowAll;
        deny |= reserved ? m_anonymous.deny : m_anonymous.denyOutsideReserved;
    }
    return (allowAll & quint8(action)) && !(deny & quint8(action));
}

bool AccessControl::covers(QStringView pattern, QStringView subPattern)
{
    const auto p = segments(pattern);
    const auto s = segments(subPattern);
    for (qsizetype i = 0; i < p.size(); ++i) {
        if (i >= s.size())
            return false;
        if (p[i] == QLatin1String(">"))
            return true;
        if (s[i] == QLatin1String(">"))
            return false;
        if (p[i] == QLatin1String("*"))
            continue;
        if (s[i] == QLatin1String("*") || p[i] != s[i])
            return false;
    }
    return p.size() == s.size();
}

bool AccessControl::overlaps(QStringView a, QStringView b)
{
    const auto x = segments(a);
    const auto y = segments(b);
    for (qsizetype i = 0; i < x.size() && i < y.size(); ++i) {
        if (x[i] == QLatin1String(">") || y[i] == QLatin1String(">"))
            return true;
        if (x[i] == QLatin1String("*") || y[i] == QLatin1String("*"))
            continue;
        if (x[i] != y[i])
            return false;
    }
    return x.size() == y.size();
}

bool AccessControl::channelMatches(const Rule &rule, const QString &channel)
{
    if (rule.channels.isEmpty())
        return true;
    for (const QString &c : rule.channels) {
        if (c.isEmpty() ? channel.isEmpty() : (!channel.isEmpty() && Topic::matches(c, channel)))
            return true;
    }
    return false;
}

QStringList AccessControl::effectiveRoles(const Principal &who) const
{
    QStringList roles;
    forEachRole(who, [&](const QString &r) { roles.append(r); });
    return roles;
}

Status AccessControl::authorize(const Principal &who, Action action, const QString &channel, const QString &topic) const
{
    if (who.isHub() || fastAllow(who, action, topic))
        return {};
    const bool subscribe = action == Action::Subscribe && isPattern(topic);
    bool allowed = false;
    Error denied;
    // Per publish: no list is built (forEachRole), and the first deny ends the walk.
    forEachRole(who, [&](const QString &role) {
        const auto it = m_roles.find(role);
        if (it == m_roles.end() || denied.isError())
            return;
        for (const Rule &rule : it->second) {
            if (!(rule.actions & quint8(action)) || !channelMatches(rule, channel))
                continue;
            bool hit = rule.topics.isEmpty() || action == Action::Administer;
            for (qsizetype i = 0; !hit && i < rule.topics.size(); ++i)
                hit = subscribe ? covers(rule.topics[i], topic) : topicMatches(rule.topics[i], topic);
            if (!hit)
                continue;
            if (!rule.allow) {
                denied = Error(ErrorCode::Forbidden,
                             QStringLiteral("%1 may not %2 on %3: denied by role \"%4\"")
                                 .arg(who.name, actionName(action),
                                      channel.isEmpty() ? QStringLiteral("topic \"%1\"").arg(topic)
                                                        : QStringLiteral("channel \"%1\"").arg(channel),
                                      role),
                             {{QStringLiteral("action"), actionName(action)},
                              {QStringLiteral("channel"), channel},
                              {QStringLiteral("topic"), topic},
                              {QStringLiteral("role"), role}});
                return;
            }
            allowed = true;
        }
    });
    if (denied.isError())
        return denied;
    if (allowed)
        return {};
    const QStringList roles = effectiveRoles(who);
    return Error(ErrorCode::Forbidden,
                 QStringLiteral("%1 may not %2 on %3: no rule of its roles (%4) allows it")
                     .arg(who.name, actionName(action),
                          channel.isEmpty() ? QStringLiteral("topic \"%1\"").arg(topic)
                                            : QStringLiteral("channel \"%1\"").arg(channel),
                          roles.isEmpty() ? QStringLiteral("none") : roles.join(QStringLiteral(", "))),
                 {{QStringLiteral("action"), actionName(action)},
                  {QStringLiteral("channel"), channel},
                  {QStringLiteral("topic"), topic}});
}

QStringList AccessControl::deniedWithin(const Principal &who, const QString &channel, const QString &pattern) const
{
    QStringList out;
    if (who.isHub())
        return out;
    forEachRole(who, [&](const QString &role) {
        const auto it = m_roles.find(role);
        if (it == m_roles.end())
            return;
        for (const Rule &rule : it->second) {
            if (rule.allow || !(rule.actions & quint8(Action::Subscribe)) || !channelMatches(rule, channel))
                continue;
            for (const QString &t : rule.topics) {
                if (!pattern.isEmpty() && overlaps(t, pattern) && !out.contains(t))
                    out.append(t);
            }
        }
    });
    return out;
}

QVariantMap AccessControl::toVariantMap() const
{
    QVariantMap roles;
    for (const auto &[role, roleRules] : m_roles) {
        QVariantList rules;
        for (const Rule &r : roleRules) {
            QStringList actions;
            for (Action a : {Action::Publish, Action::Subscribe, Action::Request, Action::Reply, Action::Administer}) {
                if (r.actions & quint8(a))
                    actions.append(actionName(a));
            }
            QVariantMap m{{r.allow ? QStringLiteral("allow") : QStringLiteral("deny"), actions}};
            if (!r.channels.isEmpty())
                m.insert(QStringLiteral("channels"), r.channels);
            if (!r.topics.isEmpty())
                m.insert(QStringLiteral("topics"), r.topics);
            rules.append(m);
        }
        roles.insert(role, rules);
    }
    return {{QStringLiteral("roles"), roles}, {QStringLiteral("requireAuth"), m_requireAuth}};
}

} // namespace sb
