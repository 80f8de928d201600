// SPDX-License-Identifier: Apache-2.0
#include "jsonschema.h"
#include "jsonschemaadapter_p.h"

#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <QVariantList>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <regex>
#include <vector>

namespace sb::http {

using schemaadapter::Json;

struct JsonSchema::Compiled {
    QVariantMap document;
    Json json;                // the document as valijson read it
    Draft draft = Draft::Draft7;
    qsizetype regexInputLimit = 0; // longest string checked when a regex may run; 0: no regex
    valijson::Schema schema;
};

namespace {

Error schemaError(const QString &why)
{
    return Error(ErrorCode::InvalidConfig, QStringLiteral("schema: %1").arg(why), {{QStringLiteral("key"), QStringLiteral("schema")}});
}

// A JSON pointer segment (RFC 6901): "~" and "/" escaped.
QString pointerSegment(const QString &name)
{
    QString s = name;
    return QLatin1Char('/') + s.replace(QLatin1Char('~'), QLatin1String("~0")).replace(QLatin1Char('/'), QLatin1String("~1"));
}

// A number from the document: whole numbers in int64_t's range become JSON integers (the REST body
// arrives through QJsonDocument, which gives 5 as a double), others stay doubles.
Result<Json> numberToJson(double v, const QString &at)
{
    if (!std::isfinite(v))
        return schemaError(QStringLiteral("%1 is not a finite number").arg(at.isEmpty() ? QStringLiteral("/") : at));
    if (v == std::trunc(v) && std::fabs(v) < 9.2e18)
        return Json(static_cast<std::int64_t>(v));
    return Json(v);
}

// The schema document (a QVariantMap from JSON or YAML) as nlohmann::json, depth-bounded.
Result<Json> toJson(const QVariant &v, const QString &at, int depth)
{
    if (depth > JsonSchema::MaxDepth)
        return schemaError(QStringLiteral("nested deeper than %1 levels").arg(JsonSchema::MaxDepth));
    switch (v.typeId()) {
    case QMetaType::UnknownType:
    case QMetaType::Nullptr: return Json(nullptr);
    case QMetaType::Bool: return Json(v.toBool());
    case QMetaType::Int:
    case QMetaType::LongLong: return Json(std::int64_t(v.toLongLong()));
    case QMetaType::UInt:
    case QMetaType::ULongLong: return Json(std::uint64_t(v.toULongLong()));
    case QMetaType::Float:
    case QMetaType::Double: return numberToJson(v.toDouble(), at);
    case QMetaType::QString: return Json(v.toString().toStdString());
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        Json array = Json::array();
        const QVariantList list = v.toList();
        for (qsizetype i = 0; i < list.size(); ++i) {
            Result<Json> item = toJson(list.at(i), at + QLatin1Char('/') + QString::number(i), depth + 1);
            if (!item)
                return item;
            array.push_back(std::move(item).value());
        }
        return array;
    }
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash: {
        Json object = Json::object();
        const QVariantMap map = v.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            Result<Json> member = toJson(it.value(), at + pointerSegment(it.key()), depth + 1);
            if (!member)
                return member;
            object[it.key().toStdString()] = std::move(member).value();
        }
        return object;
    }
    default:
        return schemaError(QStringLiteral("%1: a %2 is not a JSON value")
                               .arg(at.isEmpty() ? QStringLiteral("/") : at, QString::fromLatin1(v.typeName())));
    }
}

// "$schema" picks the draft valijson parses with: draft 7 unless it names draft 4.
Result<JsonSchema::Draft> draftOf(const QVariantMap &document)
{
    const auto it = document.constFind(QStringLiteral("$schema"));
    if (it == document.cend())
        return JsonSchema::Draft::Draft7;
    QString uri = it->toString();
    if (it->typeId() != QMetaType::QString)
        return schemaError(QStringLiteral("\"$schema\" must be a string"));
    if (uri.endsWith(QLatin1Char('#')))
        uri.chop(1);
    if (uri.startsWith(QLatin1String("https://")))
        uri.remove(4, 1);
    if (uri == QLatin1String("http://json-schema.org/draft-07/schema"))
        return JsonSchema::Draft::Draft7;
    if (uri == QLatin1String("http://json-schema.org/draft-04/schema"))
        return JsonSchema::Draft::Draft4;
    return schemaError(QStringLiteral("\"$schema\" \"%1\" is not supported: use http://json-schema.org/draft-07/schema# "
                                      "(the default) or http://json-schema.org/draft-04/schema#")
                           .arg(it->toString()));
}

// valijson matches "pattern", "patternProperties" and the date and time "format"s with
// std::regex, which recurses once or more per subject character: measured on this platform
// (8 MiB stack), "a*" overflows at ~26,000 characters (~18,000 under ASan), "^(a|b)*$" at
// ~11,800, ten nested groups at ~2,600. A pattern's weight is 1 + its groups + half its
// alternatives; a string over RegexBudget / weight bytes is refused before any regex runs.
constexpr qsizetype RegexBudget = 8192;

int patternWeight(const std::string &pattern)
{
    const auto groups = std::count(pattern.begin(), pattern.end(), '(');
    const auto alternatives = std::count(pattern.begin(), pattern.end(), '|');
    return int(1 + groups + (alternatives + 1) / 2);
}

// Checks that \a pattern compiles as valijson will compile it (ECMAScript) and raises \a weight.
Status checkPattern(const std::string &pattern, int *weight)
{
    try {
        std::regex re(pattern);
    } catch (const std::exception &e) {
        return schemaError(QStringLiteral("pattern \"%1\" is not a regular expression: %2")
                               .arg(QString::fromStdString(pattern), QString::fromUtf8(e.what())));
    }
    *weight = std::max(*weight, patternWeight(pattern));
    return {};
}

// The heaviest regex the schema may run (0: none), every pattern compiled once to check it.
Status regexWeight(const Json &node, int *weight)
{
    if (node.is_array()) {
        for (const Json &item : node) {
            if (Status st = regexWeight(item, weight); !st)
                return st;
        }
        return {};
    }
    if (!node.is_object())
        return {};
    for (auto it = node.cbegin(); it != node.cend(); ++it) {
        const Json &v = it.value();
        if (it.key() == "pattern" && v.is_string()) {
            if (Status st = checkPattern(v.get<std::string>(), weight); !st)
                return st;
        } else if (it.key() == "patternProperties" && v.is_object()) {
            for (auto p = v.cbegin(); p != v.cend(); ++p) {
                if (Status st = checkPattern(p.key(), weight); !st)
                    return st;
            }
        } else if (it.key() == "format" && v.is_string()) {
            *weight = std::max(*weight, 1); // valijson's date, time and date-time regexes
        }
        if (Status st = regexWeight(v, weight); !st)
            return st;
    }
    return {};
}

// The target of a "#/..." reference (percent-decoded as valijson does), or null.
const Json *resolveRef(const Json &root, const std::string &ref)
{
    const QByteArray pointer = QByteArray::fromPercentEncoding(QByteArray::fromStdString(ref.substr(1)));
    try {
        return &root.at(Json::json_pointer(pointer.toStdString()));
    } catch (const std::exception &) {
        return nullptr; // valijson says what is wrong with it
    }
}

// Every "$ref" must point into this document with a JSON pointer ("#", "#/definitions/a"):
// nothing is fetched, and valijson resolves a relative URI ("other.json") against the document
// itself. A chain of references that comes back to itself without a schema in between
// ({"$ref": "#"}) recurses in valijson until the stack ends: refused here.
Status checkRefs(const Json &root, const Json &node)
{
    if (node.is_array()) {
        for (const Json &item : node) {
            if (Status st = checkRefs(root, item); !st)
                return st;
        }
        return {};
    }
    if (!node.is_object())
        return {};
    const auto ref = node.find("$ref");
    if (ref != node.end() && ref->is_string()) {
        std::vector<const Json *> chain{&node};
        for (const Json *at = &node; at && at->is_object() && at->contains("$ref") && (*at)["$ref"].is_string();) {
            const std::string target = (*at)["$ref"].get<std::string>();
            if (target.empty() || target.front() != '#' || (target.size() > 1 && target[1] != '/'))
                return schemaError(QStringLiteral("\"$ref\": \"%1\" is not allowed: a $ref to another document is not "
                                                  "allowed (schemas are inline, nothing is fetched); use a JSON pointer "
                                                  "into this one, e.g. \"#/definitions/price\"")
                                       .arg(QString::fromStdString(target)));
            at = resolveRef(root, target);
            if (std::find(chain.begin(), chain.end(), at) != chain.end())
                return schemaError(QStringLiteral("\"$ref\": \"%1\" refers back to itself").arg(QString::fromStdString(target)));
            chain.push_back(at);
        }
    }
    for (auto it = node.cbegin(); it != node.cend(); ++it) {
        if (Status st = checkRefs(root, it.value()); !st)
            return st;
    }
    return {};
}

// The deepest nesting of arrays and objects in \a json (already known to be valid JSON).
int nestingDepth(QByteArrayView json)
{
    int depth = 0, deepest = 0;
    bool inString = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

// The pointer of the first string or member name longer than \a limit bytes, or null.
std::optional<QString> longString(const Json &node, size_t limit, const QString &at)
{
    if (node.is_string())
        return node.get_ref<const std::string &>().size() > limit ? std::optional<QString>(at) : std::nullopt;
    if (node.is_array()) {
        for (size_t i = 0; i < node.size(); ++i) {
            if (auto found = longString(node[i], limit, at + QLatin1Char('/') + QString::number(i)))
                return found;
        }
    } else if (node.is_object()) {
        for (auto it = node.cbegin(); it != node.cend(); ++it) {
            const QString member = at + pointerSegment(QString::fromStdString(it.key()));
            if (it.key().size() > limit)
                return member;
            if (auto found = longString(it.value(), limit, member))
                return found;
        }
    }
    return std::nullopt;
}

// valijson's context ("<root>", "[items]", "[2]") as a JSON pointer ("/items/2"); the root is "".
QString pointerOf(const std::vector<std::string> &context)
{
    QString out;
    for (const std::string &part : context) {
        if (part == "<root>")
            continue;
        const bool bracketed = part.size() >= 2 && part.front() == '[' && part.back() == ']';
        out += pointerSegment(QString::fromStdString(bracketed ? part.substr(1, part.size() - 2) : part));
    }
    return out;
}

// valijson reports a failure inside a property or item again at every level above it; those
// echoes name no rule of their own.
bool isEcho(const std::string &description)
{
    for (const char *prefix : {"Failed to validate item #", "Failed to validate against schema associated with",
                               "Failed to validate against additional properties schema",
                               "Failed to validate against additional items schema"}) {
        if (description.rfind(prefix, 0) == 0)
            return true;
    }
    return false;
}

Error validationFailed(const QString &path, const QString &reason, const QVariantList &errors)
{
    return Error(ErrorCode::ValidationFailed,
                 QStringLiteral("the JSON does not match the schema at \"%1\": %2").arg(path, reason),
                 {{QStringLiteral("path"), path}, {QStringLiteral("reason"), reason}, {QStringLiteral("errors"), errors}});
}

// The deepest failure is the one named; details.errors lists up to MaxReportedErrors in
// valijson's order, echoes left out.
Error failureFrom(const valijson::ValidationResults &results)
{
    QVariantList errors;
    QString path, reason;
    qsizetype deepest = -1;
    for (const bool echoes : {false, true}) {
        for (const valijson::ValidationResults::Error &e : results) {
            if (isEcho(e.description) != echoes)
                continue;
            const QString p = pointerOf(e.context), r = QString::fromStdString(e.description);
            if (qsizetype(e.context.size()) > deepest) {
                deepest = qsizetype(e.context.size());
                path = p;
                reason = r;
            }
            if (errors.size() < JsonSchema::MaxReportedErrors)
                errors.append(QVariantMap{{QStringLiteral("path"), p}, {QStringLiteral("reason"), r}});
        }
        if (deepest >= 0)
            break; // echoes only when nothing else was reported
    }
    return validationFailed(path, reason.isEmpty() ? QStringLiteral("the value is not valid") : reason, errors);
}

} // namespace

Result<JsonSchema> JsonSchema::compile(const QVariantMap &document)
{
    const Result<Draft> draft = draftOf(document);
    if (!draft)
        return draft.error();
    Result<Json> json = toJson(document, QString(), 0);
    if (!json)
        return json.error();
    auto c = std::make_shared<Compiled>();
    c->document = document;
    c->json = std::move(json).value();
    c->draft = draft.value();
    if (Status st = checkRefs(c->json, c->json); !st)
        return st.error();
    int weight = 0;
    if (Status st = regexWeight(c->json, &weight); !st)
        return st.error();
    c->regexInputLimit = weight > 0 ? std::max<qsizetype>(1, RegexBudget / weight) : 0;
    try {
        // No fetchDoc: a $ref to another document (http:, file:, a relative path) is refused
        // by valijson; a schema never makes the hub open a connection or a file.
        valijson::SchemaParser parser(c->draft == Draft::Draft4 ? valijson::SchemaParser::kDraft4
                                                                 : valijson::SchemaParser::kDraft7);
        parser.populateSchema(schemaadapter::Adapter(c->json), c->schema);
    } catch (const std::exception &e) {
        const QString what = QString::fromUtf8(e.what());
        if (what.contains(QLatin1String("remote JSON References")))
            return schemaError(QStringLiteral("a $ref to another document is not allowed (schemas are inline, "
                                              "nothing is fetched): %1").arg(what));
        return schemaError(what);
    } catch (...) {
        return schemaError(QStringLiteral("valijson refused the document"));
    }
    JsonSchema s;
    s.d = std::move(c);
    return s;
}

Status JsonSchema::validate(QByteArrayView jsonBytes) const
{
    if (!d)
        return {};
    Json doc;
    try {
        // nlohmann keeps integers exactly (int64, uint64), so 2^53 + 1 is not rounded.
        doc = Json::parse(jsonBytes.begin(), jsonBytes.end());
    } catch (const nlohmann::json::parse_error &e) {
        return Error(ErrorCode::BadMessage, QStringLiteral("the payload is not valid JSON: %1").arg(QString::fromUtf8(e.what())),
                     {{QStringLiteral("offset"), qint64(e.byte)}});
    } catch (const std::exception &e) {
        return Error(ErrorCode::BadMessage, QStringLiteral("the payload is not valid JSON: %1").arg(QString::fromUtf8(e.what())));
    }
    // valijson and std::regex recurse: bound what they recurse over (the stack is the limit).
    if (nestingDepth(jsonBytes) > MaxDepth)
        return validationFailed(QString(), QStringLiteral("nested deeper than %1 levels: not validated").arg(MaxDepth), {});
    if (d->regexInputLimit > 0) {
        if (const auto at = longString(doc, size_t(d->regexInputLimit), QString()))
            return validationFailed(*at,
                                    QStringLiteral("longer than %1 bytes, too long to check against the schema's "
                                                   "pattern or format: not validated")
                                        .arg(d->regexInputLimit),
                                    {});
    }
    try {
        valijson::Validator validator; // per call: it caches regexes, and a shared one would need a lock
        valijson::ValidationResults results;
        if (validator.validate(d->schema, schemaadapter::Adapter(doc), &results))
            return {};
        return failureFrom(results);
    } catch (const std::exception &e) {
        return Error(ErrorCode::Internal, QStringLiteral("schema validation failed: %1").arg(QString::fromUtf8(e.what())));
    } catch (...) {
        return Error(ErrorCode::Internal, QStringLiteral("schema validation failed"));
    }
}

JsonSchema::Draft JsonSchema::draft() const
{
    return d ? d->draft : Draft::Draft7;
}

QVariantMap JsonSchema::document() const
{
    return d ? d->document : QVariantMap();
}

qsizetype JsonSchema::regexInputLimit() const
{
    return d ? d->regexInputLimit : 0;
}

} // namespace sb::http
