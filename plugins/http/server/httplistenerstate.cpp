// SPDX-License-Identifier: Apache-2.0
#include "httplistenerstate.h"

#include "httphandler.h"

namespace sb::http {

HttpListenerState::HttpListenerState(const HttpServerLimits &limits, HttpHandler *handler)
    : m_limits(limits), m_handler(handler)
{
}

HttpListenerState::~HttpListenerState() = default;

void HttpListenerState::setOwnedHandler(std::unique_ptr<HttpHandler> handler)
{
    m_owned = std::move(handler);
    m_handler = m_owned.get();
}

bool HttpListenerState::admit(const QString &address, quint64 key)
{
    QMutexLocker lock(&m_mutex);
    if (m_counters.connectionsOpen.load() >= m_limits.maxConnections
        || m_perAddress.value(address) >= m_limits.maxConnectionsPerAddress) {
        HttpServerCounters::add(m_counters.connectionsRefused);
        return false;
    }
    HttpServerCounters::add(m_counters.connectionsAccepted);
    ++m_counters.connectionsOpen;
    ++m_perAddress[address];
    m_addressOf.insert(key, address);
    return true;
}

void HttpListenerState::release(quint64 key)
{
    {
        QMutexLocker lock(&m_mutex);
        const auto known = m_addressOf.constFind(key);
        if (known == m_addressOf.cend())
            return; // released already
        const QString address = known.value();
        m_addressOf.erase(known);
        --m_counters.connectionsOpen;
        auto it = m_perAddress.find(address);
        if (it != m_perAddress.end() && --it.value() <= 0)
            m_perAddress.erase(it);
    }
    if (m_closed)
        m_closed->push(quint64(key));
}

} // namespace sb::http
