// SPDX-License-Identifier: Apache-2.0
// The attack from the issue, as a test: peers that send small frames as fast as they can and never
// read the answers (PONGs, ACKs, ERRORs). The old hub buffered every unread answer and grew to
// 800 MB in 15 s; now each connection's unread answers are bounded by max-outbound-bytes and the
// peer is closed with OVERFLOW, and peers that never CONNECT are cut off after pre-auth-bytes.
//
// Attackers are plain POSIX sockets (non-blocking send, tiny SO_RCVBUF, never a recv during the
// attack), so nothing in the test reads for them behind its back, and one slow peer cannot block the
// loop that drives the others.
#include "daemonprocess.h"

#include "protocol/nativeprotocol.h"

#include <switchboardclient.h>
#include <switchboard/binarycodec.h>

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace sb;
using namespace sb::native;

namespace {
constexpr qint64 KiB = 1024;
constexpr qint64 MiB = 1024 * KiB;
constexpr qint64 kMaxOutbound = 256 * KiB;
constexpr int kAttackers = 40;
constexpr int kPreAuthPeers = 10;
constexpr int kPreAuthReconnects = 20;
#if defined(__SANITIZE_ADDRESS__)
// Under ASan the hub runs several times slower: in 5 s on two shared cores it once cut off no
// pre-auth peer at all (CI, session 14).
constexpr int kAttackMs = 10000;
#else
constexpr int kAttackMs = 5000;
#endif

// How long the hub may take to catch up once an attack ends (the assertions are that nothing is
// lost and everyone is logged, not how soon): 30 s, longer where the hub is emulated (qemu-user,
// cross builds: SB_TEST_TIME_SCALE), where it once took 32.8 s on armhf.
int timeScale()
{
    return qMax(1, qEnvironmentVariableIntValue("SB_TEST_TIME_SCALE"));
}

int waitMs()
{
    return 30000 * timeScale();
}

// The attack lasts long enough for the hub to cut every kind of attacker off: emulated, 5 s saw
// no pre-auth peer cut off (armhf), as under ASan once.
int attackMs()
{
    return kAttackMs * timeScale();
}

qint64 rssBytes(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * KiB;
    }
    return -1;
}

int openPeer(quint16 port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    const int small = 4096; // before connect(), so the window is small from the start
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// False once the hub has closed (or reset) the peer.
bool sendSome(int fd, const QByteArray &bytes)
{
    const ssize_t n = ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_DONTWAIT | MSG_NOSIGNAL);
    return n >= 0 || errno == EAGAIN || errno == EWOULDBLOCK;
}
} // namespace

class tst_MemoryBudgetAttack : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unreadAnswersStayWithinBudget() { attack(Cap::Off); }
    void errorFloodersAreCutOff() { attack(Cap::On); }

private:
    enum class Cap { Off, On };
    void attack(Cap cap);
};

// Cap::Off: limits.connection-errors is off, so the attackers' unread answers pile up until
// max-outbound-bytes closes them with OVERFLOW. Cap::On (the default cap, 100 errors a second): the
// same attackers are closed with RATE_LIMITED once past the cap, long before that, and stop costing
// the bus thread the parse and answer of every bad frame.
void tst_MemoryBudgetAttack::attack(Cap cap)
{
    DaemonProcess daemon;
    DaemonProcess::Options o;
    o.nativeExtra = QStringLiteral("    max-outbound-bytes: 256KiB\n"
                                   "    high-water-bytes: 64KiB\n"
                                   "    queue: {max-bytes: 256KiB}\n"
                                   "    max-connections-per-peer: 64\n");
    if (cap == Cap::Off)
        o.topLevelExtra = QStringLiteral("limits: {connection-errors: 0}\n");
    QVERIFY2(daemon.start(o), qPrintable(daemon.errorString()));
    const qint64 pid = daemon.pid();

    // The well-behaved client: publishes to itself throughout and must keep receiving.
    SwitchboardClient good;
    QSignalSpy connected(&good, &SwitchboardClient::connected);
    QVERIFY(good.connectToHub(daemon.url(QStringLiteral("tcp"))));
    QVERIFY(connected.wait(10000));
    int received = 0;
    QSignalSpy subscribed(&good, &SwitchboardClient::subscribed);
    QElapsedTimer sinceLast;
    qint64 maxGapMs = 0;
    good.subscribe(QStringLiteral("good.t"), [&](const Message &) {
        ++received;
        if (sinceLast.isValid())
            maxGapMs = qMax(maxGapMs, sinceLast.elapsed());
        sinceLast.start();
    });
    QVERIFY(subscribed.wait(5000));
    QVERIFY(good.publish(QStringLiteral("good.t"), "warm-up"));
    QTRY_COMPARE(received, 1);
    const qint64 baseline = rssBytes(pid);
    QVERIFY(baseline > 0);

    // What one attacker sends per round: answered frames only (PING -> PONG, PUBLISH with a seq ->
    // ACK, an unknown frame type -> ERROR).
    // Mostly bad frames: their ERROR answers are ~10x the bytes sent, so the unread backlog grows
    // past what the kernel's socket buffers absorb (megabytes on loopback) within the attack.
    QByteArray burst;
    for (int i = 0; i < 8; ++i) {
        appendControl(burst, FrameType::Ping, quint32(i + 1));
        appendMessageFrame(burst, FrameType::Publish, quint32(i + 1000),
                           Message(MessageType::Event, QStringLiteral("attack.x"), "p"));
        for (int j = 0; j < 4; ++j) {
            BinaryCodec::appendFrameHeader(burst, 99, 0, 4);
            burst += QByteArray(4, '\0');
        }
    }
    QByteArray connect;
    appendControl(connect, FrameType::Connect, 1, {{QStringLiteral("name"), QStringLiteral("attacker")}});
    // Pre-auth peers: a CONNECT header announcing 512 KiB, then filler, never a complete frame.
    QByteArray preAuthHeader;
    BinaryCodec::appendFrameHeader(preAuthHeader, quint8(FrameType::Connect), 0, 512 * KiB);
    const QByteArray filler(4 * KiB, 'g');

    std::vector<int> attackers, preAuth;
    for (int i = 0; i < kAttackers; ++i) {
        const int fd = openPeer(daemon.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendSome(fd, connect));
        attackers.push_back(fd);
    }
    for (int i = 0; i < kPreAuthPeers; ++i) {
        const int fd = openPeer(daemon.port());
        QVERIFY(fd >= 0);
        QVERIFY(sendSome(fd, preAuthHeader));
        preAuth.push_back(fd);
    }

    std::vector<bool> attackerOpen(attackers.size(), true);
    int preAuthClosed = 0;
    qint64 peakRss = baseline;
    QList<int> receivedPerSecond;
    sinceLast.start();
    maxGapMs = 0;
    int receivedAtMark = received;
    QElapsedTimer t, mark, sample;
    t.start();
    mark.start();
    sample.start();
    int published = 1;
    while (t.elapsed() < attackMs()) { // bounded by time; every step below is non-blocking
        for (size_t i = 0; i < attackers.size(); ++i) {
            if (attackerOpen[i] && !sendSome(attackers[i], burst))
                attackerOpen[i] = false;
        }
        for (int &fd : preAuth) {
            if (fd >= 0 && !sendSome(fd, filler)) { // cut off: come back (a bounded number of times)
                ::close(fd);
                fd = ++preAuthClosed < kPreAuthPeers * kPreAuthReconnects ? openPeer(daemon.port()) : -1;
                if (fd >= 0)
                    sendSome(fd, preAuthHeader);
            }
        }
        // Well-behaved: one message in flight, the next once the last came back.
        if (received == published && good.publish(QStringLiteral("good.t"), "still here"))
            ++published;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5); // the good client's I/O
        if (sample.elapsed() >= 50) {
            sample.restart();
            peakRss = qMax(peakRss, rssBytes(pid));
        }
        if (mark.elapsed() >= 1000) {
            mark.restart();
            receivedPerSecond << received - receivedAtMark;
            receivedAtMark = received;
        }
    }
    peakRss = qMax(peakRss, rssBytes(pid));
    qInfo() << "attackers the test saw closed during the attack:"
            << std::count(attackerOpen.begin(), attackerOpen.end(), false) << "of" << kAttackers
            << "; pre-auth peers cut off:" << preAuthClosed;
    QVERIFY2(daemon.isRunning(), qPrintable(daemon.stderrText().right(2000)));

    // The bound, from the config: each connection may hold max-outbound-bytes of unread answers
    // plus what its reader holds (the native reader takes at most 256 KiB per turn, and no frame
    // here is larger than that), so
    //   peak <= baseline + peers * (max-outbound-bytes + 256 KiB) + 64 MiB slack
    // (slack: allocator arenas and fragmentation, Qt socket objects, the logs of the closes).
    // 50 peers: baseline + 25 MiB + 64 MiB. The unbounded hub reached 800 MB in 15 s.
    const qint64 peers = kAttackers + kPreAuthPeers;
    const qint64 bound = baseline + peers * (kMaxOutbound + 256 * KiB) + 64 * MiB;
    qInfo("RSS baseline %lld KiB, peak %lld KiB, bound %lld KiB", baseline / KiB, peakRss / KiB, bound / KiB);
#if defined(__SANITIZE_ADDRESS__)
    // Under ASan the daemon's RSS holds its quarantine of freed memory and the redzones (hundreds
    // of MB here): the bound is the plain build's; the rest of the test holds under ASan too.
    Q_UNUSED(bound)
#else
    QVERIFY2(peakRss <= bound, qPrintable(QStringLiteral("peak RSS %1 KiB over the bound %2 KiB")
                                              .arg(peakRss / KiB)
                                              .arg(bound / KiB)));
#endif

    // The good client kept its messages flowing in every second of the attack.
    qInfo() << "good client: published" << published << "received" << received << "per second" << receivedPerSecond
            << "longest wait for its own message" << maxGapMs << "ms";
    // None of its messages is lost and they flow again once the flooders are cut off...
    // (How many per second depends on the machine: under ASan the last second may see none.)
    QVERIFY(receivedPerSecond.size() >= 4);
    QVERIFY(received > 0);
    // Cap::Off: while the flooders are connected the good client starves. One event-loop turn reads
    // up to 256 KiB from every connection, and the kernel buffers megabytes of each flooder's unread
    // answers before max-outbound-bytes is even reached, so a round trip waits behind megabytes of
    // tiny frames parsed and answered (1.8-3 s on two shared cores). Cap::On: the flooders are cut
    // off within their first turns (84 ms measured). The longest wait is printed, not asserted: a
    // timing bound on a shared machine would make this test flaky either way.
    // Nothing lost is the claim, not how soon: under ASan on two shared cores the last one once
    // took 13.4 s to come back (CI, session 14), so the wait is long; it ends as soon as they match.
    QTRY_COMPARE_WITH_TIMEOUT(received, published, waitMs());
    QVERIFY(good.isConnected());

    // Every non-reading attacker was closed: with OVERFLOW without the error cap, with RATE_LIMITED
    // by it; the pre-auth ones with UNAUTHENTICATED either way.
    auto logCount = [&daemon](const QString &needle) {
        int n = 0;
        for (const QJsonObject &line : daemon.logLines())
            n += line.value(QStringLiteral("msg")).toString().contains(needle);
        return n;
    };
    const QString closedBy = cap == Cap::Off ? QStringLiteral("closed: OVERFLOW")
                                             : QStringLiteral("closed: RATE_LIMITED: more than 100 errors a second");
    QTRY_VERIFY_WITH_TIMEOUT(logCount(closedBy) >= kAttackers, waitMs()); // ends as soon as they are all logged
    qInfo() << "closes logged:" << logCount(closedBy) << closedBy;
    if (cap == Cap::On)
        QCOMPARE(std::count(attackerOpen.begin(), attackerOpen.end(), false), kAttackers); // seen closed during the attack
    QVERIFY(preAuthClosed > 0);
    QTRY_VERIFY_WITH_TIMEOUT(logCount(QStringLiteral("closed: UNAUTHENTICATED: more than")) >= preAuthClosed, waitMs());
    for (int fd : attackers)
        ::close(fd);
    for (int fd : preAuth)
        if (fd >= 0)
            ::close(fd);
    QVERIFY(daemon.isRunning());
    QCOMPARE(daemon.stop(), 0);
}

QTEST_GUILESS_MAIN(tst_MemoryBudgetAttack)
#include "tst_memorybudgetattack.moc"
