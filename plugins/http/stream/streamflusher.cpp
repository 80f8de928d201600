// SPDX-License-Identifier: Apache-2.0
#include "streamflusher.h"

#include "streamconnection.h"

namespace sb::http {

void StreamFlusher::schedule(StreamConnection *connection)
{
    m_pending.append(connection);
    if (!m_posted) {
        m_posted = true;
        QMetaObject::invokeMethod(this, &StreamFlusher::flushNow, Qt::QueuedConnection);
    }
}

void StreamFlusher::flushNow()
{
    m_posted = false;
    // A flush can schedule more (an answer, a close): those go to the next round.
    m_flushing.swap(m_pending);
    for (const QPointer<StreamConnection> &c : std::as_const(m_flushing)) {
        if (c)
            c->flushNow();
    }
    m_flushing.clear();
}

} // namespace sb::http
