// SPDX-License-Identifier: Apache-2.0
#include <switchboard/recipients.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

namespace sb {

namespace {

constexpr int kMaxNameLength = 64;
constexpr int kMaxValueLength = 256;

bool isNameChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
           || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('.')
           || c == QLatin1Char('-');
}

bool isName(QStringView name)
{
    if (name.isEmpty() || name.size() > kMaxNameLength)
        return false;
    for (QChar c : name) {
        if (!isNameChar(c))
            return false;
    }
    return true;
}

Error selectorError(qsizetype position, const QString &reason)
{
    return Error(ErrorCode::BadMessage,
                 QStringLiteral("x-sb-to at %1: %2").arg(position + 1).arg(reason),
                 {{QStringLiteral("field"), QStringLiteral("x-sb-to")},
                  {QStringLiteral("position"), int(position + 1)},
                  {QStringLiteral("reason"), reason}});
}

// %XX-decodes \a in; false on a broken escape or bytes that are not UTF-8.
bool decode(QStringView in, QString *out)
{
    if (!in.contains(QLatin1Char('%'))) {
        *out = in.toString();
        return true;
    }
    QByteArray bytes;
    const QByteArray utf8 = in.toUtf8();
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] != '%') {
            bytes.append(utf8[i]);
            continue;
        }
        if (i + 2 >= utf8.size() || !isxdigit(uchar(utf8[i + 1])) || !isxdigit(uchar(utf8[i + 2])))
            return false;
        bytes.append(char(QByteArray::fromHex(utf8.mid(i + 1, 2)).at(0)));
        i += 2;
    }
    const QString s = QString::fromUtf8(bytes);
    if (s.toUtf8() != bytes)
        return false;
    *out = s;
    return true;
}

} // namespace

Result<Recipients> Recipients::parse(QStringView selector)
{
    if (selector.size() > kMaxLength)
        return selectorError(kMaxLength, QStringLiteral("longer than %1 characters").arg(kMaxLength));
    Recipients r;
    int values = 0;
    qsizetype pos = 0;
    for (QStringView clause : selector.split(QLatin1Char('&'))) {
        const qsizetype at = pos;
        pos += clause.size() + 1;
        const qsizetype eq = clause.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return selectorError(at, QStringLiteral("a clause is key=value[,value...] (connection, identity or meta.<name>)"));
        if (r.m_clauses.size() >= kMaxClauses)
            return selectorError(at, QStringLiteral("more than %1 clauses").arg(kMaxClauses));
        Clause c;
        const QStringView key = clause.left(eq);
        if (key == QLatin1String("connection")) {
            c.kind = Kind::Connection;
        } else if (key == QLatin1String("identity")) {
            c.kind = Kind::Identity;
        } else if (key.startsWith(QLatin1String("meta.")) && isName(key.mid(5))) {
            c.kind = Kind::Meta;
            c.key = key.mid(5).toString();
        } else {
            return selectorError(at, QStringLiteral("unknown key \"%1\" (connection, identity or meta.<name>)")
                                         .arg(key.left(kMaxNameLength).toString()));
        }
        qsizetype vpos = at + eq + 1;
        for (QStringView raw : clause.mid(eq + 1).split(QLatin1Char(','))) {
            QString value;
            if (raw.isEmpty())
                return selectorError(vpos, QStringLiteral("an empty value"));
            if (!decode(raw, &value))
                return selectorError(vpos, QStringLiteral("a broken %-escape or bytes that are not UTF-8"));
            if (++values > kMaxValues)
                return selectorError(vpos, QStringLiteral("more than %1 values").arg(kMaxValues));
            c.values.append(value);
            vpos += raw.size() + 1;
        }
        r.m_clauses.append(std::move(c));
    }
    return r;
}

QString Recipients::format(const QVector<std::pair<QString, QStringList>> &clauses)
{
    QStringList parts;
    for (const auto &[key, values] : clauses) {
        QStringList encoded;
        for (const QString &v : values)
            encoded.append(QString::fromLatin1(QUrl::toPercentEncoding(v)));
        parts.append(key + QLatin1Char('=') + encoded.join(QLatin1Char(',')));
    }
    return parts.join(QLatin1Char('&'));
}

Result<QString> Recipients::selectorFromJson(const QJsonValue &to)
{
    auto bad = [](const QString &why) {
        return Error(ErrorCode::BadMessage, QStringLiteral("\"to\": %1").arg(why), {{QStringLiteral("field"), QStringLiteral("to")}});
    };
    // A value must survive UTF-8 (no lone surrogates): the selector carries it percent-encoded.
    auto usable = [](const QString &s) { return !s.isEmpty() && QString::fromUtf8(s.toUtf8()) == s; };
    auto values = [&usable](const QJsonValue &v, QStringList *out) {
        if (v.isString()) {
            out->append(v.toString());
            return usable(v.toString());
        }
        if (!v.isArray() || v.toArray().isEmpty())
            return false;
        for (const QJsonValue &e : v.toArray()) {
            if (!e.isString() || !usable(e.toString()))
                return false;
            out->append(e.toString());
        }
        return true;
    };
    if (!to.isObject())
        return bad(QStringLiteral("an object: {\"connection\", \"identity\", \"meta\": {name: value}}"));
    QVector<std::pair<QString, QStringList>> clauses;
    const QJsonObject o = to.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        QStringList list;
        if (it.key() == QLatin1String("connection") || it.key() == QLatin1String("identity")) {
            if (!values(it.value(), &list))
                return bad(QStringLiteral("%1 is a string or a list of strings").arg(it.key()));
            clauses.append({it.key(), list});
        } else if (it.key() == QLatin1String("meta")) {
            if (!it.value().isObject() || it.value().toObject().isEmpty())
                return bad(QStringLiteral("meta is an object of names and values"));
            const QJsonObject meta = it.value().toObject();
            for (auto m = meta.begin(); m != meta.end(); ++m) {
                QStringList metaValues;
                if (!isName(m.key()) || !values(m.value(), &metaValues))
                    return bad(QStringLiteral("meta.%1: a name of A-Z a-z 0-9 _ . - and a string or a list of strings")
                                   .arg(m.key().left(kMaxNameLength)));
                clauses.append({QStringLiteral("meta.") + m.key(), metaValues});
            }
        } else {
            return bad(QStringLiteral("unknown key \"%1\" (connection, identity, meta)").arg(it.key().left(kMaxNameLength)));
        }
    }
    if (clauses.isEmpty())
        return bad(QStringLiteral("names no recipient"));
    const QString selector = format(clauses);
    if (Result<Recipients> r = parse(selector); !r)
        return bad(r.error().message);
    return selector;
}

Status Recipients::checkMetadata(const ConnectionMetadata &metadata, const MetadataLimits &limits)
{
    if (metadata.size() > limits.maxEntries)
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("%1 metadata entries, more than the limit of %2 (limits.max-connection-metadata)")
                         .arg(metadata.size())
                         .arg(limits.maxEntries),
                     {{QStringLiteral("limit"), limits.maxEntries}});
    qsizetype bytes = 0;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it) {
        if (!isName(it.key()))
            return Error(ErrorCode::BadMessage,
                         QStringLiteral("metadata name \"%1\": 1 to %2 characters of A-Z a-z 0-9 _ . -")
                             .arg(it.key().left(kMaxNameLength))
                             .arg(kMaxNameLength),
                         {{QStringLiteral("field"), QString(QStringLiteral("meta.") + it.key().left(kMaxNameLength))}});
        if (it.value().size() > kMaxValueLength)
            return Error(ErrorCode::BadMessage,
                         QStringLiteral("metadata \"%1\": a value over %2 characters").arg(it.key()).arg(kMaxValueLength),
                         {{QStringLiteral("field"), QString(QStringLiteral("meta.") + it.key())}});
        bytes += it.key().toUtf8().size() + it.value().toUtf8().size();
    }
    if (bytes > limits.maxBytes)
        return Error(ErrorCode::LimitExceeded,
                     QStringLiteral("%1 bytes of metadata, more than the limit of %2 (limits.max-connection-metadata-bytes)")
                         .arg(bytes)
                         .arg(limits.maxBytes),
                     {{QStringLiteral("limit"), limits.maxBytes}});
    return {};
}

bool Recipients::matches(const QString &connectionId, const QString &identity, const ConnectionMetadata *metadata) const
{
    for (const Clause &c : m_clauses) {
        switch (c.kind) {
        case Kind::Connection:
            if (connectionId.isEmpty() || !c.values.contains(connectionId))
                return false;
            break;
        case Kind::Identity:
            if (!c.values.contains(identity))
                return false;
            break;
        case Kind::Meta: {
            if (!metadata)
                return false;
            const auto it = metadata->constFind(c.key);
            if (it == metadata->cend() || !c.values.contains(*it))
                return false;
            break;
        }
        }
    }
    return true;
}

} // namespace sb
