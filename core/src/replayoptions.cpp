// SPDX-License-Identifier: Apache-2.0
#include <switchboard/replayoptions.h>
#include <switchboard/topic.h>

#include <QDateTime>

#include <cmath>

namespace sb {

namespace {

Error bad(const QString &key, const QString &why)
{
    return Error(ErrorCode::BadMessage, key + QStringLiteral(": ") + why, {{QStringLiteral("field"), key}});
}

// A whole number >= 0 from a JSON number or its text. Doubles past 2^53 or with a fraction are
// refused: converting them would be undefined behaviour or lose digits.
bool whole(const QVariant &v, quint64 *out)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
        if (v.toLongLong() < 0)
            return false;
        *out = quint64(v.toLongLong());
        return true;
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        *out = v.toULongLong();
        return true;
    default:
        break;
    }
    if (v.typeId() == QMetaType::QString) {
        bool ok = false;
        *out = v.toString().toULongLong(&ok);
        return ok;
    }
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || !(d >= 0 && d <= 9007199254740992.0) || d != std::trunc(d))
        return false;
    *out = quint64(d);
    return true;
}

// Milliseconds since the epoch, or an ISO 8601 time.
bool time(const QVariant &v, qint64 *out)
{
    quint64 n = 0;
    if (whole(v, &n)) {
        *out = qint64(n);
        return true;
    }
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        return false;
    *out = t.toMSecsSinceEpoch();
    return true;
}

bool endsWithTail(const QString &pattern)
{
    return pattern == QLatin1String(">") || pattern.endsWith(QLatin1String(".>"));
}

} // namespace

Result<ReplayOptions> ReplayOptions::fromVariantMap(const QVariantMap &map)
{
    ReplayOptions o;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QString &key = it.key();
        const QVariant &v = it.value();
        quint64 n = 0;
        if (key == QLatin1String("channel")) {
            o.channel = v.toString();
        } else if (key == QLatin1String("topic")) {
            o.topic = v.toString();
        } else if (key == QLatin1String("from") || key == QLatin1String("to")) {
            qint64 t = 0;
            if (!time(v, &t))
                return bad(key, QStringLiteral("expected milliseconds since the epoch or an ISO 8601 time"));
            (key == QLatin1String("from") ? o.fromMs : o.toMs) = t;
        } else if (key == QLatin1String("after-seq") || key == QLatin1String("to-seq")) {
            if (!whole(v, &n))
                return bad(key, QStringLiteral("expected a sequence number (a whole number, 0 or more)"));
            (key == QLatin1String("after-seq") ? o.afterSeq : o.toSeq) = n;
        } else if (key == QLatin1String("speed")) {
            bool ok = false;
            const double s = v.toString() == QLatin1String("max") ? 0.0 : v.toDouble(&ok);
            if (v.toString() != QLatin1String("max") && !ok)
                return bad(key, QStringLiteral("expected a number from %1 to %2, or \"max\"").arg(MinSpeed).arg(MaxSpeed));
            o.speed = s;
        } else if (key == QLatin1String("remap")) {
            const QVariantMap r = v.toMap();
            if (r.isEmpty() || !r.contains(QStringLiteral("from")) || !r.contains(QStringLiteral("to")) || r.size() != 2)
                return bad(key, QStringLiteral("expected {from: <pattern>, to: <pattern>}"));
            o.remapFrom = r.value(QStringLiteral("from")).toString();
            o.remapTo = r.value(QStringLiteral("to")).toString();
        } else if (key == QLatin1String("target-channel")) {
            o.targetChannel = v.toString();
        } else if (key == QLatin1String("subscription")) {
            if (!whole(v, &n) || n == 0)
                return bad(key, QStringLiteral("expected a subscription id (1 or more)"));
            o.subscription = n;
        } else if (key == QLatin1String("store")) {
            if (v.typeId() != QMetaType::Bool && v.toString() != QLatin1String("true") && v.toString() != QLatin1String("false"))
                return bad(key, QStringLiteral("expected true or false"));
            o.store = v.toBool();
        } else {
            return bad(key, QStringLiteral("unknown key (expected channel, topic, from, to, after-seq, to-seq, speed, "
                                           "remap, target-channel, subscription, store)"));
        }
    }
    if (Status st = o.validate(); !st)
        return st.error();
    return o;
}

Status ReplayOptions::validate() const
{
    if (!topic.isEmpty()) {
        if (Status st = Topic::validatePattern(topic); !st)
            return Error(st.error().code, QStringLiteral("topic: ") + st.error().message, {{QStringLiteral("field"), QStringLiteral("topic")}});
    }
    if (!(speed == 0 || (speed >= MinSpeed && speed <= MaxSpeed)))
        return bad(QStringLiteral("speed"), QStringLiteral("must be from %1 to %2, or 0 (\"max\": as fast as possible)")
                                                .arg(MinSpeed)
                                                .arg(MaxSpeed));
    if (fromMs < 0 || toMs < 0 || (toMs > 0 && fromMs > toMs))
        return bad(QStringLiteral("from"), QStringLiteral("the time range is empty or negative"));
    if (toSeq > 0 && toSeq <= afterSeq)
        return bad(QStringLiteral("to-seq"), QStringLiteral("must be above after-seq"));
    if (remapFrom.isEmpty() != remapTo.isEmpty())
        return bad(QStringLiteral("remap"), QStringLiteral("needs both from and to"));
    if (!remapFrom.isEmpty()) {
        for (const QString &p : {remapFrom, remapTo}) {
            if (Status st = Topic::validatePattern(p); !st)
                return Error(st.error().code, QStringLiteral("remap: ") + st.error().message, {{QStringLiteral("field"), QStringLiteral("remap")}});
        }
        const bool tail = endsWithTail(remapFrom);
        if (tail != endsWithTail(remapTo))
            return bad(QStringLiteral("remap"), QStringLiteral("from and to both end in \">\" (a prefix replaced) or are both exact topics"));
        const auto wild = [](const QString &p) { return p.contains(QLatin1Char('*')) || p.chopped(1).contains(QLatin1Char('>')); };
        if (wild(remapFrom) || wild(remapTo) || (!tail && (!Topic::validateTopic(remapFrom) || !Topic::validateTopic(remapTo))))
            return bad(QStringLiteral("remap"), QStringLiteral("only a trailing \">\" is allowed (\"orders.>\" -> \"replay.orders.>\")"));
    }
    return {};
}

QString ReplayOptions::remapTopic(const QString &t) const
{
    if (remapFrom.isEmpty())
        return t;
    if (!endsWithTail(remapFrom))
        return t == remapFrom ? remapTo : t;
    const QString from = remapFrom.chopped(1), to = remapTo.chopped(1); // "orders." and "replay.orders."
    if (!from.isEmpty() && !t.startsWith(from))
        return t;
    return to + t.mid(from.size());
}

QVariantMap ReplayOptions::toVariantMap() const
{
    QVariantMap m{{QStringLiteral("channel"), channel},
                  {QStringLiteral("topic"), topic},
                  {QStringLiteral("from"), fromMs},
                  {QStringLiteral("to"), toMs},
                  {QStringLiteral("after-seq"), QString::number(afterSeq)},
                  {QStringLiteral("to-seq"), QString::number(toSeq)},
                  {QStringLiteral("speed"), speed == 0 ? QVariant(QStringLiteral("max")) : QVariant(speed)},
                  {QStringLiteral("target-channel"), target()},
                  {QStringLiteral("store"), store}};
    if (!remapFrom.isEmpty())
        m.insert(QStringLiteral("remap"), QVariantMap{{QStringLiteral("from"), remapFrom}, {QStringLiteral("to"), remapTo}});
    if (subscription)
        m.insert(QStringLiteral("subscription"), QString::number(subscription));
    return m;
}

} // namespace sb
