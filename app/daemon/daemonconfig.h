// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/auththrottle.h>
#include <switchboard/bus.h>
#include <switchboard/channel.h>
#include <switchboard/result.h>

#include <QHash>
#include <QStringList>
#include <QVariantMap>

namespace sb::daemon {

struct TokenEntry
{
    QString name;
    QByteArray sha256Hex; // of the token; the token itself never sits in the config
    QStringList roles;
};

// auth.api-keys: the API-key store (sbctl keys create|list|revoke). Off without a file.
struct ApiKeysConfig
{
    QString file;                       // JSON, written by the daemon (mode 0600); a relative path is under $STATE_DIRECTORY when set
    qint64 cacheTtlMs = 5 * 60 * 1000;  // how long a verified key skips scrypt
    int cacheSize = 1000;
    quint64 scryptN = 16384;            // scrypt cost (a power of two >= 1024); r 8, p 1
};

// auth.mtls: client certificates as credentials (the TLS listener's client-ca verifies them).
struct MtlsConfig
{
    bool enabled = false;
    QHash<QString, QStringList> roles;  // identity (first SAN: URI, DNS, e-mail; else the subject CN) -> roles
    QStringList defaultRoles;           // for identities not in roles
};

// The remote-control API (console, sbctl, scripts). Off in a config file without a "remote"
// section; on (local socket only) in the built-in defaults.
struct RemoteConfig
{
    bool enabled = false;
    QString local = QStringLiteral("switchboard-control"); // socket name or path; empty: none
    bool localRequiresToken = false;
    QString tcpHost;                                        // empty: no TCP
    quint16 tcpPort = 7411;
    QString tlsCert;
    QString tlsKey;
    QString tlsClientCa;                                    // mutual TLS: operators' certificates from this CA
    QString role = QStringLiteral("admin");
    int snapshotIntervalMs = 1000;
    int maxReplicas = 32;
    // Connections that have not said a valid hello never take a replica slot; they have limits
    // of their own (remote.handshake-timeout-ms, max-pending-handshakes[-per-peer], max-hello-bytes).
    int handshakeTimeoutMs = 5000;
    int maxPendingHandshakes = 64;
    int maxPendingHandshakesPerPeer = 8;
    int maxHelloBytes = 8192;
};

// switchboardd's configuration, read from YAML. Every error names the key and, when read from a
// file, the line: "switchboardd.yaml:12: channels[1].type: ...".
// journal: where persistent channels and topics are stored (SQLite), and its bounds.
struct JournalConfig
{
    bool enabled = true;  // false: persistent channels are kept in memory only
    QString path;         // a directory; empty: $STATE_DIRECTORY/journal, else <XDG data>/switchboard/journal
    qint64 diskBudget = 1024LL * 1024 * 1024;
    qint64 maxPendingBytes = 16 * 1024 * 1024;
    bool moveAsideCorrupt = false; // on-corrupt: move-aside (default refuse)
    qint64 spinWaitUs = 1000;      // spin-wait: the bus thread looks for a commit this long before it sleeps
    QStringList topicPatterns;     // topics.patterns: default-space topics stored like a persistent channel's
    PersistencePolicy topicPolicy; // topics.fsync, topics.retention

    QString resolvedPath() const;
};

struct DaemonConfig
{
    QString sourceName;                 // file name, or "(defaults)"
    QString path;                       // the file read, for reloads; empty for the defaults
    QString busType = QStringLiteral("embedded");
    QStringList protocols;              // plugin ids, in start order
    QHash<QString, QVariantMap> protocolConfig;
    QList<ChannelConfig> channels;
    BusLimits limits;
    int deadLetterCapacity = 10000;
    // limits.dead-letter-max-bytes: bound of the dead-letter store in bytes, besides its capacity.
    qint64 deadLetterMaxBytes = 16 * 1024 * 1024;
    // limits.topic-stats-max-bytes: bound of the per-topic statistics in bytes.
    qint64 topicStatsMaxBytes = 16 * 1024 * 1024;
    // limits.max-buffered-bytes: what all connections buffer together (read buffers, unsent
    // output, subscriber queues): sb::MemoryBudget.
    qint64 maxBufferedBytes = 80 * 1024 * 1024;
    int shutdownDrainMs = 2000;
    RemoteConfig remote;
    JournalConfig journal;
    QString logLevel = QStringLiteral("info");
    bool authRequired = false;
    QList<TokenEntry> tokens;
    ApiKeysConfig apiKeys;
    AuthThrottle::Options authThrottle;
    MtlsConfig mtls;
    QVariantList jwtIssuers;            // auth.jwt, raw: the jwt provider parses it (core)
    // The "acl" section, kept raw: sb::AccessControl::fromVariantMap() (core, written separately)
    // parses it. Its key lines are in \c lines ("acl.<key>...") for withLocation().
    QVariantMap acl;
    QHash<QString, int> lines;          // key path -> line, for errors found later (plugin config)

    static DaemonConfig defaults();
    static Result<DaemonConfig> fromYaml(const QByteArray &yaml, const QString &sourceName);
    static Result<DaemonConfig> fromFile(const QString &path);

    // "file:line: " for \a keyPath (or its nearest parent), for errors found after parsing.
    QString locate(const QString &keyPath) const;
    Error withLocation(Error error, const QString &keyPath) const;
};

} // namespace sb::daemon
