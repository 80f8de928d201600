// SPDX-License-Identifier: Apache-2.0
// The bus's persistent channels and topics: messages are stored in the journal first, and
// delivered (and acknowledged to their publisher) once stored.
#include <switchboard/bus.h>
#include <switchboard/memoryjournal.h>
#include <switchboard/topic.h>

#include "bus_p.h"

#include <QPointer>

namespace sb {

void Bus::setJournal(Journal *journal)
{
    m_journal = journal;
    if (!m_journal && m_memoryJournal)
        m_journal = m_memoryJournal.get();
    if (m_journal)
        applyRetention();
}

Journal *Bus::journal()
{
    if (!m_journal) {
        m_memoryJournal = std::make_unique<MemoryJournal>();
        m_journal = m_memoryJournal.get();
        applyRetention();
    }
    return m_journal;
}

void Bus::applyRetention()
{
    for (const auto &[name, sp] : m_channels) {
        if (sp->config.persistence.persistent)
            m_journal->setRetention(name, sp->config.persistence.retention);
    }
    if (!m_persistentTopics.isEmpty())
        m_journal->setRetention(QString(), m_topicPersistence.retention);
}

void Bus::setPersistentTopics(const QStringList &patterns, const PersistencePolicy &policy)
{
    m_persistentTopics = patterns;
    m_topicPersistence = policy;
    m_topicPersistence.persistent = !patterns.isEmpty();
    if (!patterns.isEmpty())
        journal()->setRetention(QString(), policy.retention);
}

const PersistencePolicy *Bus::persistenceFor(const Space &sp, const QString &topic) const
{
    if (!sp.isDefault)
        return sp.config.persistence.persistent ? &sp.config.persistence : nullptr;
    for (const QString &pattern : m_persistentTopics) {
        if (Topic::matches(pattern, topic))
            return &m_topicPersistence;
    }
    return nullptr;
}

void Bus::store(const QString &channel, const Message &message, const SyncPolicy &sync, PublishDone *done,
                QObject *context)
{
    PublishDone callback;
    if (done) {
        callback = std::move(*done);
        *done = nullptr;
    }
    journal()->append(channel, message, sync,
                      [bus = QPointer<Bus>(this), channel, msg = Message(message), callback = std::move(callback),
                       ctx = QPointer<QObject>(context), hasContext = context != nullptr](const Result<quint64> &seq) mutable {
                          if (!bus)
                              return;
                          Result<int> r = 0;
                          if (seq) {
                              // Every delivery of a stored message says where it is in the journal
                              // (nobody to deliver to: no header to write).
                              const Space *sp = bus->space(channel);
                              if (sp && (!sp->members.isEmpty() || !bus->m_publishObservers.empty() || !bus->m_durables.empty()))
                                  msg.setHeader(Bus::seqHeader(), QString::number(seq.value()));
                              r = bus->deliverStored(channel, msg, seq.value());
                          } else {
                              ++bus->m_stats.global().total.errors;
                              r = seq.error();
                          }
                          if (callback && (!hasContext || ctx))
                              callback(r);
                      });
}

int Bus::deliverStored(const QString &channel, Message &message, quint64 seq)
{
    Space *sp = space(channel);
    if (!sp)
        return 0; // the channel was deleted while its message was stored: nobody to deliver to
    if (!m_publishObservers.empty()) {
        for (const auto &observer : m_publishObservers)
            observer.second(message);
    }
    const int n = deliverTo(*sp, message);
    if (!m_durables.empty())
        storedForDurables(channel, message, seq);
    reapGone();
    return n;
}

} // namespace sb
