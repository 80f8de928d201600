// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QObject>
#include <QTemporaryDir>
#include <memory>

namespace sb::daemon {
class Daemon;
}

namespace sb::console {

// A hub inside the console process: the daemon's own wiring on its built-in defaults, with the
// native protocol on a free loopback port and the remote-control API on a private local socket.
// The console reaches it through that socket like any other hub: one API, whatever the hub.
class EmbeddedHub : public QObject
{
    Q_OBJECT

public:
    explicit EmbeddedHub(QObject *parent = nullptr);
    ~EmbeddedHub() override;

    Status start();
    QString controlAddress() const; // "local:<path>"

private:
    QTemporaryDir m_dir;
    std::unique_ptr<daemon::Daemon> m_daemon;
};

} // namespace sb::console
