// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirequest.h"

#include <switchboard/error.h>
#include <switchboard/result.h>

#include <QJsonObject>
#include <QJsonValue>

namespace sb::http {

// The REST API's JSON shapes (docs/CONTRACTS.md, "REST API"): success
// {"data": ..., "meta": {"timestamp", "version", ...}}, errors
// {"error": {"code", "message", "details"}} with the HTTP status of the code.
namespace ApiJson {

// The API version this build serves ("v1") and the hub version in every meta block.
QString apiVersion();

// HTTP status for \a code (docs/CONTRACTS.md section 2).
int httpStatus(ErrorCode code);

// {"data": data, "meta": {...meta, "timestamp", "version"}} with \a status.
ApiReply data(const QJsonValue &data, int status = 200, const QJsonObject &meta = {});
// 202 {"data": {"id", "deliveries"}, "meta": {...}}, written straight into bytes: the answer to
// every publish, the REST API's hot path.
ApiReply accepted(const QString &id, int deliveries);
// 204 No Content: a deletion that succeeded.
ApiReply noContent();
// {"error": {...}} with the code's status; RATE_LIMITED gets Retry-After (whole seconds, at
// least 1) from details.retryAfterMs, METHOD_NOT_ALLOWED an Allow header from details.allow.
ApiReply error(const Error &error);

// The body of \a request as a JSON object: UNSUPPORTED_MEDIA_TYPE unless the content type is
// JSON (application/json or +json), BAD_MESSAGE for malformed JSON (with the offset) or a body
// that is not an object.
Result<QJsonObject> parseObject(const ApiRequest &request);

// The raw bytes of member \a name of the top-level object in \a json (already known to be
// valid JSON), whitespace trimmed; empty when absent. A payload keeps the exact bytes the client
// sent (big integers, "1.0", key order), which a parse and re-serialisation would change.
QByteArray rawMember(QByteArrayView json, QByteArrayView name);

// A required string member: BAD_MESSAGE naming it when missing or not a string.
Result<QString> requiredString(const QJsonObject &object, const QString &name);
// An optional string member: BAD_MESSAGE when present but not a string.
Result<QString> optionalString(const QJsonObject &object, const QString &name);

} // namespace ApiJson

} // namespace sb::http
