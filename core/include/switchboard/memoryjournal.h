// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/journal.h>

#include <QElapsedTimer>
#include <QHash>

#include <deque>
#include <map>

class QTimer;

namespace sb {

// The journal of a hub without one on disk, and of tests: the same contract as the SQLite journal
// (budget, retention, sequence numbers, positions), kept in memory, so it does not survive a
// restart. Appends are stored at once; done() runs before append() returns. Bus thread only.
class SWITCHBOARD_EXPORT MemoryJournal : public Journal
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultBudgetBytes = 16 * 1024 * 1024;

    explicit MemoryJournal(qint64 budgetBytes = DefaultBudgetBytes, QObject *parent = nullptr);
    ~MemoryJournal() override;

    void setBudget(qint64 bytes);
    // What one message counts against the budget and a stream's max-bytes.
    static qint64 messageBytes(const Message &message);

    void append(const QString &stream, const Message &message, const SyncPolicy &sync, AppendDone done) override;
    void setRetention(const QString &stream, const RetentionPolicy &retention) override;
    Result<QList<StoredMessage>> read(const JournalQuery &query) const override;
    quint64 lastSeq(const QString &stream) const override;
    Status savePosition(const QString &subscriber, quint64 seq) override;
    quint64 position(const QString &subscriber) const override;
    Status removePosition(const QString &subscriber) override;
    JournalStatus status() const override;

    // Fails the journal as a write error would (every later append gets STORAGE_FAILED): for
    // tests of what the hub does then.
    void fail(const QString &why);
    // Applies age-based retention now (it also runs every second while a stream has a max-age).
    void expire();

private:
    struct Entry {
        StoredMessage stored;
        qint64 monoMs = 0; // when it was stored, on the monotonic clock
        qint64 bytes = 0;
    };
    struct Stream {
        std::deque<Entry> entries; // ascending seq
        RetentionPolicy retention;
        qint64 bytes = 0;
    };
    void trim(Stream &stream, qint64 incomingBytes); // count and bytes, making room for one more
    void expire(Stream &stream, qint64 nowMono);
    void dropFront(Stream &stream);
    void updateLowSpace();
    void armExpiry();

    std::map<QString, Stream> m_streams;
    QHash<QString, quint64> m_positions;
    QElapsedTimer m_clock;
    QTimer *m_expiry = nullptr;
    JournalStatus m_status;
    quint64 m_nextSeq = 1;
};

} // namespace sb
