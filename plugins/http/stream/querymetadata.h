// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/recipients.h>

namespace sb::http {

class HttpRequest;

// The connection metadata a WebSocket or SSE client gives on its URL (?meta.room=general&meta.
// site=b1), for targeted sends (core's Recipients, header x-sb-to): one value per name, names and
// sizes as Recipients::checkMetadata allows. BAD_MESSAGE or LIMIT_EXCEEDED otherwise.
Result<ConnectionMetadata> metadataFromQuery(const HttpRequest &request, const MetadataLimits &limits);

} // namespace sb::http
