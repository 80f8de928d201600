// SPDX-License-Identifier: Apache-2.0
// A webhook receiver's answer as the hub reads it (WebhookResponseHead): status lines, interim
// heads, line ends, the 16 KiB bound.
//
// Input: the bytes a receiver sends. Oracles: the verdict does not depend on how the bytes are
// cut (whole, one byte at a time, halves); a final status is 101 or 200-599; "too large" only past
// 16 KiB; a malformed status line is reported printable.
#include "fuzzsupport.h"

#include "webhookresponsehead.h"

using namespace sb::http;

namespace {

WebhookResponseHead feedInSteps(QByteArrayView bytes, qsizetype step)
{
    WebhookResponseHead head;
    for (qsizetype at = 0; at < bytes.size() && head.state() == WebhookResponseHead::State::Incomplete; at += step)
        head.append(bytes.sliced(at, qMin(step, bytes.size() - at)));
    return head;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 40000)
        return 0;
    const QByteArrayView bytes = sb::fuzz::bytes(data, size);
    WebhookResponseHead whole;
    whole.append(bytes);
    for (qsizetype step : {qsizetype(1), qsizetype(7), qMax<qsizetype>(1, bytes.size() / 2)}) {
        const WebhookResponseHead cut = feedInSteps(bytes, step);
        SB_FUZZ_CHECK(cut.state() == whole.state());
        SB_FUZZ_CHECK(cut.status() == whole.status());
        SB_FUZZ_CHECK(cut.retryAfterSeconds() == whole.retryAfterSeconds());
    }
    switch (whole.state()) {
    case WebhookResponseHead::State::Final:
        SB_FUZZ_CHECK(whole.status() == 101 || (whole.status() >= 200 && whole.status() <= 599));
        SB_FUZZ_CHECK(whole.retryAfterSeconds() >= 0 && whole.retryAfterSeconds() <= 86400);
        break;
    case WebhookResponseHead::State::TooLarge:
        SB_FUZZ_CHECK(bytes.size() > WebhookResponseHead::kMaxBytes);
        break;
    case WebhookResponseHead::State::Malformed:
        for (QChar c : whole.malformedLine())
            SB_FUZZ_CHECK(c.unicode() >= 0x20 && c.unicode() != 0x7F);
        break;
    case WebhookResponseHead::State::Incomplete:
        SB_FUZZ_CHECK(bytes.size() <= WebhookResponseHead::kMaxBytes);
        break;
    }
    SB_FUZZ_CHECK(whole.size() <= WebhookResponseHead::kMaxBytes + 1);
    return 0;
}
