// SPDX-License-Identifier: Apache-2.0
#include "flushscheduler.h"

#include "nativeconnection.h"

namespace sb::native {

FlushScheduler::FlushScheduler(QObject *parent) : QObject(parent) {}

void FlushScheduler::schedule(NativeConnection *connection)
{
    m_pending.append(connection);
    if (!m_posted && m_batch == 0) {
        m_posted = true;
        QMetaObject::invokeMethod(this, &FlushScheduler::flushNow, Qt::QueuedConnection);
    }
}

void FlushScheduler::endBatch()
{
    if (m_batch > 0 && --m_batch == 0)
        flushNow();
}

void FlushScheduler::flushNow()
{
    m_posted = false;
    // A flush can schedule more (an error frame, a close): those go to the next round.
    m_flushing.swap(m_pending);
    for (const QPointer<NativeConnection> &c : std::as_const(m_flushing)) {
        if (c)
            c->flush();
    }
    m_flushing.clear();
}

} // namespace sb::native
