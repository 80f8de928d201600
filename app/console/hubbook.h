// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QVariantList>

namespace sb::console {

// The hubs the console remembers (address, CA file, when last used) in its settings, and their
// tokens in the OS keychain through QtKeychain, never in a file of ours. On a machine without a
// keychain service (a headless board) saving a token fails with keychainUnavailable(): the
// operator then chooses to connect without saving it, and types it again next time.
class HubBook : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QVariantList hubs READ hubs NOTIFY hubsChanged)

public:
    explicit HubBook(QObject *parent = nullptr);

    QVariantList hubs() const;

    // Remembers \a address (and its CA file); with \a saveToken, stores \a token in the keychain.
    Q_INVOKABLE void remember(const QString &address, const QString &caFile, const QString &token, bool saveToken);
    // Forgets the hub and deletes its token from the keychain.
    Q_INVOKABLE void forget(const QString &address);
    // Reads the saved token; answers with tokenLoaded() or tokenUnavailable().
    Q_INVOKABLE void loadToken(const QString &address);

    static QString keychainService() { return QStringLiteral("switchboard-console"); }

Q_SIGNALS:
    void hubsChanged();
    void tokenSaved(const QString &address);
    void tokenLoaded(const QString &address, const QString &token);
    void tokenUnavailable(const QString &address, const QString &message);
    // No keychain service, or it refused: the message says which and what the operator can do.
    void keychainUnavailable(const QString &address, const QString &message);
};

} // namespace sb::console
