// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/message.h>
#include <switchboard/result.h>

#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <memory>
#include <optional>

namespace sb {

namespace detail {
struct FilterProgram;
}

// Bounds of one filter expression (limits.max-filter-length, limits.max-filter-depth): a filter
// is compiled once per subscription and evaluated for every message its pattern matches, so its
// size and nesting are capped where it is compiled.
struct SWITCHBOARD_EXPORT FilterLimits
{
    int maxLength = 4096; // characters of the expression
    int maxDepth = 32;    // nesting of parentheses, "!" and operators
    int maxEventTypes = 64;
};

// One message as filters see it. Its JSON payload is parsed at most once, on the first filter
// that reads "data", however many subscribers' filters are evaluated on it.
class SWITCHBOARD_EXPORT FilterInput
{
public:
    explicit FilterInput(const Message &message) : m_message(message) {}
    FilterInput(const FilterInput &) = delete;
    FilterInput &operator=(const FilterInput &) = delete;

    const Message &message() const { return m_message; }
    // The payload as JSON (any JSON value, not only objects and arrays); Undefined when it is
    // empty or not JSON.
    const QJsonValue &data() const;

private:
    const Message &m_message;
    mutable std::optional<QJsonValue> m_data;
};

// What a subscription may add to its topic pattern, for every protocol alike: a set of event
// types (the envelope's "action", the REST API's "event") and a predicate over the message's
// fields, headers and JSON payload:
//
//     data.temperature > 30 && headers.site == "b1"
//     event in ["created", "updated"] || exists(data.alarm)
//
// The language (docs/CONTRACTS.md, "Subscription filters"): fields topic, channel, event, source,
// id, content_type, size, headers.<name> / headers["<name>"], data, data.<key>, data[<index>],
// data["<key>"]; literals (numbers, "strings" or 'strings', true, false, null, [lists]); ==, !=,
// <, <=, >, >=, in, &&, ||, !, parentheses; exists(x), contains(x, y), startsWith(x, y). A field
// that is absent makes ==, <, <=, >, >= and in false and != true. Numbers compare exactly as
// 64-bit integers when both are integers, else as doubles; a string that is a whole number literal
// compares with a number as that number (header values are strings). A bare field is true only
// when it is the JSON value true.
//
// Compiled once (compile() refuses a bad filter with the position of the error, 1-based, in the
// error's details and message); copies share the compiled program. An empty filter matches
// everything.
class SWITCHBOARD_EXPORT MessageFilter
{
public:
    MessageFilter();
    ~MessageFilter();
    MessageFilter(const MessageFilter &);
    MessageFilter &operator=(const MessageFilter &);
    MessageFilter(MessageFilter &&) noexcept;
    MessageFilter &operator=(MessageFilter &&) noexcept;

    // BAD_MESSAGE with details {field: "filter" | "event_types", position, reason} when refused.
    static Result<MessageFilter> compile(const QStringList &eventTypes, const QString &expression,
                                         const FilterLimits &limits = {});
    // From a subscribe request of any protocol (native SUBSCRIBE, WebSocket, REST): its
    // "event_types" (an array of strings, or absent) and "filter" (a string, or absent);
    // BAD_MESSAGE naming the member when one has the wrong type.
    static Result<MessageFilter> fromJson(const QJsonObject &request, const FilterLimits &limits = {});

    bool isEmpty() const { return !d; }
    QStringList eventTypes() const;
    QString expression() const;
    // Whether the message passes. Never fails: a field of the wrong type or absent is a value
    // comparisons treat as documented above.
    bool matches(const FilterInput &input) const;
    // {eventTypes, filter} for listings (subscriptions in the console, sbctl, REST).
    QVariantMap toVariantMap() const;

private:
    std::shared_ptr<const detail::FilterProgram> d;
};

} // namespace sb
