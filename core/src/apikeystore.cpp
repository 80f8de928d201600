// SPDX-License-Identifier: Apache-2.0
#include <switchboard/apikeystore.h>

#include "libcrypto_p.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>

#include <algorithm>

namespace sb {

namespace {

constexpr qsizetype kIdBytes = 8;      // 16 hex digits
constexpr qsizetype kSecretBytes = 32; // 43 base64url characters
constexpr qsizetype kSaltBytes = 16;
constexpr qsizetype kHashBytes = 32;
constexpr qsizetype kMaxCredential = 256;

// The kernel's generator (getrandom), which Qt documents as fit for cryptographic use.
QByteArray randomBytes(qsizetype n)
{
    QByteArray out(n, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(out.data()), n / qsizetype(sizeof(quint32)));
    return out;
}
static_assert(kIdBytes % 4 == 0 && kSecretBytes % 4 == 0 && kSaltBytes % 4 == 0, "randomBytes fills whole words");

// Empty when scrypt fails or libcrypto cannot be loaded (create() and load() report that).
QByteArray scrypt(const QByteArray &secret, const QByteArray &salt, quint64 n, quint64 r, quint64 p)
{
    const detail::LibCrypto *c = detail::libCrypto();
    if (!c)
        return {};
    QByteArray out(kHashBytes, Qt::Uninitialized);
    // maxmem 0: OpenSSL's default (32 MiB), which N=16384, r=8 (16 MiB) fits.
    if (c->EVP_PBE_scrypt(secret.constData(), size_t(secret.size()), reinterpret_cast<const unsigned char *>(salt.constData()),
                       size_t(salt.size()), n, r, p, 0, reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()))
        != 1)
        return {};
    return out;
}

Error fileError(const QString &path, const QString &what)
{
    return Error(ErrorCode::InvalidConfig, QStringLiteral("API key file %1: %2").arg(path, what),
                 {{QStringLiteral("path"), path}});
}

} // namespace

ApiKeyStore::ApiKeyStore(const QString &path) : m_path(path) {}

bool ApiKeyStore::parse(const QByteArray &credential, QString *id, QByteArray *secret)
{
    if (!credential.startsWith("sbk_") || credential.size() > kMaxCredential)
        return false;
    const qsizetype sep = credential.indexOf('_', 4);
    if (sep != 4 + 2 * kIdBytes)
        return false;
    const QByteArray hex = credential.mid(4, 2 * kIdBytes);
    for (char c : hex) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    const QByteArray rest = credential.mid(sep + 1);
    if (rest.isEmpty())
        return false;
    *id = QString::fromLatin1(hex);
    *secret = rest;
    return true;
}

bool ApiKeyStore::matches(const Key &key, const QByteArray &secret)
{
    const QList<QByteArray> parts = key.hash.split('$');
    if (parts.size() != 6 || parts[0] != "scrypt")
        return false;
    bool okN = false, okR = false, okP = false;
    const quint64 n = parts[1].toULongLong(&okN), r = parts[2].toULongLong(&okR), p = parts[3].toULongLong(&okP);
    const QByteArray salt = QByteArray::fromBase64(parts[4]);
    const QByteArray want = QByteArray::fromBase64(parts[5]);
    if (!okN || !okR || !okP || want.size() != kHashBytes)
        return false;
    const QByteArray got = scrypt(secret, salt, n, r, p);
    return got.size() == want.size() && detail::loadedLibCrypto().CRYPTO_memcmp(got.constData(), want.constData(), size_t(got.size())) == 0;
}

Status ApiKeyStore::load()
{
    if (m_path.isEmpty())
        return {};
    QFile f(m_path);
    if (!f.exists()) {
        m_keys.clear();
        return {};
    }
    if (!f.open(QIODevice::ReadOnly))
        return fileError(m_path, f.errorString());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return fileError(m_path, QStringLiteral("not a JSON object (%1)").arg(pe.errorString()));
    std::unordered_map<QString, Key> keys;
    for (const QJsonValue &v : doc.object().value(QStringLiteral("keys")).toArray()) {
        const QJsonObject o = v.toObject();
        Key k;
        k.id = o.value(QStringLiteral("id")).toString();
        k.name = o.value(QStringLiteral("name")).toString();
        for (const QJsonValue &r : o.value(QStringLiteral("roles")).toArray())
            k.roles.append(r.toString());
        k.created = QDateTime::fromString(o.value(QStringLiteral("created")).toString(), Qt::ISODateWithMs);
        k.hash = o.value(QStringLiteral("hash")).toString().toLatin1();
        QString id;
        QByteArray unused;
        if (!parse("sbk_" + k.id.toLatin1() + "_x", &id, &unused) || k.name.isEmpty() || !k.hash.startsWith("scrypt$"))
            return fileError(m_path, QStringLiteral("key \"%1\" is malformed").arg(k.id));
        keys.emplace(k.id, k);
    }
    QString noCrypto;
    if (!keys.empty() && !detail::libCrypto(&noCrypto))
        return fileError(m_path, QStringLiteral("its keys cannot be checked: %1").arg(noCrypto));
    m_keys = std::move(keys);
    return {};
}

Status ApiKeyStore::save() const
{
    if (m_path.isEmpty())
        return {};
    QJsonArray arr;
    for (const Key &k : keys()) {
        arr.append(QJsonObject{{QStringLiteral("id"), k.id},
                               {QStringLiteral("name"), k.name},
                               {QStringLiteral("roles"), QJsonArray::fromStringList(k.roles)},
                               {QStringLiteral("created"), k.created.toString(Qt::ISODateWithMs)},
                               {QStringLiteral("hash"), QString::fromLatin1(k.hash)}});
    }
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly))
        return fileError(m_path, f.errorString());
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(QJsonDocument(QJsonObject{{QStringLiteral("keys"), arr}}).toJson());
    if (!f.commit())
        return fileError(m_path, f.errorString());
    return {};
}

Result<ApiKeyStore::Created> ApiKeyStore::create(const QString &name, const QStringList &roles)
{
    if (name.isEmpty() || name.size() > 128)
        return Error(ErrorCode::BadMessage, QStringLiteral("an API key needs a name of 1 to 128 characters"));
    QString noCrypto;
    if (!detail::libCrypto(&noCrypto))
        return Error(ErrorCode::Internal, QStringLiteral("API keys cannot be made: %1").arg(noCrypto));
    const QByteArray idBytes = randomBytes(kIdBytes), secretBytes = randomBytes(kSecretBytes), salt = randomBytes(kSaltBytes);
    const QByteArray secret = secretBytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QByteArray hash = scrypt(secret, salt, m_cost.n, m_cost.r, m_cost.p);
    if (hash.isEmpty())
        return Error(ErrorCode::Internal, QStringLiteral("scrypt failed (N=%1, r=%2, p=%3)").arg(m_cost.n).arg(m_cost.r).arg(m_cost.p));
    Created c;
    c.key.id = QString::fromLatin1(idBytes.toHex());
    c.key.name = name;
    c.key.roles = roles;
    c.key.created = QDateTime::currentDateTimeUtc();
    c.key.hash = "scrypt$" + QByteArray::number(m_cost.n) + '$' + QByteArray::number(m_cost.r) + '$'
                 + QByteArray::number(m_cost.p) + '$' + salt.toBase64() + '$' + hash.toBase64();
    c.secret = "sbk_" + c.key.id.toLatin1() + '_' + secret;
    m_keys.emplace(c.key.id, c.key);
    if (Status st = save(); !st) {
        m_keys.erase(c.key.id);
        return st.error();
    }
    return c;
}

Result<ApiKeyStore::Key> ApiKeyStore::revoke(const QString &id)
{
    auto it = m_keys.find(id);
    if (it == m_keys.end())
        return Error(ErrorCode::NotFound, QStringLiteral("no API key with id \"%1\"").arg(id), {{QStringLiteral("id"), id}});
    const Key gone = it->second;
    m_keys.erase(it);
    if (Status st = save(); !st) {
        m_keys.emplace(gone.id, gone);
        return st.error();
    }
    return gone;
}

QList<ApiKeyStore::Key> ApiKeyStore::keys() const
{
    QList<Key> out;
    for (const auto &[id, k] : m_keys)
        out.append(k);
    std::sort(out.begin(), out.end(), [](const Key &a, const Key &b) {
        return a.created != b.created ? a.created < b.created : a.id < b.id;
    });
    return out;
}

const ApiKeyStore::Key *ApiKeyStore::find(const QString &id) const
{
    auto it = m_keys.find(id);
    return it == m_keys.end() ? nullptr : &it->second;
}

} // namespace sb
