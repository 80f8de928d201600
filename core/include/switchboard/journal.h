// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>
#include <switchboard/persistence.h>
#include <switchboard/result.h>

#include <QObject>

#include <functional>

namespace sb {

// One message as the journal keeps it: its sequence number (ascending in the journal, never
// reused), the stream it belongs to (a channel's name; "" for the default topic space) and when
// the hub stored it (wall clock, milliseconds since the epoch).
struct SWITCHBOARD_EXPORT StoredMessage
{
    quint64 seq = 0;
    QString stream;
    qint64 storedAtMs = 0;
    Message message;

    // Whether the message's TTL ran out by \a nowMs, counted from when it was stored: the journal
    // moves stored times with a stepping clock, so a step neither expires nor revives it. Never
    // for a message stored, or judged, under a clock before Message::PlausibleClockMs.
    bool isExpired(qint64 nowMs) const;
};

// A read of stored messages, in ascending sequence: after \a afterSeq (exclusive), stored from
// \a fromMs to \a toMs (inclusive; 0: open), whose topic matches \a topic (a pattern in the hub's
// wildcard syntax; empty: any), at most \a limit of them.
struct SWITCHBOARD_EXPORT JournalQuery
{
    QString stream;
    QString topic;
    quint64 afterSeq = 0;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    int limit = 100;

    static constexpr int MaxLimit = 1000;
    // INVALID_TOPIC for a bad pattern, BAD_MESSAGE for a limit outside 1..MaxLimit or from > to.
    Status validate() const;
};

// A timeline of one stream, for operators (the console's Replay page): how many stored messages
// whose topic matches \a topic fall in each of \a buckets equal spans from \a fromMs to \a toMs
// (inclusive; 0: the stream's first, or last, stored time).
struct SWITCHBOARD_EXPORT DensityQuery
{
    QString stream;
    QString topic;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    int buckets = 100;

    static constexpr int MaxBuckets = 1000;
    static constexpr qint64 MaxTimeMs = 253402300799999; // 9999-12-31T23:59:59.999Z
    // INVALID_TOPIC for a bad pattern, BAD_MESSAGE for buckets outside 1..MaxBuckets, a time past
    // MaxTimeMs or from > to.
    Status validate() const;
};

// The answer to a DensityQuery. counts[i] holds the messages stored from fromMs + i * bucketMs
// up to (not including) the next bucket's start; the last bucket ends at toMs. Messages are placed
// by stored time; a journal may place them by the sequence numbers at the buckets' edges (stored
// times ascend with the sequence unless the clock stepped back).
struct SWITCHBOARD_EXPORT StoredDensity
{
    qint64 firstMs = 0;    // the stream's first and last stored message, whatever the topic
    qint64 lastMs = 0;     // (0: nothing stored)
    quint64 firstSeq = 0;
    quint64 lastSeq = 0;
    qint64 fromMs = 0;     // the span counted
    qint64 toMs = 0;
    qint64 bucketMs = 0;
    QList<qint64> counts;
    qint64 total = 0;
    // Some counts are not exact: a journal reads only so much to answer (SQLite: in a bucket with
    // more messages than it reads to match a topic pattern, the count is the share of matches in
    // what it read times what the bucket holds; the default: the first DensityScanLimit messages).
    bool estimated = false;

    // Sets fromMs, toMs, bucketMs and empty counts for \a query over the stored range.
    void span(const DensityQuery &query);
    // The bucket a message stored at \a ms falls in, or -1 outside [fromMs, toMs].
    int bucketOf(qint64 ms) const;
    QVariantMap toVariantMap() const;
};

// What a journal says of itself, for health, the console, sbctl and /metrics.
struct SWITCHBOARD_EXPORT JournalStatus
{
    QString kind;             // "memory", "sqlite"
    bool failed = false;      // a write or fsync failed: nothing is acknowledged any more
    QString error;            // why, for operators
    bool lowSpace = false;    // under a tenth of the budget (or of the disk) left: a warning
    qint64 bytes = 0;         // what the stored messages take
    qint64 budgetBytes = 0;   // the budget (journal.disk-budget; memory: its byte bound)
    qint64 messages = 0;
    quint64 appended = 0;     // messages stored since start
    quint64 refusedFull = 0;  // appends refused with STORAGE_FULL
    quint64 failedAppends = 0; // appends answered STORAGE_FAILED
    quint64 expired = 0;      // messages removed by retention
    QVariantMap toVariantMap() const;
};

// The hub's store of persistent messages and of the positions of durable subscribers. The bus
// calls it from its thread; an implementation may do its work on its own thread, and answers in
// the thread it lives in (the bus thread).
class SWITCHBOARD_EXPORT Journal : public QObject
{
    Q_OBJECT
public:
    using AppendDone = std::function<void(const Result<quint64> &seq)>;

    explicit Journal(QObject *parent = nullptr) : QObject(parent) {}

    // Stores \a message in \a stream. \a done runs exactly once, in the journal's thread, when the
    // message is stored under \a sync (its sequence number), or with STORAGE_FULL (the budget is
    // reached: nothing older is dropped to make room) or STORAGE_FAILED (a write or fsync failed;
    // from then on every append fails until the journal is reopened). Appends complete in the
    // order they were made.
    virtual void append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done) = 0;
    // What \a stream keeps (set when a channel is created or changed; unbounded until then).
    virtual void setRetention(const QString &stream, const RetentionPolicy &retention) = 0;
    // Stored messages, see JournalQuery. Bounded by JournalQuery::MaxLimit.
    virtual Result<QList<StoredMessage>> read(const JournalQuery &query) const = 0;
    // The highest sequence number stored in \a stream (0: none).
    virtual quint64 lastSeq(const QString &stream) const = 0;
    // How many messages \a stream holds after \a afterSeq whose topic matches \a topic (empty:
    // any), counting up to \a cap at most (a durable subscription's backlog, for operators). The
    // default reads pages of JournalQuery::MaxLimit; an implementation may count in place.
    virtual Result<qint64> count(const QString &stream, quint64 afterSeq, const QString &topic, qint64 cap) const;
    // A timeline of \a query's stream, see DensityQuery. The default reads pages of
    // JournalQuery::MaxLimit, at most DensityScanLimit messages; an implementation may count in place.
    virtual Result<StoredDensity> density(const DensityQuery &query) const;
    static constexpr qint64 DensityScanLimit = 1000000;

    // Durable subscribers: the position each has acknowledged (sequence numbers up to it are done).
    virtual Status savePosition(const QString &subscriber, quint64 seq) = 0;
    virtual quint64 position(const QString &subscriber) const = 0;
    virtual Status removePosition(const QString &subscriber) = 0;

    virtual JournalStatus status() const = 0;

Q_SIGNALS:
    // failed or lowSpace changed (health turns red or yellow, and back).
    void statusChanged();
};

} // namespace sb
