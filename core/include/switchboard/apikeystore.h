// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QDateTime>
#include <QHash>
#include <QStringList>

#include <unordered_map>

namespace sb {

// The hub's API keys: "sbk_<id>_<secret>". Only a salted scrypt hash of each secret is kept, in a
// JSON file written atomically with mode 0600, looked up by id. The secret exists once, in what
// create() returns. Lives in the bus thread.
class SWITCHBOARD_EXPORT ApiKeyStore
{
public:
    struct Key
    {
        QString id;          // 16 lower-case hex digits
        QString name;        // the identity the key authenticates as
        QStringList roles;
        QDateTime created;
        QByteArray hash;     // "scrypt$N$r$p$<salt base64>$<hash base64>"
    };
    struct Created
    {
        Key key;
        QByteArray secret;   // the whole "sbk_<id>_<secret>", shown once
    };
    // scrypt's cost: N (a power of two), r, p. The default takes ~16 MiB and a few tens of ms.
    struct Cost
    {
        quint64 n = 16384;
        quint64 r = 8;
        quint64 p = 1;
    };

    explicit ApiKeyStore(const QString &path = {});
    QString path() const { return m_path; }
    void setCost(const Cost &cost) { m_cost = cost; }

    // Reads the file (a missing file is an empty store). On error the keys held stay as they were.
    Status load();
    Result<Created> create(const QString &name, const QStringList &roles);
    // Removes the key and saves; NOT_FOUND if there is none with \a id.
    Result<Key> revoke(const QString &id);
    QList<Key> keys() const; // by creation time
    const Key *find(const QString &id) const;
    int size() const { return int(m_keys.size()); }

    // Splits "sbk_<id>_<secret>"; false if \a credential does not have that form.
    static bool parse(const QByteArray &credential, QString *id, QByteArray *secret);
    // Whether \a secret matches \a key's hash (scrypt, constant-time comparison).
    static bool matches(const Key &key, const QByteArray &secret);

private:
    Status save() const;

    QString m_path;
    Cost m_cost;
    std::unordered_map<QString, Key> m_keys;
};

} // namespace sb
