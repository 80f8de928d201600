// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QVariantMap>

namespace sb {

// When an append to the journal counts as stored (a channel's "fsync"): after the batch holding it
// is fsynced (Always, group commit), after a batch written at most batchMs later is fsynced
// (Batch), or once written to the operating system (Off: survives a crash of the hub, not of the
// board). The publisher's acknowledgement waits for it in every mode.
struct SWITCHBOARD_EXPORT SyncPolicy
{
    enum class Mode : quint8 { Always, Batch, Off };
    Mode mode = Mode::Always;
    qint64 batchMs = 0; // Batch only: how long a write may wait for the next fsync

    // "always", "off" (or YAML's false), "batch: 50ms" / "batch 50ms", or a map {batch: 50ms}.
    static Result<SyncPolicy> parse(const QVariant &value, const QString &key);
    // The form parse() takes back: "always", "off", "batch: 50ms".
    QString toString() const;
    bool operator==(const SyncPolicy &o) const { return mode == o.mode && batchMs == o.batchMs; }
};

// What a persistent stream keeps: at most maxMessages messages, maxBytes bytes (payload and
// envelope) and messages younger than maxAgeMs; 0 leaves that bound off. Enforced continuously,
// oldest first. Ages are measured on the hub's monotonic clock while it runs, so a wall clock that
// jumps (a board without a real-time clock setting its time at boot) deletes nothing by itself.
struct SWITCHBOARD_EXPORT RetentionPolicy
{
    qint64 maxAgeMs = 0;
    qint64 maxBytes = 0;
    qint64 maxMessages = 0;

    bool isBounded() const { return maxAgeMs > 0 || maxBytes > 0 || maxMessages > 0; }
    // Keys: max-age (duration), max-bytes (size), max-messages.
    static Result<RetentionPolicy> fromVariantMap(const QVariantMap &map, const QString &key);
    QVariantMap toVariantMap() const;
    bool operator==(const RetentionPolicy &o) const
    {
        return maxAgeMs == o.maxAgeMs && maxBytes == o.maxBytes && maxMessages == o.maxMessages;
    }
};

// A channel's (or the default space's persistent topics') journal settings.
struct SWITCHBOARD_EXPORT PersistencePolicy
{
    bool persistent = false;
    SyncPolicy sync;
    RetentionPolicy retention;

    bool operator==(const PersistencePolicy &o) const
    {
        return persistent == o.persistent && sync == o.sync && retention == o.retention;
    }
};

} // namespace sb
