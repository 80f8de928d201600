// SPDX-License-Identifier: Apache-2.0
// DirectSocket (core): a server-side TCP socket on its own descriptor. A real TCP pair on
// 127.0.0.1: a QTcpServer hands over the server side, the peer is a blocking POSIX socket the
// test drives by hand (reads, stops reading, closes, resets).
#include <switchboard/directsocket.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <cerrno>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using sb::DirectSocket;

namespace {

// One connected pair: the server side as a DirectSocket, the client side as a plain descriptor.
struct Pair
{
    DirectSocket *socket = nullptr;
    int peer = -1;
    ~Pair()
    {
        delete socket;
        if (peer >= 0)
            ::close(peer);
    }
};

bool makePair(Pair *pair, int peerReceiveBuffer = 0, int sendBuffer = 0)
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return false;
    pair->peer = ::socket(AF_INET, SOCK_STREAM, 0);
    if (peerReceiveBuffer > 0)
        ::setsockopt(pair->peer, SOL_SOCKET, SO_RCVBUF, &peerReceiveBuffer, sizeof peerReceiveBuffer);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(server.serverPort());
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(pair->peer, reinterpret_cast<sockaddr *>(&to), sizeof to) != 0)
        return false;
    if (!server.waitForNewConnection(5000))
        return false;
    QTcpSocket *accepted = server.nextPendingConnection();
    const int fd = ::fcntl(int(accepted->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    accepted->abort();
    delete accepted;
    if (sendBuffer > 0)
        ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, sizeof sendBuffer);
    pair->socket = new DirectSocket(fd);
    return true;
}

QByteArray peerRead(int fd, qsizetype atLeast, int timeoutMs = 5000)
{
    QByteArray got;
    QElapsedTimer t;
    t.start();
    char buf[65536];
    while (got.size() < atLeast && t.elapsed() < timeoutMs) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0)
            got.append(buf, n);
        else if (n == 0)
            break;
        else
            QTest::qWait(5);
    }
    return got;
}

} // namespace

class tst_DirectSocket : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsWhatArrives();
    void readyReadOncePerArrivalUntilRead();
    void peerCloseIsSeen();
    void writesGoStraightOut();
    void backlogWaitsAndDrains();
    void closeSendsTheBacklogFirst();
    void abortResets();
    void writeToAGonePeerFails();
    void closeFromInsideReadyRead();
};

void tst_DirectSocket::readsWhatArrives()
{
    Pair p;
    QVERIFY(makePair(&p));
    QVERIFY(p.socket->openMode().testFlag(QIODevice::Unbuffered));
    QCOMPARE(p.socket->bytesAvailable(), 0);
    char none[8];
    QCOMPARE(p.socket->read(none, sizeof none), 0); // nothing yet: 0, not an error
    QSignalSpy ready(p.socket, &QIODevice::readyRead);
    QCOMPARE(::send(p.peer, "hello", 5, 0), 5);
    QVERIFY(ready.wait(5000));
    QTRY_COMPARE(p.socket->bytesAvailable(), 5);
    char buf[16];
    QCOMPARE(p.socket->read(buf, sizeof buf), 5);
    QCOMPARE(QByteArray(buf, 5), QByteArray("hello"));
    QVERIFY(p.socket->isConnected());
}

void tst_DirectSocket::readyReadOncePerArrivalUntilRead()
{
    Pair p;
    QVERIFY(makePair(&p));
    QSignalSpy ready(p.socket, &QIODevice::readyRead);
    QCOMPARE(::send(p.peer, "a", 1, 0), 1);
    QVERIFY(ready.wait(5000));
    // Not read: more data does not wake the reader again (no busy loop on a paused reader).
    QCOMPARE(::send(p.peer, "b", 1, 0), 1);
    QTest::qWait(100);
    QCOMPARE(ready.count(), 1);
    char buf[4];
    QCOMPARE(p.socket->read(buf, sizeof buf), 2);
    // Read: the next arrival wakes it.
    QCOMPARE(::send(p.peer, "c", 1, 0), 1);
    QVERIFY(ready.wait(5000));
    QCOMPARE(ready.count(), 2);
}

void tst_DirectSocket::peerCloseIsSeen()
{
    Pair p;
    QVERIFY(makePair(&p));
    QSignalSpy ready(p.socket, &QIODevice::readyRead);
    QSignalSpy gone(p.socket, &DirectSocket::disconnected);
    QCOMPARE(::send(p.peer, "last", 4, 0), 4);
    ::close(p.peer);
    p.peer = -1;
    QVERIFY(ready.wait(5000));
    char buf[16];
    QCOMPARE(p.socket->read(buf, sizeof buf), 4); // what came before the close is not lost
    QTRY_COMPARE(p.socket->read(buf, sizeof buf), -1);
    QVERIFY(!p.socket->isConnected());
    QVERIFY(gone.wait(5000));
    QCOMPARE(gone.count(), 1);
}

void tst_DirectSocket::writesGoStraightOut()
{
    Pair p;
    QVERIFY(makePair(&p));
    QSignalSpy written(p.socket, &QIODevice::bytesWritten);
    QCOMPARE(p.socket->write("frame-1"), 7);
    QCOMPARE(p.socket->bytesToWrite(), 0); // the kernel took it: nothing waits here
    QCOMPARE(peerRead(p.peer, 7), QByteArray("frame-1"));
    QCOMPARE(written.count(), 0); // bytesWritten() reports backlog progress only
}

void tst_DirectSocket::backlogWaitsAndDrains()
{
    Pair p;
    QVERIFY(makePair(&p, 4096, 4096));
    // The peer does not read: past what the kernel holds, the rest waits in the socket.
    const QByteArray block(64 * 1024, 'x');
    qint64 accepted = 0;
    for (int i = 0; i < 64 && p.socket->bytesToWrite() == 0; ++i)
        accepted += p.socket->write(block);
    QVERIFY2(p.socket->bytesToWrite() > 0, "the kernel never filled up");
    QVERIFY(accepted <= 64LL * block.size());
    QSignalSpy written(p.socket, &QIODevice::bytesWritten);
    // The peer reads everything: the backlog drains through the write notifier, in order.
    const QByteArray got = peerRead(p.peer, accepted, 20000);
    QCOMPARE(got.size(), accepted);
    QVERIFY(got == QByteArray(accepted, 'x'));
    QTRY_COMPARE(p.socket->bytesToWrite(), 0);
    QVERIFY(written.count() > 0);
    qint64 reported = 0;
    for (const QList<QVariant> &args : written)
        reported += args.at(0).toLongLong();
    QVERIFY(reported > 0 && reported <= accepted);
}

void tst_DirectSocket::closeSendsTheBacklogFirst()
{
    Pair p;
    QVERIFY(makePair(&p, 4096, 4096));
    const QByteArray block(4 * 1024 * 1024, 'y');
    QCOMPARE(p.socket->write(block), block.size());
    QVERIFY(p.socket->bytesToWrite() > 0);
    QSignalSpy gone(p.socket, &DirectSocket::disconnected);
    p.socket->close(); // graceful: the backlog still goes out, then EOF
    QCOMPARE(gone.count(), 0);
    QVERIFY(!p.socket->isOpen());
    QByteArray got;
    QElapsedTimer t;
    t.start();
    char buf[65536];
    while (t.elapsed() < 20000) {
        const ssize_t n = ::recv(p.peer, buf, sizeof buf, MSG_DONTWAIT);
        if (n > 0) {
            got.append(buf, n);
        } else if (n == 0) {
            break; // EOF after everything
        } else {
            QCoreApplication::processEvents();
            QTest::qWait(2);
        }
    }
    QCOMPARE(got.size(), block.size());
    QVERIFY(got == block);
    QTRY_COMPARE(gone.count(), 1); // the close is announced once it is done
}

void tst_DirectSocket::abortResets()
{
    Pair p;
    QVERIFY(makePair(&p, 4096, 4096));
    QCOMPARE(p.socket->write(QByteArray(4 * 1024 * 1024, 'z')), 4 * 1024 * 1024);
    QVERIFY(p.socket->bytesToWrite() > 0);
    p.socket->abort(); // the backlog is dropped and the peer sees a reset
    QCOMPARE(p.socket->bytesToWrite(), 0);
    char buf[65536];
    ssize_t n = 0;
    int error = 0;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000) {
        n = ::recv(p.peer, buf, sizeof buf, 0);
        if (n <= 0) {
            error = n < 0 ? errno : 0;
            break;
        }
    }
    QCOMPARE(n, ssize_t(-1));
    QCOMPARE(error, ECONNRESET);
}

void tst_DirectSocket::writeToAGonePeerFails()
{
    Pair p;
    QVERIFY(makePair(&p));
    const linger reset{1, 0};
    ::setsockopt(p.peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(p.peer);
    p.peer = -1;
    QSignalSpy gone(p.socket, &DirectSocket::disconnected);
    QTest::qWait(50);
    // The first write may still be taken; a reset connection fails the next one at the latest.
    qint64 result = 0;
    for (int i = 0; i < 10 && result >= 0; ++i) {
        result = p.socket->write("after the reset");
        QTest::qWait(10);
    }
    QCOMPARE(result, -1);
    QVERIFY(!p.socket->isConnected());
    QTRY_COMPARE(gone.count(), 1); // from the event loop, not from inside write()
    QTest::qWait(50);
    QCOMPARE(gone.count(), 1); // once
}

// A reader that closes from its readyRead() handler (a protocol error): the read notifier that
// called it is not deleted under it, disconnected() follows once, from the event loop, and the
// peer sees the end.
void tst_DirectSocket::closeFromInsideReadyRead()
{
    Pair p;
    QVERIFY(makePair(&p));
    QSignalSpy gone(p.socket, &DirectSocket::disconnected);
    connect(p.socket, &QIODevice::readyRead, p.socket, [&p] {
        char buf[16];
        p.socket->read(buf, sizeof buf);
        p.socket->close();
        QCOMPARE(p.socket->read(buf, sizeof buf), -1); // closed: nothing more is read
    });
    QCOMPARE(::send(p.peer, "bad frame", 9, 0), 9);
    QTRY_COMPARE(gone.count(), 1);
    QVERIFY(!p.socket->isConnected());
    QTest::qWait(50);
    QCOMPARE(gone.count(), 1);
    char buf[16];
    QElapsedTimer t;
    t.start();
    ssize_t n = -1;
    while (t.elapsed() < 5000 && (n = ::recv(p.peer, buf, sizeof buf, MSG_DONTWAIT)) < 0)
        QTest::qWait(5);
    QCOMPARE(n, ssize_t(0)); // EOF
}

QTEST_MAIN(tst_DirectSocket)
#include "tst_directsocket.moc"
