// SPDX-License-Identifier: Apache-2.0
// RemoteHandshake: the line a remote-control client sends before Qt Remote Objects takes over
// (the hub reads it from anyone who connects), and the hub's answer line the client reads.
//
// Input: bytes from the socket, cut after the first newline as RemoteServer and RemoteClient read
// them (at most MaxLineBytes). Oracles: a token taken from a hello makes a hello that parses back
// to it; the answer line the hub would send on stays one line.
#include "fuzzsupport.h"

#include <remotehandshake.h>

using namespace sb;
using namespace sb::remote;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > size_t(RemoteHandshake::MaxLineBytes))
        return 0;
    QByteArray line = sb::fuzz::bytes(data, size).toByteArray();
    if (const qsizetype newline = line.indexOf('\n'); newline >= 0)
        line.truncate(newline + 1);
    Result<QByteArray> token = RemoteHandshake::parseHello(line);
    if (token) {
        SB_FUZZ_CHECK(!token.value().contains('\n'));
        Result<QByteArray> back = RemoteHandshake::parseHello(RemoteHandshake::hello(token.value()));
        SB_FUZZ_CHECK(back && back.value() == token.value());
    }
    Result<QString> answer = RemoteHandshake::parseAnswer(line);
    if (!answer) {
        // The hub's refusal, sent on: it must stay one line.
        const QByteArray refused = RemoteHandshake::refused(answer.error());
        SB_FUZZ_CHECK(refused.indexOf('\n') == refused.size() - 1);
    } else {
        const QByteArray accepted = RemoteHandshake::accepted(answer.value());
        SB_FUZZ_CHECK(accepted.indexOf('\n') == accepted.size() - 1);
    }
    return 0;
}
