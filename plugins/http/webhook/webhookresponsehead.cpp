// SPDX-License-Identifier: Apache-2.0
#include "webhookresponsehead.h"

namespace sb::http {

namespace {

// Where the head that starts at \a from ends (past its blank line), or -1. Bare LF line ends are
// accepted, as RFC 9112 2.2 allows a recipient to.
qsizetype endOfHead(const QByteArray &bytes, qsizetype from)
{
    const qsizetype crlf = bytes.indexOf("\n\r\n", from);
    const qsizetype lf = bytes.indexOf("\n\n", from);
    if (crlf < 0)
        return lf < 0 ? -1 : lf + 2;
    return lf < 0 || crlf < lf ? crlf + 3 : lf + 2;
}

// The Retry-After of \a head in delta-seconds (RFC 9110 10.2.3), capped at a day; 0 when it is
// absent, a date (not worth a clock comparison here) or not a number.
int retryAfter(QByteArrayView head)
{
    while (!head.isEmpty()) {
        const qsizetype nl = head.indexOf('\n');
        const QByteArray line = (nl < 0 ? head : head.first(nl)).toByteArray().trimmed();
        head = nl < 0 ? QByteArrayView() : head.sliced(nl + 1);
        if (line.size() < 12 || qstrnicmp(line.constData(), "retry-after:", 12) != 0)
            continue;
        bool ok = false;
        const qint64 seconds = line.mid(12).trimmed().toLongLong(&ok);
        return ok && seconds > 0 ? int(qMin<qint64>(seconds, 86400)) : 0;
    }
    return 0;
}

} // namespace

int WebhookResponseHead::parseStatusLine(QByteArrayView line)
{
    const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (line.endsWith('\r'))
        line.chop(1);
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || !isDigit(line[7]) || line[8] != ' ')
        return -1;
    int status = 0;
    for (int i = 9; i < 12; ++i) {
        if (!isDigit(line[i]))
            return -1;
        status = status * 10 + (line[i] - '0');
    }
    if ((line.size() > 12 && line[12] != ' ') || status < 100 || status > 599)
        return -1;
    return status;
}

QString WebhookResponseHead::printable(QByteArrayView bytes)
{
    QString out = QString::fromLatin1(bytes.first(qMin<qsizetype>(bytes.size(), 80)));
    for (QChar &c : out) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7F)
            c = QLatin1Char('.');
    }
    return QLatin1Char('"') + out + (bytes.size() > 80 ? QStringLiteral("...\"") : QStringLiteral("\""));
}

WebhookResponseHead::State WebhookResponseHead::append(QByteArrayView bytes)
{
    if (m_state != State::Incomplete || bytes.isEmpty())
        return m_state;
    m_bytes.append(bytes.first(qMin(bytes.size(), room())));
    parse();
    return m_state;
}

void WebhookResponseHead::parse()
{
    for (;;) {
        const qsizetype end = endOfHead(m_bytes, m_start);
        if (end < 0 || end > kMaxBytes) {
            if (m_bytes.size() > kMaxBytes)
                m_state = State::TooLarge;
            return;
        }
        const QByteArrayView line = QByteArrayView(m_bytes).sliced(m_start, m_bytes.indexOf('\n', m_start) - m_start);
        const int status = parseStatusLine(line);
        if (status < 0) {
            m_malformed = printable(line);
            m_state = State::Malformed;
            return;
        }
        if (status >= 200 || status == 101) {
            m_status = status;
            m_retryAfter = retryAfter(QByteArrayView(m_bytes).sliced(m_start, end - m_start));
            m_state = State::Final;
            return;
        }
        m_start = end;
    }
}

int WebhookResponseHead::status() const
{
    if (m_state == State::Final)
        return m_status;
    const qsizetype lineEnd = m_bytes.indexOf('\n', m_start);
    return lineEnd < 0 ? 0 : qMax(parseStatusLine(QByteArrayView(m_bytes).sliced(m_start, lineEnd - m_start)), 0);
}

} // namespace sb::http
