// SPDX-License-Identifier: Apache-2.0
#include <switchboard/jsoncodec.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>

#include <cmath>

namespace sb {

namespace {
const QString kMessageId = QStringLiteral("messageId");
const QString kType = QStringLiteral("type");
const QString kChannel = QStringLiteral("channel");
const QString kAction = QStringLiteral("action");
const QString kData = QStringLiteral("data");
const QString kTimestamp = QStringLiteral("timestamp");
const QString kCorrelationId = QStringLiteral("correlationId");
const QString kError = QStringLiteral("error");
const QString kTopic = QStringLiteral("topic");
const QString kHeaders = QStringLiteral("headers");
const QString kContentType = QStringLiteral("contentType");
const QString kReplyTo = QStringLiteral("replyTo");
const QString kTtl = QStringLiteral("ttl");
const QString kAttempt = QStringLiteral("attempt");
const QString kSource = QStringLiteral("source");
const QString kDataEncoding = QStringLiteral("dataEncoding");
const QString kBase64 = QStringLiteral("base64");
const QString kJsonType = QStringLiteral("application/json");

Error badField(const QString &field, const QString &why)
{
    return Error(ErrorCode::BadMessage, QStringLiteral("field \"%1\": %2").arg(field, why),
                 {{QStringLiteral("field"), field}});
}

// A JSON number as an integer in [\a min, \a max]. False for NaN, infinities, fractions and values
// out of range: converting such a double to an integer type is undefined behaviour. \a min and
// \a max must be exact as doubles (|x| <= 2^53).
bool integerInRange(const QJsonValue &v, qint64 min, qint64 max, qint64 *out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!(d >= double(min) && d <= double(max)) || d != std::trunc(d))
        return false;
    *out = qint64(d);
    return true;
}

// The path of the first key or string in \a v that is not valid UTF-16 (an unpaired surrogate, which
// JSON spells "\ud800"), or a null string. Such text cannot be sent on as UTF-8 unchanged.
QString invalidTextAt(const QJsonValue &v, const QString &path)
{
    if (v.isString())
        return QStringView(v.toString()).isValidUtf16() ? QString() : path;
    const auto child = [&path](const QString &name) {
        const QString readable = QString::fromUtf8(name.toUtf8()); // the surrogate shown as U+FFFD
        return path.isEmpty() ? readable : path + QLatin1Char('.') + readable;
    };
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (!QStringView(it.key()).isValidUtf16())
                return child(it.key());
            if (QString at = invalidTextAt(it.value(), child(it.key())); !at.isNull())
                return at;
        }
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (QString at = invalidTextAt(a.at(i), path + QStringLiteral("[%1]").arg(i)); !at.isNull())
                return at;
        }
    }
    return QString();
}

bool optionalString(const QJsonObject &o, const QString &key, QString *out, Error *error)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isString()) {
        *error = badField(key, QStringLiteral("must be a string"));
        return false;
    }
    *out = v.toString();
    return true;
}
} // namespace

QString JsonCodec::formatTimestamp(qint64 msecsSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msecsSinceEpoch, Qt::UTC).toString(Qt::ISODateWithMs);
}

bool JsonCodec::isJsonContentType(const QString &contentType)
{
    return contentType == kJsonType || contentType.endsWith(QLatin1String("+json"));
}

QJsonObject JsonCodec::toJsonObject(const Message &m)
{
    QJsonObject o;
    o.insert(kMessageId, m.id());
    o.insert(kType, messageTypeName(m.type()));
    o.insert(kChannel, m.channel());
    o.insert(kAction, m.action());

    const QByteArray payload = m.payload();
    QJsonValue data;
    bool embedded = false;
    if (isJsonContentType(m.contentType()) && !payload.isEmpty()) {
        QJsonParseError pe;
        // Wrap so scalars and arrays parse too.
        const QByteArray wrapped = "[" + payload + "]";
        const QJsonDocument doc = QJsonDocument::fromJson(wrapped, &pe);
        // Embedded only if Qt writes it back byte for byte: "-0", "1.0", "1e2", spaces, big
        // integers and the like would come back changed, so they travel as a string (found by
        // fuzz_json_codec: a payload must survive the codec unchanged).
        if (pe.error == QJsonParseError::NoError && doc.array().size() == 1
            && doc.toJson(QJsonDocument::Compact) == wrapped) {
            data = doc.array().at(0);
            embedded = true;
        }
    }
    if (!embedded) {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString text = decoder(payload);
        if (!decoder.hasError()) {
            data = text;
        } else {
            data = QString::fromLatin1(payload.toBase64());
            o.insert(kDataEncoding, kBase64);
        }
    }
    o.insert(kData, data);
    o.insert(kTimestamp, formatTimestamp(m.timestamp()));
    o.insert(kCorrelationId, m.correlationId());
    if (m.hasError()) {
        const Error e = m.error();
        QJsonObject err{{QStringLiteral("code"), e.codeName()}, {QStringLiteral("message"), e.message}};
        err.insert(QStringLiteral("details"), QJsonObject::fromVariantMap(e.details));
        o.insert(kError, err);
    } else {
        o.insert(kError, QJsonValue::Null);
    }
    if (!m.topic().isEmpty()) o.insert(kTopic, m.topic());
    if (!m.headers().isEmpty()) {
        QJsonObject h;
        const Headers headers = m.headers();
        for (auto it = headers.cbegin(); it != headers.cend(); ++it)
            h.insert(it.key(), it.value());
        o.insert(kHeaders, h);
    }
    if (!m.contentType().isEmpty()) o.insert(kContentType, m.contentType());
    if (!m.replyTo().isEmpty()) o.insert(kReplyTo, m.replyTo());
    if (m.ttl() > 0) o.insert(kTtl, double(m.ttl()));
    if (m.attempt() != 1) o.insert(kAttempt, m.attempt());
    if (!m.source().isEmpty()) o.insert(kSource, m.source());
    return o;
}

QByteArray JsonCodec::encode(const Message &message)
{
    return QJsonDocument(toJsonObject(message)).toJson(QJsonDocument::Compact);
}

Result<Message> JsonCodec::fromJsonObject(const QJsonObject &o)
{
    // Every key and string must be valid Unicode: the binary codec (and every UTF-8 protocol) would
    // turn an unpaired surrogate into U+FFFD, so the message forwarded would not be the one received
    // (a topic would even route elsewhere). Found by fuzz_json_codec.
    if (const QString at = invalidTextAt(o, QString()); !at.isNull())
        return badField(at, QStringLiteral("is not valid Unicode text (an unpaired surrogate such as \\ud800)"));

    Message m;
    Error error;

    const QJsonValue type = o.value(kType);
    if (!type.isString())
        return badField(kType, QStringLiteral("is required and must be one of request, response, event, "
                                              "subscribe, unsubscribe"));
    MessageType t;
    if (!messageTypeFromName(type.toString(), &t))
        return badField(kType, QStringLiteral("\"%1\" is not one of request, response, event, subscribe, "
                                              "unsubscribe")
                                   .arg(type.toString()));
    m.setType(t);

    QString s;
    struct StringField {
        const QString &key;
        void (Message::*set)(const QString &);
    };
    const StringField fields[] = {
        {kMessageId, &Message::setId},         {kChannel, &Message::setChannel},
        {kAction, &Message::setAction},        {kCorrelationId, &Message::setCorrelationId},
        {kTopic, &Message::setTopic},          {kContentType, &Message::setContentType},
        {kReplyTo, &Message::setReplyTo},      {kSource, &Message::setSource},
    };
    for (const auto &f : fields) {
        s.clear();
        if (!optionalString(o, f.key, &s, &error))
            return error;
        (m.*f.set)(s);
    }

    const QJsonValue ts = o.value(kTimestamp);
    if (!ts.isUndefined() && !ts.isNull()) {
        if (!ts.isString())
            return badField(kTimestamp, QStringLiteral("must be an ISO-8601 string"));
        QDateTime dt = QDateTime::fromString(ts.toString(), Qt::ISODateWithMs);
        if (!dt.isValid())
            dt = QDateTime::fromString(ts.toString(), Qt::ISODate);
        if (!dt.isValid())
            return badField(kTimestamp, QStringLiteral("\"%1\" is not an ISO-8601 date-time").arg(ts.toString()));
        m.setTimestamp(dt.toMSecsSinceEpoch());
    }

    const QJsonValue data = o.value(kData);
    const QJsonValue encoding = o.value(kDataEncoding);
    if (data.isString()) {
        if (encoding.isString() && encoding.toString() == kBase64) {
            auto decoded = QByteArray::fromBase64Encoding(data.toString().toLatin1(),
                                                          QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded)
                return badField(kData, QStringLiteral("is not valid base64"));
            m.setPayload(*decoded);
        } else if (!encoding.isUndefined() && !encoding.isNull()) {
            return badField(kDataEncoding, QStringLiteral("only \"base64\" is supported"));
        } else {
            m.setPayload(data.toString().toUtf8());
        }
    } else if (data.isObject() || data.isArray() || data.isDouble() || data.isBool()) {
        QJsonArray wrap{data};
        QByteArray json = QJsonDocument(wrap).toJson(QJsonDocument::Compact);
        m.setPayload(json.mid(1, json.size() - 2));
        if (m.contentType().isEmpty())
            m.setContentType(kJsonType);
    }

    const QJsonValue err = o.value(kError);
    if (err.isObject()) {
        const QJsonObject eo = err.toObject();
        const QJsonValue code = eo.value(QStringLiteral("code"));
        if (!code.isString())
            return badField(QStringLiteral("error.code"), QStringLiteral("must be an error code string"));
        const ErrorCode c = errorCodeFromName(code.toString());
        if (c == ErrorCode::Internal && code.toString() != QLatin1String("INTERNAL"))
            return badField(QStringLiteral("error.code"), QStringLiteral("unknown code \"%1\"").arg(code.toString()));
        // "OK" is no error: its message and details would be dropped by the next encode (as the
        // binary codec refuses an error field without a code).
        if (c == ErrorCode::None)
            return badField(QStringLiteral("error.code"), QStringLiteral("\"OK\" is not an error code; leave \"error\" out"));
        m.setError(Error(c, eo.value(QStringLiteral("message")).toString(),
                         eo.value(QStringLiteral("details")).toObject().toVariantMap()));
    } else if (!err.isUndefined() && !err.isNull()) {
        return badField(kError, QStringLiteral("must be an object or null"));
    }

    const QJsonValue headers = o.value(kHeaders);
    if (headers.isObject()) {
        Headers h;
        const QJsonObject ho = headers.toObject();
        for (auto it = ho.begin(); it != ho.end(); ++it) {
            if (!it.value().isString())
                return badField(kHeaders + QLatin1Char('.') + it.key(), QStringLiteral("must be a string"));
            h.insert(it.key(), it.value().toString());
        }
        m.setHeaders(h);
    } else if (!headers.isUndefined() && !headers.isNull()) {
        return badField(kHeaders, QStringLiteral("must be an object of strings"));
    }

    // 9e15 ms is some 285,000 years and exact as a double; the binary codec's bounds are wider.
    const QJsonValue ttl = o.value(kTtl);
    if (!ttl.isUndefined() && !ttl.isNull()) {
        qint64 v = 0;
        if (!integerInRange(ttl, 0, qint64(9e15), &v))
            return badField(kTtl, QStringLiteral("must be a whole number of milliseconds from 0 to 9e15"));
        m.setTtl(v);
    }
    const QJsonValue attempt = o.value(kAttempt);
    if (!attempt.isUndefined() && !attempt.isNull()) {
        qint64 v = 0;
        if (!integerInRange(attempt, 0, 1000000, &v))
            return badField(kAttempt, QStringLiteral("must be a whole number from 0 to 1000000"));
        m.setAttempt(int(v));
    }
    return m;
}

Result<Message> JsonCodec::decode(const QByteArray &json, qint64 maxSize)
{
    if (json.size() > maxSize)
        return Error(ErrorCode::TooLarge,
                     QStringLiteral("JSON message of %1 bytes exceeds the limit of %2 bytes").arg(json.size()).arg(maxSize),
                     {{QStringLiteral("limit"), maxSize}});
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error(ErrorCode::BadFrame,
                     QStringLiteral("invalid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()),
                     {{QStringLiteral("offset"), pe.offset}});
    if (!doc.isObject())
        return Error(ErrorCode::BadMessage, QStringLiteral("a message must be a JSON object"));
    return fromJsonObject(doc.object());
}

} // namespace sb
