// SPDX-License-Identifier: Apache-2.0
#include <switchboard/messagefilter.h>

#include "filterparser_p.h"
#include "filterprogram_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sb {

using detail::FilterField;
using detail::FilterNode;
using detail::FilterOp;
using detail::FilterProgram;
using detail::FilterValue;

namespace detail {

FilterValue FilterValue::fromJson(const QJsonValue &v)
{
    FilterValue out;
    switch (v.type()) {
    case QJsonValue::Null:
        out.type = Null;
        break;
    case QJsonValue::Bool:
        out.type = Bool;
        out.boolean = v.toBool();
        break;
    case QJsonValue::Double: {
        out.type = Number;
        out.number = v.toDouble();
        // Qt keeps JSON integers as qint64: exact, also above 2^53.
        constexpr qint64 kNotInteger = std::numeric_limits<qint64>::min();
        out.integer = v.toInteger(kNotInteger);
        out.integral = out.integer != kNotInteger;
        break;
    }
    case QJsonValue::String:
        out.type = String;
        out.string = v.toString();
        break;
    case QJsonValue::Array:
    case QJsonValue::Object:
        out.type = Json;
        out.json = v;
        break;
    case QJsonValue::Undefined:
        break;
    }
    return out;
}

} // namespace detail

namespace {

Error badFilter(const QString &field, int position, const QString &reason)
{
    QVariantMap details{{QStringLiteral("field"), field}, {QStringLiteral("reason"), reason}};
    QString text = QStringLiteral("bad %1: %2").arg(field, reason);
    if (position > 0) {
        details.insert(QStringLiteral("position"), position);
        text = QStringLiteral("bad %1 at character %2: %3").arg(field).arg(position).arg(reason);
    }
    return Error(ErrorCode::BadMessage, text, details);
}

FilterValue stringValue(const QString &s)
{
    FilterValue v;
    if (!s.isEmpty()) {
        v.type = FilterValue::String;
        v.string = s;
    }
    return v;
}

// A string that is a whole JSON-style number, as that number (header values are strings).
bool asNumber(const FilterValue &v, FilterValue *out)
{
    if (v.type == FilterValue::Number) {
        *out = v;
        return true;
    }
    if (v.type != FilterValue::String || v.string.isEmpty())
        return false;
    bool ok = false;
    out->type = FilterValue::Number;
    out->integer = v.string.toLongLong(&ok);
    out->integral = ok;
    out->number = double(out->integer);
    if (!ok)
        out->number = v.string.toDouble(&ok);
    return ok && std::isfinite(out->number);
}

// -1, 0, 1; or 2 when the two cannot be ordered (or compared at all).
int order(const FilterValue &a, const FilterValue &b)
{
    constexpr int kUnordered = 2;
    if (a.type == FilterValue::Missing || b.type == FilterValue::Missing)
        return kUnordered;
    if (a.type == FilterValue::Number || b.type == FilterValue::Number) {
        FilterValue x, y;
        if (!asNumber(a, &x) || !asNumber(b, &y))
            return kUnordered;
        if (x.integral && y.integral)
            return x.integer < y.integer ? -1 : (x.integer > y.integer ? 1 : 0);
        return x.number < y.number ? -1 : (x.number > y.number ? 1 : 0);
    }
    if (a.type != b.type)
        return kUnordered;
    switch (a.type) {
    case FilterValue::String: {
        const int c = a.string.compare(b.string);
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case FilterValue::Null:
        return 0;
    default:
        return kUnordered; // booleans and JSON values: equality only
    }
}

bool equal(const FilterValue &a, const FilterValue &b)
{
    if (a.type == FilterValue::Missing || b.type == FilterValue::Missing)
        return false;
    if (a.type == FilterValue::Bool && b.type == FilterValue::Bool)
        return a.boolean == b.boolean;
    if (a.type == FilterValue::Json && b.type == FilterValue::Json)
        return a.json == b.json;
    return order(a, b) == 0;
}

class Evaluator
{
public:
    Evaluator(const FilterProgram &program, const FilterInput &input) : m_program(program), m_input(input) {}

    bool test(int node) const
    {
        const FilterNode &n = m_program.nodes[size_t(node)];
        switch (n.op) {
        case FilterOp::Or:
            return std::any_of(n.items.begin(), n.items.end(), [this](int i) { return test(i); });
        case FilterOp::And:
            return std::all_of(n.items.begin(), n.items.end(), [this](int i) { return test(i); });
        case FilterOp::Not:
            return !test(n.a);
        case FilterOp::Eq:
            return equal(value(n.a), value(n.b));
        case FilterOp::Ne:
            return !equal(value(n.a), value(n.b));
        case FilterOp::Lt:
            return order(value(n.a), value(n.b)) == -1;
        case FilterOp::Le: {
            const int o = order(value(n.a), value(n.b));
            return o == -1 || o == 0;
        }
        case FilterOp::Gt:
            return order(value(n.a), value(n.b)) == 1;
        case FilterOp::Ge: {
            const int o = order(value(n.a), value(n.b));
            return o == 1 || o == 0;
        }
        case FilterOp::In: {
            const FilterValue v = value(n.a);
            for (int item : m_program.nodes[size_t(n.b)].items) {
                if (equal(v, m_program.nodes[size_t(item)].literal))
                    return true;
            }
            return false;
        }
        case FilterOp::Exists:
            return value(n.a).type != FilterValue::Missing;
        case FilterOp::Contains:
            return contains(value(n.a), value(n.b));
        case FilterOp::StartsWith: {
            const FilterValue s = value(n.a), prefix = value(n.b);
            return s.type == FilterValue::String && prefix.type == FilterValue::String && s.string.startsWith(prefix.string);
        }
        case FilterOp::Field:
        case FilterOp::Literal: {
            const FilterValue v = value(node);
            return v.type == FilterValue::Bool && v.boolean;
        }
        case FilterOp::List:
            return false;
        }
        return false;
    }

private:
    static bool contains(const FilterValue &haystack, const FilterValue &needle)
    {
        if (haystack.type == FilterValue::String)
            return needle.type == FilterValue::String && haystack.string.contains(needle.string);
        if (haystack.type != FilterValue::Json || !haystack.json.isArray())
            return false;
        const QJsonArray array = haystack.json.toArray();
        for (const QJsonValue &element : array) {
            if (equal(FilterValue::fromJson(element), needle))
                return true;
        }
        return false;
    }

    FilterValue value(int node) const
    {
        const FilterNode &n = m_program.nodes[size_t(node)];
        if (n.op == FilterOp::Literal)
            return n.literal;
        if (n.op != FilterOp::Field) { // a condition used as a value: its truth
            FilterValue v;
            v.type = FilterValue::Bool;
            v.boolean = test(node);
            return v;
        }
        const Message &m = m_input.message();
        switch (n.field) {
        case FilterField::Topic:
            return stringValue(m.topic());
        case FilterField::Channel:
            return stringValue(m.channel());
        case FilterField::Event:
            return stringValue(m.action());
        case FilterField::Source:
            return stringValue(m.source());
        case FilterField::Id:
            return stringValue(m.id());
        case FilterField::ContentType:
            return stringValue(m.contentType());
        case FilterField::Size: {
            FilterValue v;
            v.type = FilterValue::Number;
            v.integral = true;
            v.integer = m.payloadSize();
            v.number = double(v.integer);
            return v;
        }
        case FilterField::Header: {
            const QString h = m.header(n.header);
            FilterValue v;
            if (!h.isNull()) {
                v.type = FilterValue::String;
                v.string = h;
            }
            return v;
        }
        case FilterField::Data:
            return dataAt(n);
        }
        return {};
    }

    FilterValue dataAt(const FilterNode &n) const
    {
        QJsonValue v = m_input.data();
        for (const detail::FilterStep &step : n.path) {
            if (v.isObject()) {
                v = v.toObject().value(step.key);
            } else if (v.isArray() && step.index >= 0) {
                const QJsonArray a = v.toArray();
                v = step.index < a.size() ? a.at(step.index) : QJsonValue(QJsonValue::Undefined);
            } else {
                return {};
            }
            if (v.isUndefined())
                return {};
        }
        return FilterValue::fromJson(v);
    }

    const FilterProgram &m_program;
    const FilterInput &m_input;
};

} // namespace

const QJsonValue &FilterInput::data() const
{
    if (!m_data) {
        const QByteArray payload = m_message.payload();
        QJsonValue v(QJsonValue::Undefined);
        char first = '\0';
        for (char c : payload) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                first = c;
                break;
            }
        }
        QJsonParseError error;
        if (first == '{' || first == '[') {
            const QJsonDocument doc = QJsonDocument::fromJson(payload, &error);
            if (error.error == QJsonParseError::NoError)
                v = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        } else if (first != '\0') {
            // QJsonDocument takes objects and arrays only: a scalar is read as a one-element array.
            const QJsonDocument doc = QJsonDocument::fromJson('[' + payload + ']', &error);
            if (error.error == QJsonParseError::NoError && doc.array().size() == 1)
                v = doc.array().at(0);
        }
        m_data = v;
    }
    return *m_data;
}

MessageFilter::MessageFilter() = default;
MessageFilter::~MessageFilter() = default;
MessageFilter::MessageFilter(const MessageFilter &) = default;
MessageFilter &MessageFilter::operator=(const MessageFilter &) = default;
MessageFilter::MessageFilter(MessageFilter &&) noexcept = default;
MessageFilter &MessageFilter::operator=(MessageFilter &&) noexcept = default;

Result<MessageFilter> MessageFilter::compile(const QStringList &eventTypes, const QString &expression,
                                             const FilterLimits &limits)
{
    auto program = std::make_shared<FilterProgram>();
    if (eventTypes.size() > limits.maxEventTypes)
        return badFilter(QStringLiteral("event_types"), 0,
                         QStringLiteral("%1 event types, more than the limit of %2").arg(eventTypes.size()).arg(limits.maxEventTypes));
    for (const QString &type : eventTypes) {
        if (type.isEmpty() || type.size() > 256)
            return badFilter(QStringLiteral("event_types"), 0, QStringLiteral("an event type is 1 to 256 characters"));
        if (!program->eventTypes.contains(type))
            program->eventTypes.append(type);
    }
    if (expression.size() > limits.maxLength)
        return badFilter(QStringLiteral("filter"), 0,
                         QStringLiteral("%1 characters, more than the limit of %2 (limits.max-filter-length)")
                             .arg(expression.size())
                             .arg(limits.maxLength));
    if (!expression.trimmed().isEmpty()) {
        detail::FilterParser parser(expression, limits, *program);
        program->root = parser.parse();
        if (program->root < 0)
            return badFilter(QStringLiteral("filter"), parser.errorPosition(), parser.errorReason());
        program->expression = expression;
    }
    MessageFilter f;
    if (!program->eventTypes.isEmpty() || program->root >= 0)
        f.d = std::move(program);
    return f;
}

Result<MessageFilter> MessageFilter::fromJson(const QJsonObject &request, const FilterLimits &limits)
{
    QStringList types;
    const QJsonValue t = request.value(QLatin1String("event_types"));
    if (!t.isUndefined() && !t.isNull()) {
        if (!t.isArray())
            return badFilter(QStringLiteral("event_types"), 0, QStringLiteral("must be an array of strings"));
        for (const QJsonValue &v : t.toArray()) {
            if (!v.isString())
                return badFilter(QStringLiteral("event_types"), 0, QStringLiteral("must be an array of strings"));
            types.append(v.toString());
        }
    }
    const QJsonValue f = request.value(QLatin1String("filter"));
    if (!f.isUndefined() && !f.isNull() && !f.isString())
        return badFilter(QStringLiteral("filter"), 0, QStringLiteral("must be a string"));
    return compile(types, f.toString(), limits);
}

QStringList MessageFilter::eventTypes() const
{
    return d ? d->eventTypes : QStringList();
}

QString MessageFilter::expression() const
{
    return d ? d->expression : QString();
}

bool MessageFilter::matches(const FilterInput &input) const
{
    if (!d)
        return true;
    if (!d->eventTypes.isEmpty() && !d->eventTypes.contains(input.message().action()))
        return false;
    return d->root < 0 || Evaluator(*d, input).test(d->root);
}

QVariantMap MessageFilter::toVariantMap() const
{
    QVariantMap map;
    if (!d)
        return map;
    if (!d->eventTypes.isEmpty())
        map.insert(QStringLiteral("eventTypes"), d->eventTypes);
    if (!d->expression.isEmpty())
        map.insert(QStringLiteral("filter"), d->expression);
    return map;
}

} // namespace sb
