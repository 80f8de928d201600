// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtGlobal>

#include <memory>
#include <vector>

class QThread;

namespace sb::http {

class HttpListenerState;
class HttpWorker;

// The HTTP server's I/O threads (communication.http.io-threads): each runs an HttpWorker that
// reads, parses and writes its connections, so the bus thread only runs the handlers. Listeners
// given a pool hand every accepted socket to its least busy worker. The destructor closes every
// connection in its own thread and joins the threads: destroy the pool after the listeners.
// A thread starts when it gets its first connection: a hub nobody talks HTTP to runs none (each
// costs about 150 kB of resident memory, its allocator arena and stack).
class HttpWorkerPool
{
public:
    explicit HttpWorkerPool(int threads);
    ~HttpWorkerPool();
    HttpWorkerPool(const HttpWorkerPool &) = delete;
    HttpWorkerPool &operator=(const HttpWorkerPool &) = delete;

    int size() const { return int(m_workers.size()); }
    // The worker with the fewest connections, its thread started.
    HttpWorker *pick();
    // I/O threads started so far.
    int runningThreads() const;
    // Resets every connection of \a state's listener (\a key 0) or the one with \a key, on
    // every worker (asynchronously).
    void abortConnections(const std::shared_ptr<HttpListenerState> &state, quint64 key = 0) const;
    // Connections open on every worker.
    int connectionCount() const;

private:
    std::vector<QThread *> m_threads;
    std::vector<HttpWorker *> m_workers;
};

} // namespace sb::http
