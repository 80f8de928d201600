// SPDX-License-Identifier: Apache-2.0
// A replay's options as POST /api/v1/replays and the remote API take them: JSON -> QVariantMap ->
// ReplayOptions::fromVariantMap.
//
// Oracles: a refusal is BAD_MESSAGE or INVALID_TOPIC and names the field at the start of its
// message; accepted options validate, their speed is 0 or within 0.1-100, their ranges are not
// empty, they survive toVariantMap -> fromVariantMap unchanged, and remapTopic() of a valid
// topic is a valid topic (unless the remap made it too long).
#include "fuzzsupport.h"

#include <switchboard/replayoptions.h>
#include <switchboard/topic.h>

#include <QJsonDocument>
#include <QJsonObject>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const QJsonDocument doc = QJsonDocument::fromJson(sb::fuzz::bytes(data, size).toByteArray());
    if (!doc.isObject())
        return 0;
    const Result<ReplayOptions> o = ReplayOptions::fromVariantMap(doc.object().toVariantMap());
    if (!o) {
        SB_FUZZ_CHECK(o.error().code == ErrorCode::BadMessage || o.error().code == ErrorCode::InvalidTopic);
        SB_FUZZ_CHECK(o.error().message.contains(QLatin1String(": ")));
        return 0;
    }
    SB_FUZZ_CHECK(o->validate());
    SB_FUZZ_CHECK(o->speed == 0 || (o->speed >= ReplayOptions::MinSpeed && o->speed <= ReplayOptions::MaxSpeed));
    SB_FUZZ_CHECK(o->toMs == 0 || o->fromMs <= o->toMs);
    SB_FUZZ_CHECK(o->toSeq == 0 || o->toSeq > o->afterSeq);
    const Result<ReplayOptions> back = ReplayOptions::fromVariantMap(o->toVariantMap());
    SB_FUZZ_CHECK(back && back->toVariantMap() == o->toVariantMap());
    const QString underFrom = o->remapFrom.chopped(o->remapFrom.endsWith(u'>') ? 1 : 0) + QStringLiteral("x");
    for (const QString &topic : {QStringLiteral("orders.eu.1"), QStringLiteral("a"), underFrom}) {
        // (a remap may make a topic longer than Topic::MaxLength: refused when it is published)
        if (Topic::validateTopic(topic) && o->remapTopic(topic).size() <= Topic::MaxLength)
            SB_FUZZ_CHECK(Topic::validateTopic(o->remapTopic(topic)));
    }
    return 0;
}
