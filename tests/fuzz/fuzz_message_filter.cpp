// SPDX-License-Identifier: Apache-2.0
// The subscription filter language: MessageFilter::compile and matches().
//
// Input: the first line is the filter expression, the rest the message's payload (JSON or not).
// Oracles: a refusal names a position inside the expression (or none); a compiled filter
// evaluates without failing; "!(f)" compiles too (one level deeper) and gives the opposite
// answer; "(f) || true" matches and "(f) && false" does not.
#include "fuzzsupport.h"

#include <switchboard/messagefilter.h>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    const QByteArrayView in = sb::fuzz::bytes(data, size);
    const qsizetype newline = in.indexOf('\n');
    const QString expression = QString::fromUtf8(newline < 0 ? in : in.first(newline));
    const QByteArray payload = newline < 0 ? QByteArray() : in.sliced(newline + 1).toByteArray();

    Message message(MessageType::Event, QStringLiteral("sensor.b1.temp"), payload);
    message.setAction(QStringLiteral("reading"));
    message.setHeader(QStringLiteral("site"), QStringLiteral("b1"));

    FilterLimits limits;
    Result<MessageFilter> f = MessageFilter::compile({}, expression, limits);
    if (!f) {
        SB_FUZZ_CHECK(f.error().code == ErrorCode::BadMessage);
        const int position = f.error().details.value(QStringLiteral("position")).toInt();
        SB_FUZZ_CHECK(position >= 0 && position <= expression.size() + 1);
        return 0;
    }
    const FilterInput input(message);
    const bool result = f.value().matches(input);
    if (expression.trimmed().isEmpty()) {
        SB_FUZZ_CHECK(result);
        return 0;
    }
    limits.maxLength += 16;
    limits.maxDepth += 2; // "!(" nests the expression two levels deeper
    Result<MessageFilter> negated = MessageFilter::compile({}, QStringLiteral("!(") + expression + QLatin1Char(')'), limits);
    SB_FUZZ_CHECK(negated);
    SB_FUZZ_CHECK(negated.value().matches(input) == !result);
    Result<MessageFilter> orTrue = MessageFilter::compile({}, QLatin1Char('(') + expression + QStringLiteral(") || true"), limits);
    SB_FUZZ_CHECK(orTrue && orTrue.value().matches(input));
    Result<MessageFilter> andFalse = MessageFilter::compile({}, QLatin1Char('(') + expression + QStringLiteral(") && false"), limits);
    SB_FUZZ_CHECK(andFalse && !andFalse.value().matches(input));
    return 0;
}
