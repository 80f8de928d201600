// SPDX-License-Identifier: Apache-2.0
#include "journaldlog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace sb::daemon::JournaldLog {

namespace {

// "watchdogUsec" -> "SB_WATCHDOG_USEC"; journald takes A-Z, 0-9 and _, at most 64 characters.
QByteArray fieldName(const QString &key)
{
    QByteArray name("SB_");
    for (qsizetype i = 0; i < key.size() && name.size() < 64; ++i) {
        const QChar c = key.at(i);
        if (c.isUpper() && i > 0 && !key.at(i - 1).isUpper())
            name += '_';
        if (c.isLetterOrNumber() && c.unicode() < 128)
            name += char(c.toUpper().unicode());
        else
            name += '_';
    }
    return name.left(64);
}

QByteArray fieldValue(const QVariant &v)
{
    const QJsonValue j = QJsonValue::fromVariant(v);
    if (j.isObject())
        return QJsonDocument(j.toObject()).toJson(QJsonDocument::Compact);
    if (j.isArray())
        return QJsonDocument(j.toArray()).toJson(QJsonDocument::Compact);
    return v.toString().toUtf8();
}

// journald's native protocol (systemd.io/JOURNAL_NATIVE_PROTOCOL), as sd_journal_sendv() speaks
// it; the hub does not link libsystemd. Each field is "NAME=value\n", or, when the value holds a
// newline, "NAME\n" + its length (64-bit little endian) + the value + "\n".
QByteArray serialize(const QList<QByteArray> &fields)
{
    QByteArray out;
    for (const QByteArray &f : fields) {
        const qsizetype eq = f.indexOf('=');
        if (eq <= 0)
            continue;
        if (f.indexOf('\n', eq + 1) < 0) {
            out += f;
            out += '\n';
            continue;
        }
        const quint64 length = quint64(f.size() - eq - 1);
        char le[8];
        for (int i = 0; i < 8; ++i)
            le[i] = char((length >> (8 * i)) & 0xff);
        out += f.left(eq);
        out += '\n';
        out.append(le, 8);
        out.append(f.constData() + eq + 1, qsizetype(length));
        out += '\n';
    }
    return out;
}

constexpr char JournalSocket[] = "/run/systemd/journal/socket";

int journalSocket()
{
    static const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0); // shared by every thread that logs
    return fd;
}

sockaddr_un journalAddress()
{
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, JournalSocket, sizeof JournalSocket);
    return addr;
}

// An entry too large for one datagram goes in a sealed memfd whose descriptor is the datagram.
bool sendAsMemfd(int socket, const sockaddr_un &addr, const QByteArray &entry)
{
    const int memfd = ::memfd_create("switchboardd-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (memfd < 0)
        return false;
    bool ok = ::write(memfd, entry.constData(), size_t(entry.size())) == entry.size()
              && ::fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0;
    if (ok) {
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_name = const_cast<sockaddr_un *>(&addr);
        msg.msg_namelen = sizeof addr;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &memfd, sizeof(int));
        ok = ::sendmsg(socket, &msg, MSG_NOSIGNAL) >= 0;
    }
    ::close(memfd);
    return ok;
}

} // namespace

bool sendFields(const QList<QByteArray> &fields)
{
    const int socket = journalSocket();
    if (socket < 0)
        return false;
    const QByteArray entry = serialize(fields);
    const sockaddr_un addr = journalAddress();
    if (::sendto(socket, entry.constData(), size_t(entry.size()), MSG_NOSIGNAL, reinterpret_cast<const sockaddr *>(&addr),
                 sizeof addr) == entry.size())
        return true;
    return errno == EMSGSIZE && sendAsMemfd(socket, addr, entry);
}

bool stderrIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM"); // "<device>:<inode>"
    const qsizetype colon = stream.indexOf(':');
    struct stat st {};
    if (colon <= 0 || ::fstat(2, &st) != 0)
        return false;
    bool devOk = false, inoOk = false;
    const quint64 dev = stream.left(colon).toULongLong(&devOk), ino = stream.mid(colon + 1).toULongLong(&inoOk);
    return devOk && inoOk && dev == quint64(st.st_dev) && ino == quint64(st.st_ino);
}

QList<QByteArray> entry(int rank, const char *category, const QString &msg, const QVariantMap &fields)
{
    static const char *const priorities[] = {"7", "6", "4", "3"};
    QList<QByteArray> out;
    out.reserve(fields.size() + 4);
    out.append("MESSAGE=" + msg.toUtf8());
    out.append(QByteArray("PRIORITY=") + priorities[qBound(0, rank, 3)]);
    out.append("SYSLOG_IDENTIFIER=switchboardd");
    out.append(QByteArray("SB_CATEGORY=") + category);
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        out.append(fieldName(it.key()) + '=' + fieldValue(it.value()));
    return out;
}

bool send(int rank, const char *category, const QString &msg, const QVariantMap &fields)
{
    return sendFields(entry(rank, category, msg, fields));
}

} // namespace sb::daemon::JournaldLog
