// SPDX-License-Identifier: Apache-2.0
#include <switchboard/configvalue.h>

#include <cmath>
#include <limits>

namespace sb::config {

namespace {

struct Unit
{
    const char *name;
    qint64 factor;
};

// Case-sensitive on purpose: "kB" is 1000 and "KiB" 1024; "KB" or "mb" are refused rather than guessed.
constexpr Unit kSizeUnits[] = {
    {"B", 1},
    {"kB", 1000},
    {"MB", 1000 * 1000},
    {"GB", 1000 * 1000 * 1000},
    {"TB", 1000LL * 1000 * 1000 * 1000},
    {"KiB", 1024},
    {"MiB", 1024 * 1024},
    {"GiB", 1024 * 1024 * 1024},
    {"TiB", 1024LL * 1024 * 1024 * 1024},
};

constexpr Unit kDurationUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 60 * 60 * 1000}, {"d", 24 * 60 * 60 * 1000},
};

constexpr Unit kFineDurationUnits[] = {{"us", 1}, {"ms", 1000}, {"s", 1000 * 1000}};

constexpr Unit kRatePeriods[] = {{"second", 1}, {"minute", 60}, {"hour", 60 * 60}};

Error invalid(const QString &key, const QString &why)
{
    return Error(ErrorCode::InvalidConfig, key + QStringLiteral(": ") + why, {{QStringLiteral("key"), key}});
}

// The value as text: YAML gives strings; JSON and toVariantMap() give numbers. Anything else
// (a map, a list, nothing) has no text.
bool toText(const QVariant &value, QString *text)
{
    switch (value.typeId()) {
    case QMetaType::QString:
        *text = value.toString().trimmed();
        return true;
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
        *text = value.toString();
        return true;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        // Whole JSON numbers arrive as doubles; keep them whole ("1e+06" would not parse).
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15)
            *text = QString::number(qint64(d));
        else
            *text = QString::number(d, 'g', 17);
        return true;
    }
    default:
        return false;
    }
}

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// "<sign><digits>[.<digits>] <unit>" -> its parts; false if the number is missing or malformed.
struct Parts
{
    bool negative = false;
    QStringView number;
    QStringView unit;
};

bool split(QStringView s, bool allowFraction, Parts *out)
{
    qsizetype i = 0;
    if (i < s.size() && s[i] == u'-') {
        out->negative = true;
        ++i;
    }
    const qsizetype start = i;
    while (i < s.size() && isAsciiDigit(s[i]))
        ++i;
    if (i == start)
        return false;
    if (allowFraction && i < s.size() && s[i] == u'.') {
        const qsizetype fraction = ++i;
        while (i < s.size() && isAsciiDigit(s[i]))
            ++i;
        if (i == fraction)
            return false;
    }
    out->number = s.mid(start, i - start);
    while (i < s.size() && s[i].isSpace())
        ++i;
    out->unit = s.mid(i);
    return true;
}

template<size_t N>
bool findUnit(const Unit (&units)[N], QStringView name, qint64 *factor)
{
    for (const Unit &u : units) {
        if (name == QLatin1String(u.name)) {
            *factor = u.factor;
            return true;
        }
    }
    return false;
}

// Whole number with an optional unit from \a units (none: \a plainFactor), checked for overflow.
template<size_t N>
Result<qint64> parseWhole(const QVariant &value, const QString &key, const Unit (&units)[N], qint64 plainFactor,
                          const QString &notValid)
{
    QString text;
    Parts parts;
    qint64 factor = plainFactor;
    if (!toText(value, &text) || !split(text, false, &parts)
        || (!parts.unit.isEmpty() && !findUnit(units, parts.unit, &factor)))
        return invalid(key, (text.isEmpty() ? QStringLiteral("an empty value") : QStringLiteral("\"%1\"").arg(text))
                                + QStringLiteral(" is not ") + notValid);
    if (parts.negative)
        return invalid(key, QStringLiteral("\"%1\" is negative; use 0 or more").arg(text));
    bool ok = false;
    const qint64 n = parts.number.toLongLong(&ok);
    if (!ok || (factor > 0 && n > std::numeric_limits<qint64>::max() / factor))
        return invalid(key, QStringLiteral("\"%1\" is too large").arg(text));
    return n * factor;
}

} // namespace

/*!
    Parses a size in bytes for the config key \a key. Accepts a plain integer (bytes, the meaning
    every size key had before units), or a whole number followed by a unit, with or without a space:
    \c B, the decimal \c kB, \c MB, \c GB, \c TB (powers of 1000) and the binary \c KiB, \c MiB,
    \c GiB, \c TiB (powers of 1024). Units are case-sensitive. Negative values, fractions, unknown
    units and values beyond qint64 are InvalidConfig errors naming \a key and the accepted forms.
*/
Result<qint64> parseSize(const QVariant &value, const QString &key)
{
    return parseWhole(value, key, kSizeUnits, 1,
                      QStringLiteral("a size (use a number of bytes, or a whole number with a unit: B, kB, MB, GB, TB "
                                     "(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), e.g. 64MiB)"));
}

/*!
    Parses a duration into milliseconds for the config key \a key: a whole number followed by
    \c ms, \c s, \c m (minutes), \c h or \c d, or a plain integer counted in \a plainUnitMs
    milliseconds (1 for keys named \c *-ms, so their plain integers keep their meaning).
*/
Result<qint64> parseDurationMs(const QVariant &value, const QString &key, qint64 plainUnitMs)
{
    const QString plain = plainUnitMs == 1 ? QStringLiteral("milliseconds")
        : plainUnitMs == 1000              ? QStringLiteral("seconds")
                                           : QStringLiteral("units of %1 ms").arg(plainUnitMs);
    return parseWhole(value, key, kDurationUnits, plainUnitMs,
                      QStringLiteral("a duration (use a whole number with a unit: ms, s, m, h, d, e.g. 500ms, 5s, "
                                     "2m; a plain number counts %1)")
                          .arg(plain));
}

/*!
    Parses a duration into microseconds for the config key \a key: a whole number followed by
    \c us, \c ms or \c s, or a plain integer (microseconds).
*/
Result<qint64> parseDurationUs(const QVariant &value, const QString &key)
{
    return parseWhole(value, key, kFineDurationUnits, 1,
                      QStringLiteral("a duration (use a whole number with a unit: us, ms, s, e.g. 200us; a plain "
                                     "number counts microseconds)"));
}

/*!
    Parses a message rate for the config key \a key: \c N/second, \c N/minute or \c N/hour, or a
    plain number (per second, the meaning of the existing \c messages-per-second keys). \c N may
    have a fraction; 0 means unlimited wherever a rate limit is configured.
*/
Result<Rate> parseRate(const QVariant &value, const QString &key)
{
    QString text;
    Parts parts;
    qint64 periodSeconds = 1;
    bool valid = toText(value, &text) && split(text, true, &parts);
    if (valid && !parts.unit.isEmpty()) {
        valid = parts.unit.startsWith(u'/') && findUnit(kRatePeriods, parts.unit.mid(1).trimmed(), &periodSeconds);
    }
    if (!valid)
        return invalid(key, (text.isEmpty() ? QStringLiteral("an empty value") : QStringLiteral("\"%1\"").arg(text))
                                + QStringLiteral(" is not a rate (use N/second, N/minute or N/hour, e.g. 100/second "
                                                 "or 6000/minute, or a plain number per second)"));
    if (parts.negative)
        return invalid(key, QStringLiteral("\"%1\" is negative; use 0 or more").arg(text));
    bool ok = false;
    const double n = parts.number.toDouble(&ok);
    if (!ok || !std::isfinite(n))
        return invalid(key, QStringLiteral("\"%1\" is too large").arg(text));
    return Rate{n / double(periodSeconds)};
}

} // namespace sb::config
