// SPDX-License-Identifier: Apache-2.0
#include "schemacache.h"

#include <algorithm>

namespace sb::http {

SchemaCache::SchemaCache(int maxEntries) : m_maxEntries(std::max(1, maxEntries)) {}

Result<JsonSchema> SchemaCache::schemaFor(const ChannelConfig &channel)
{
    if (channel.schema.isEmpty())
        return JsonSchema();
    auto it = m_entries.find(channel.name);
    // The bus hands out copies of one implicitly shared map: sharing is the cheap test, equality
    // the sure one (a channel replaced with the same document keeps its compiled schema).
    if (it != m_entries.end() && !it->document.isSharedWith(channel.schema) && it->document != channel.schema) {
        m_entries.erase(it);
        it = m_entries.end();
    }
    if (it == m_entries.end()) {
        if (m_entries.size() >= m_maxEntries)
            evictOne();
        Entry e;
        e.document = channel.schema;
        ++m_compilations;
        const Result<JsonSchema> compiled = JsonSchema::compile(channel.schema);
        if (compiled)
            e.schema = compiled.value();
        else
            e.error = Error(ErrorCode::InvalidConfig,
                            QStringLiteral("channel \"%1\": %2").arg(channel.name, compiled.error().message),
                            {{QStringLiteral("key"), QStringLiteral("schema")}, {QStringLiteral("channel"), channel.name}});
        it = m_entries.insert(channel.name, e);
    } else {
        it->document = channel.schema; // share the bus's map: the next look-up is the cheap one
    }
    it->lastUse = ++m_clock;
    if (it->error.isError())
        return it->error;
    return it->schema;
}

void SchemaCache::evictOne()
{
    auto oldest = m_entries.begin();
    for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
        if (it->lastUse < oldest->lastUse)
            oldest = it;
    }
    if (oldest != m_entries.end())
        m_entries.erase(oldest);
}

} // namespace sb::http
