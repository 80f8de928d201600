// SPDX-License-Identifier: Apache-2.0
#include "httpworkerpool.h"

#include "httpworker.h"

#include <QThread>

#include <algorithm>

namespace sb::http {

HttpWorkerPool::HttpWorkerPool(int threads)
{
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("http-io-%1").arg(i));
        auto *worker = new HttpWorker;
        worker->moveToThread(thread);
        m_threads.push_back(thread);
        m_workers.push_back(worker);
    }
}

HttpWorkerPool::~HttpWorkerPool()
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        HttpWorker *worker = m_workers[i];
        if (!m_threads[i]->isRunning()) // never picked: run it for the calls queued to it, then end it
            m_threads[i]->start();
        // Connections are deleted in their own thread; then the thread ends.
        QMetaObject::invokeMethod(worker, [worker] { delete worker; }, Qt::BlockingQueuedConnection);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete m_threads[i];
    }
}

HttpWorker *HttpWorkerPool::pick()
{
    size_t best = 0;
    for (size_t i = 1; i < m_workers.size(); ++i) {
        if (m_workers[i]->connectionCount() < m_workers[best]->connectionCount())
            best = i;
    }
    if (!m_threads[best]->isRunning())
        m_threads[best]->start();
    return m_workers[best];
}

int HttpWorkerPool::runningThreads() const
{
    return int(std::count_if(m_threads.begin(), m_threads.end(), [](const QThread *t) { return t->isRunning(); }));
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
