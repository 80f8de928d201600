// SPDX-License-Identifier: Apache-2.0
#include <switchboard/topic.h>

namespace sb::Topic {

namespace {
Error invalid(const QString &topic, const QString &why)
{
    return Error(ErrorCode::InvalidTopic, QStringLiteral("invalid topic \"%1\": %2").arg(topic, why),
                 {{QStringLiteral("topic"), topic}});
}

Status validate(const QString &topic, bool allowWildcards)
{
    if (topic.isEmpty())
        return invalid(topic, QStringLiteral("empty"));
    if (topic.size() > MaxLength)
        return invalid(topic.left(64) + QStringLiteral("..."),
                       QStringLiteral("longer than %1 characters").arg(MaxLength));
    int depth = 1;
    qsizetype segStart = 0;
    for (qsizetype i = 0; i <= topic.size(); ++i) {
        if (i == topic.size() || topic.at(i) == QLatin1Char('.')) {
            const QStringView seg = QStringView(topic).mid(segStart, i - segStart);
            if (seg.isEmpty())
                return invalid(topic, QStringLiteral("empty segment at position %1").arg(segStart));
            const bool star = seg == QLatin1String("*");
            const bool rest = seg == QLatin1String(">");
            if ((star || rest) && !allowWildcards)
                return invalid(topic, QStringLiteral("wildcards are only allowed in subscriptions"));
            if (rest && i != topic.size())
                return invalid(topic, QStringLiteral("\">\" must be the last segment"));
            if (!star && !rest && (seg.contains(QLatin1Char('*')) || seg.contains(QLatin1Char('>'))))
                return invalid(topic, QStringLiteral("\"*\" and \">\" must stand alone in a segment"));
            if (i < topic.size()) {
                if (++depth > MaxDepth)
                    return invalid(topic, QStringLiteral("more than %1 segments").arg(MaxDepth));
            }
            segStart = i + 1;
            continue;
        }
        const QChar c = topic.at(i);
        if (c.isSpace() || c.category() == QChar::Other_Control)
            return invalid(topic, QStringLiteral("whitespace or control character at position %1").arg(i));
    }
    return {};
}
} // namespace

Status validateTopic(const QString &topic)
{
    return validate(topic, false);
}

Status validatePattern(const QString &pattern)
{
    return validate(pattern, true);
}

bool isWildcard(const QString &pattern)
{
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if ((c == QLatin1Char('*') || c == QLatin1Char('>')) && (i == 0 || pattern.at(i - 1) == QLatin1Char('.'))
            && (i + 1 == pattern.size() || pattern.at(i + 1) == QLatin1Char('.')))
            return true;
    }
    return false;
}

bool matches(QStringView pattern, QStringView topic)
{
    qsizetype p = 0, t = 0;
    while (true) {
        const qsizetype pe = pattern.indexOf(QLatin1Char('.'), p);
        const QStringView pseg = pattern.mid(p, (pe < 0 ? pattern.size() : pe) - p);
        if (t > topic.size())
            return false;
        if (pseg == QLatin1String(">"))
            return t < topic.size();
        const qsizetype te = topic.indexOf(QLatin1Char('.'), t);
        const QStringView tseg = topic.mid(t, (te < 0 ? topic.size() : te) - t);
        if (t == topic.size() && tseg.isEmpty())
            return false;
        if (pseg != QLatin1String("*") && pseg != tseg)
            return false;
        if (pe < 0 || te < 0)
            return pe < 0 && te < 0;
        p = pe + 1;
        t = te + 1;
    }
}

Result<QString> fromMqtt(const QString &mqttFilter)
{
    if (mqttFilter.isEmpty())
        return invalid(mqttFilter, QStringLiteral("empty MQTT filter"));
    const QStringList levels = mqttFilter.split(QLatin1Char('/'));
    QStringList out;
    out.reserve(levels.size());
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QString &level = levels.at(i);
        if (level.isEmpty())
            return invalid(mqttFilter, QStringLiteral("empty MQTT level %1 has no Switchboard equivalent").arg(i));
        if (level.contains(QLatin1Char('.')))
            return invalid(mqttFilter, QStringLiteral("MQTT level \"%1\" contains '.', the Switchboard separator").arg(level));
        if (level == QLatin1String("+")) {
            out << QStringLiteral("*");
        } else if (level == QLatin1String("#")) {
            if (i != levels.size() - 1)
                return invalid(mqttFilter, QStringLiteral("'#' must be the last MQTT level"));
            // MQTT's '#' also matches the parent level itself; '>' needs at least one level.
            out << QStringLiteral(">");
        } else if (level.contains(QLatin1Char('+')) || level.contains(QLatin1Char('#'))
                   || level.contains(QLatin1Char('*')) || level.contains(QLatin1Char('>'))) {
            return invalid(mqttFilter, QStringLiteral("MQTT level \"%1\" mixes wildcards and text").arg(level));
        } else {
            out << level;
        }
    }
    const QString result = out.join(QLatin1Char('.'));
    if (Status st = validatePattern(result); !st)
        return st.error();
    return result;
}

Result<QString> toMqtt(const QString &pattern)
{
    if (Status st = validatePattern(pattern); !st)
        return st.error();
    QStringList levels = pattern.split(QLatin1Char('.'));
    for (QString &level : levels) {
        if (level == QLatin1String("*"))
            level = QStringLiteral("+");
        else if (level == QLatin1String(">"))
            level = QStringLiteral("#");
        else if (level.contains(QLatin1Char('/')) || level.contains(QLatin1Char('+')) || level.contains(QLatin1Char('#')))
            return invalid(pattern, QStringLiteral("segment \"%1\" contains an MQTT special character").arg(level));
    }
    return levels.join(QLatin1Char('/'));
}

} // namespace sb::Topic
