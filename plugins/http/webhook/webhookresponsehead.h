// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QString>

namespace sb::http {

// The head of a webhook receiver's answer, as it arrives: the status line of the final response
// (interim 1xx heads are skipped, RFC 9110 15.2; 101 is final), within 16 KiB for every head
// together. Headers and body are not interpreted: the status is all a delivery needs. Without
// I/O, so the fuzz target feeds it as the socket would (fuzz_webhook_response).
class WebhookResponseHead
{
public:
    static constexpr qsizetype kMaxBytes = 16 * 1024;
    enum class State { Incomplete, Final, Malformed, TooLarge };

    // Takes the next bytes; ignored once the state is no longer Incomplete.
    State append(QByteArrayView bytes);
    State state() const { return m_state; }
    // Final: its status. Otherwise the first status line's, when one was complete (0: none):
    // what a connection that closed early still told.
    int status() const;
    // Final: the Retry-After header's delta-seconds (at most a day), 0 when absent or a date.
    int retryAfterSeconds() const { return m_retryAfter; }
    // Malformed: the status line, printable (control characters as '.', at most 80 bytes).
    QString malformedLine() const { return m_malformed; }
    qsizetype size() const { return m_bytes.size(); }
    // How many more bytes may come before the head is too large (+1 to tell the two apart).
    qsizetype room() const { return kMaxBytes + 1 - m_bytes.size(); }

    // "HTTP/1.x NNN[ reason]" to NNN (100-599), or -1.
    static int parseStatusLine(QByteArrayView line);
    // \a bytes for an error message: control characters as '.', at most 80, quoted.
    static QString printable(QByteArrayView bytes);

private:
    void parse();

    QByteArray m_bytes;
    qsizetype m_start = 0; // where the head being read starts (past the interim ones)
    State m_state = State::Incomplete;
    int m_status = 0;
    int m_retryAfter = 0;
    QString m_malformed;
};

} // namespace sb::http
