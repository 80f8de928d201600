// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMutex>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

namespace sb::http {

// Items handed from any thread to one consumer thread in batches. The first push after a drain
// posts one call into the consumer's thread; pushes until that call runs join the same batch, so
// a busy producer costs one wake-up per batch, not per item. close() (in the consumer's thread,
// before the consumer goes away) drops what is queued and turns later pushes into refusals; the
// items are destroyed outside the lock, so an item's destructor may push to another queue.
// Create with std::make_shared: a posted call holds the queue weakly.
template <typename T>
class HttpBatchQueue : public std::enable_shared_from_this<HttpBatchQueue<T>>
{
public:
    using Drain = std::function<void(std::vector<T> &batch)>;

    HttpBatchQueue(QObject *consumer, Drain drain) : m_consumer(consumer), m_drain(std::move(drain)) {}
    HttpBatchQueue(const HttpBatchQueue &) = delete;
    HttpBatchQueue &operator=(const HttpBatchQueue &) = delete;

    // From any thread. False (and \a item untouched) once the queue is closed.
    bool push(T &&item)
    {
        QMutexLocker lock(&m_mutex);
        if (m_closed)
            return false;
        m_items.push_back(std::move(item));
        if (!m_posted) {
            m_posted = true;
            std::weak_ptr<HttpBatchQueue> weak = this->shared_from_this();
            QMetaObject::invokeMethod(m_consumer, [weak] {
                if (auto queue = weak.lock())
                    queue->drain();
            }, Qt::QueuedConnection);
        }
        return true;
    }

    // In the consumer's thread: nothing is delivered after this.
    void close()
    {
        std::vector<T> dropped;
        {
            QMutexLocker lock(&m_mutex);
            m_closed = true;
            dropped.swap(m_items);
        }
    }

    bool isClosed() const
    {
        QMutexLocker lock(&m_mutex);
        return m_closed;
    }

private:
    void drain()
    {
        {
            QMutexLocker lock(&m_mutex);
            m_posted = false;
            if (m_closed)
                return;
            m_batch.swap(m_items); // both keep their capacity: no allocation per batch
        }
        m_drain(m_batch);
        m_batch.clear();
    }

    mutable QMutex m_mutex;
    QObject *m_consumer;
    Drain m_drain;
    std::vector<T> m_items; // guarded by m_mutex
    std::vector<T> m_batch; // the consumer's thread only
    bool m_posted = false;
    bool m_closed = false;
};

} // namespace sb::http
