// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QByteArrayView>
#include <QVariantMap>

#include <memory>

namespace sb::http {

// A compiled JSON Schema (valijson over nlohmann::json): compile once, validate many JSON texts.
// Copies share the compiled form and are cheap; a compiled schema is never changed, so copies may
// validate on several threads at once. A default-constructed JsonSchema is null and accepts
// every JSON text.
class JsonSchema
{
public:
    enum class Draft { Draft4, Draft7 };

    static constexpr int MaxReportedErrors = 10; // details.errors holds at most this many
    static constexpr int MaxDepth = 256;         // deeper documents (and schemas) are refused

    JsonSchema() = default;

    // Draft 7, or draft 4 when "$schema" names it. INVALID_CONFIG (details.key "schema") with
    // valijson's message for a document it refuses, for a $ref to another document (nothing is
    // ever fetched) and for a "pattern" std::regex cannot compile.
    static Result<JsonSchema> compile(const QVariantMap &document);
    // Parses \a jsonBytes with nlohmann (integers stay exact) and validates them: BAD_MESSAGE
    // when they are not JSON; VALIDATION_FAILED with details {path: the failing value's JSON
    // pointer ("" is the root), reason, errors: [{path, reason}, ...at most MaxReportedErrors]}.
    Status validate(QByteArrayView jsonBytes) const;

    bool isNull() const { return !d; }
    Draft draft() const;
    QVariantMap document() const;
    // With "pattern", "patternProperties" or "format" in the schema: the longest string (or member
    // name) validated, 8192 bytes divided by the heaviest pattern's weight (std::regex recurses
    // per character; see the .cpp); longer ones fail. 0: no regex, no limit.
    qsizetype regexInputLimit() const;

private:
    struct Compiled;
    std::shared_ptr<const Compiled> d;
};

} // namespace sb::http
