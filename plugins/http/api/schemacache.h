// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jsonschema.h"

#include <switchboard/channel.h>

#include <QHash>

namespace sb::http {

// The compiled JsonSchema of each channel's current "schema", so a route validates without
// compiling per request. Keyed by channel name; an entry is compiled again when the channel's
// document changes; at most maxEntries() channels are kept (the least recently used goes).
// A document that does not compile is remembered too, with its error. Not thread-safe: one
// owner thread (RestApi's).
class SchemaCache
{
public:
    explicit SchemaCache(int maxEntries = 256);

    // A null JsonSchema when the channel has no schema; INVALID_CONFIG (naming the channel) when
    // its document does not compile.
    Result<JsonSchema> schemaFor(const ChannelConfig &channel);

    int size() const { return int(m_entries.size()); }
    int maxEntries() const { return m_maxEntries; }
    int compilations() const { return m_compilations; } // for tests: how often compile() ran
    void clear() { m_entries.clear(); }

private:
    struct Entry {
        QVariantMap document;
        JsonSchema schema;
        Error error; // set when the document did not compile
        quint64 lastUse = 0;
    };
    void evictOne();

    QHash<QString, Entry> m_entries;
    int m_maxEntries;
    quint64 m_clock = 0;
    int m_compilations = 0;
};

} // namespace sb::http
