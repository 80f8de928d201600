// SPDX-License-Identifier: Apache-2.0
#include "querymetadata.h"

#include "httprequest.h"

namespace sb::http {

Result<ConnectionMetadata> metadataFromQuery(const HttpRequest &request, const MetadataLimits &limits)
{
    ConnectionMetadata metadata;
    for (const auto &[name, value] : request.queryItems()) {
        if (!name.startsWith(QLatin1String("meta.")))
            continue;
        const QString key = name.mid(5);
        if (metadata.contains(key))
            return Error(ErrorCode::BadMessage, QStringLiteral("meta.%1 is given twice: one value per name").arg(key.left(64)),
                         {{QStringLiteral("field"), name.left(69)}});
        if (metadata.size() >= limits.maxEntries + 1)
            break; // checkMetadata below says what the limit is
        metadata.insert(key, value);
    }
    if (Status st = Recipients::checkMetadata(metadata, limits); !st)
        return st.error();
    return metadata;
}

} // namespace sb::http
