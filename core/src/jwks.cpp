// SPDX-License-Identifier: Apache-2.0
#include <QJsonArray>
#include <QJsonDocument>
#include <switchboard/jwks.h>

namespace sb {

namespace {
Error bad(const QString &why)
{
    return Error(ErrorCode::InvalidConfig, why);
}
} // namespace

/*!
    Parses the JWKS document \a json ({"keys": [JWK, ...]}, at most MaxDocumentBytes and MaxKeys
    keys) into the keys that can verify signatures with one of \a allowed (JwtKey::fromJwk). Keys
    that cannot are left out with a reason in skipped(), so a key set that also publishes
    encryption keys still works; a set with no usable key at all is an error, as is a repeated kid
    (which key a token means would be a guess).
*/
Result<Jwks> Jwks::fromJson(const QByteArray &json, const QList<JwtAlgorithm> &allowed)
{
    if (json.size() > MaxDocumentBytes)
        return bad(QStringLiteral("the key set is larger than %1 bytes").arg(MaxDocumentBytes));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return bad(QStringLiteral("the key set is not JSON (%1 at offset %2)")
                       .arg(parseError.errorString())
                       .arg(parseError.offset));
    if (!doc.isObject() || !doc.object().value(QLatin1String("keys")).isArray())
        return bad(QStringLiteral("the key set is not a JWKS (an object with a \"keys\" array)"));
    const QJsonArray array = doc.object().value(QLatin1String("keys")).toArray();
    if (array.size() > MaxKeys)
        return bad(QStringLiteral("the key set has %1 keys, more than %2").arg(array.size()).arg(MaxKeys));
    Jwks set;
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isObject()) {
            set.m_skipped.append(QStringLiteral("keys[%1]: not an object").arg(i));
            continue;
        }
        Result<JwtKey> key = JwtKey::fromJwk(array.at(i).toObject(), allowed);
        if (!key) {
            set.m_skipped.append(key.error().message);
            continue;
        }
        if (Status st = set.add(key.value()); !st)
            return st.error();
    }
    if (set.isEmpty())
        return bad(QStringLiteral("the key set has no usable signature key")
            + (set.m_skipped.isEmpty()
                    ? QString()
                    : QStringLiteral(" (") + set.m_skipped.join(QStringLiteral("; ")) + QLatin1Char(')')));
    return set;
}

Status Jwks::add(const JwtKey &key)
{
    for (const JwtKey &k : std::as_const(m_keys)) {
        if (k.kid() == key.kid())
            return bad(key.kid().isEmpty() ? QStringLiteral("more than one key without a kid")
                                           : QStringLiteral("kid \"%1\" appears twice").arg(key.kid().left(64)));
    }
    m_keys.append(key);
    return {};
}

/*!
    The key whose kid is \a kid. A token without a kid (\a kid empty) finds the key of a one-key
    set, whatever its kid; with more keys it needs a kid.
*/
const JwtKey *Jwks::find(const QString &kid) const
{
    if (kid.isEmpty())
        return m_keys.size() == 1 ? &m_keys.first() : nullptr;
    for (const JwtKey &k : m_keys) {
        if (k.kid() == kid)
            return &k;
    }
    return nullptr;
}

QStringList Jwks::kids() const
{
    QStringList out;
    for (const JwtKey &k : m_keys)
        out.append(k.kid());
    return out;
}

} // namespace sb
