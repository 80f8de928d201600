// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "apirequest.h"

#include <switchboard/result.h>

#include <QJsonObject>

namespace sb::http {

// ?limit=N&cursor=C over a list ordered by a string key. The cursor is opaque to clients (the
// base64url of the last key served); the next page starts after it, so a list that changes
// between pages neither repeats nor skips what stayed.
struct Page {
    int limit = 100;
    QString after; // serve keys > after

    static Result<Page> fromRequest(const ApiRequest &request, int defaultLimit, int maxLimit);
    // {"limit", "nextCursor" (absent on the last page), "total"}.
    QJsonObject meta(const QString &lastKey, bool more, qsizetype total) const;
};

} // namespace sb::http
