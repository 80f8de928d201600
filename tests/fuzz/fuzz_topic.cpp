// SPDX-License-Identifier: Apache-2.0
// Topics and patterns: Topic::validateTopic/validatePattern, Topic::matches, the MQTT mapping,
// TopicTrie, and AccessControl's pattern algebra (covers, overlaps).
//
// Input: UTF-8 text, one topic or pattern per line (at most 8 lines). Oracles: the trie finds
// exactly the patterns Topic::matches says match; covers() and overlaps() agree with matches();
// the MQTT mapping round-trips; removing every pattern empties the trie.
#include "fuzzsupport.h"

#include <switchboard/accesscontrol.h>
#include <switchboard/topic.h>
#include <switchboard/topictrie.h>

#include <algorithm>

using namespace sb;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    const QStringList lines = QString::fromUtf8(sb::fuzz::bytes(data, size)).split(QLatin1Char('\n'));
    QStringList patterns;
    QStringList topics;
    for (const QString &line : lines.mid(0, 8)) {
        const bool isTopic = bool(Topic::validateTopic(line));
        const bool isPattern = bool(Topic::validatePattern(line));
        SB_FUZZ_CHECK(!isTopic || isPattern); // every topic is a pattern matching itself
        SB_FUZZ_CHECK(!isPattern || isTopic == !Topic::isWildcard(line));
        if (Result<QString> p = Topic::fromMqtt(line)) {
            SB_FUZZ_CHECK(bool(Topic::validatePattern(p.value())));
            Result<QString> back = Topic::toMqtt(p.value());
            SB_FUZZ_CHECK(back && back.value() == line);
        }
        if (!isPattern)
            continue;
        if (Result<QString> mqtt = Topic::toMqtt(line)) {
            Result<QString> back = Topic::fromMqtt(mqtt.value());
            SB_FUZZ_CHECK(back && back.value() == line);
        }
        patterns.append(line);
        if (isTopic) {
            SB_FUZZ_CHECK(Topic::matches(line, line));
            topics.append(line);
        }
    }

    TopicTrie trie;
    for (qsizetype i = 0; i < patterns.size(); ++i)
        trie.insert(patterns.at(i), SubscriptionId(i + 1));
    SB_FUZZ_CHECK(trie.size() == patterns.size());
    for (const QString &topic : topics) {
        QVector<SubscriptionId> found;
        trie.match(topic, found);
        std::sort(found.begin(), found.end());
        QVector<SubscriptionId> expected;
        for (qsizetype i = 0; i < patterns.size(); ++i) {
            if (Topic::matches(patterns.at(i), topic))
                expected.append(SubscriptionId(i + 1));
        }
        SB_FUZZ_CHECK(found == expected);
    }
    for (const QString &a : patterns) {
        for (const QString &b : patterns) {
            const bool covers = AccessControl::covers(a, b);
            const bool overlaps = AccessControl::overlaps(a, b);
            SB_FUZZ_CHECK(overlaps == AccessControl::overlaps(b, a));
            for (const QString &t : topics) {
                const bool inA = Topic::matches(a, t);
                const bool inB = Topic::matches(b, t);
                SB_FUZZ_CHECK(!(covers && inB) || inA);
                SB_FUZZ_CHECK(!(inA && inB) || overlaps);
            }
        }
    }
    for (qsizetype i = 0; i < patterns.size(); ++i)
        SB_FUZZ_CHECK(trie.remove(patterns.at(i), SubscriptionId(i + 1)));
    SB_FUZZ_CHECK(trie.size() == 0);
    for (const QString &topic : topics) {
        QVector<SubscriptionId> found;
        trie.match(topic, found);
        SB_FUZZ_CHECK(found.isEmpty());
    }
    return 0;
}
