// SPDX-License-Identifier: Apache-2.0
// Config values with units: sb::config::parseSize, parseDurationMs, parseDurationUs and parseRate (every config
// section and plugin reads its sizes, durations and rates through them), and a channel's fsync
// policy (SyncPolicy::parse), whose text form parses back to itself.
//
// Input: byte 0 picks how the value arrives (YAML gives strings, JSON numbers): 0 text, 1 a
// double from 8 raw bytes (NaN, infinities, huge values), 2 a qlonglong from 8 raw bytes, 3 a
// number parsed from the text. The rest is the text or the raw bytes. Oracles: results are never
// negative (and rates finite); a parsed size or duration, written as a plain number, parses back
// to itself.
#include "fuzzsupport.h"

#include <switchboard/configvalue.h>
#include <switchboard/persistence.h>

#include <cmath>
#include <cstring>

using namespace sb;

namespace {

template<typename T>
T rawNumber(const uint8_t *data, size_t size)
{
    T v{};
    std::memcpy(&v, data, qMin(size, sizeof v));
    return v;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 256)
        return 0;
    const QString key = QStringLiteral("fuzz.value");
    const QString text = QString::fromUtf8(sb::fuzz::bytes(data + 1, size - 1));
    QVariant value;
    switch (data[0] % 4) {
    case 0: value = text; break;
    case 1: value = rawNumber<double>(data + 1, size - 1); break;
    case 2: value = rawNumber<qlonglong>(data + 1, size - 1); break;
    case 3: value = text.toDouble(); break;
    }

    if (Result<qint64> bytes = config::parseSize(value, key)) {
        SB_FUZZ_CHECK(bytes.value() >= 0);
        Result<qint64> back = config::parseSize(QString::number(bytes.value()), key);
        SB_FUZZ_CHECK(back && back.value() == bytes.value());
    } else {
        SB_FUZZ_CHECK(bytes.error().code == ErrorCode::InvalidConfig);
    }
    for (const qint64 plainUnit : {qint64(1), qint64(1000)}) {
        if (Result<qint64> ms = config::parseDurationMs(value, key, plainUnit)) {
            SB_FUZZ_CHECK(ms.value() >= 0);
            Result<qint64> back = config::parseDurationMs(QString(QString::number(ms.value()) + QStringLiteral("ms")), key);
            SB_FUZZ_CHECK(back && back.value() == ms.value());
        }
    }
    if (Result<qint64> us = config::parseDurationUs(value, key)) {
        SB_FUZZ_CHECK(us.value() >= 0);
        Result<qint64> back = config::parseDurationUs(QString(QString::number(us.value()) + QStringLiteral("us")), key);
        SB_FUZZ_CHECK(back && back.value() == us.value());
    } else {
        SB_FUZZ_CHECK(us.error().code == ErrorCode::InvalidConfig);
    }
    if (Result<config::Rate> rate = config::parseRate(value, key)) {
        SB_FUZZ_CHECK(std::isfinite(rate.value().perSecond) && rate.value().perSecond >= 0);
    } else {
        SB_FUZZ_CHECK(rate.error().code == ErrorCode::InvalidConfig);
    }
    if (Result<SyncPolicy> sync = SyncPolicy::parse(value, key)) {
        Result<SyncPolicy> back = SyncPolicy::parse(sync.value().toString(), key);
        SB_FUZZ_CHECK(back && back.value() == sync.value());
    } else {
        SB_FUZZ_CHECK(sync.error().code == ErrorCode::InvalidConfig);
    }
    return 0;
}
