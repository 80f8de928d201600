// SPDX-License-Identifier: Apache-2.0
#include "httpworkerpool.h"

#include "httpworker.h"

#include <QThread>

namespace sb::http {

HttpWorkerPool::HttpWorkerPool(int threads)
{
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("http-io-%1").arg(i));
        auto *worker = new HttpWorker;
        worker->moveToThread(thread);
        thread->start();
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
}

HttpWorkerPool::~HttpWorkerPool()
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        HttpWorker *worker = m_workers[i];
        // Connections are deleted in their own thread; then the thread ends.
        QMetaObject::invokeMethod(worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete m_threads[i];
    }
}

HttpWorker *HttpWorkerPool::pick() const
{
    HttpWorker *best = nullptr;
    for (HttpWorker *w : m_workers) {
        if (!best || w->connectionCount() < best->connectionCount())
            best = w;
    }
    return best;
}

void HttpWorkerPool::abortConnections(const std::shared_ptr<HttpListenerState> &state, quint64 key) const
{
    for (HttpWorker *w : m_workers)
        w->abortConnections(state, key);
}

int HttpWorkerPool::connectionCount() const
{
    int n = 0;
    for (const HttpWorker *w : m_workers)
        n += w->connectionCount();
    return n;
}

} // namespace sb::http
