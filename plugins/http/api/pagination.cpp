// SPDX-License-Identifier: Apache-2.0
#include "pagination.h"

namespace sb::http {

Result<Page> Page::fromRequest(const ApiRequest &request, int defaultLimit, int maxLimit)
{
    Page p;
    p.limit = defaultLimit;
    bool present = false;
    const QString limit = request.query(QStringLiteral("limit"), &present);
    if (present) {
        bool ok = false;
        const int n = limit.toInt(&ok);
        if (!ok || n < 1 || n > maxLimit)
            return Error(ErrorCode::BadMessage,
                         QStringLiteral("limit must be an integer from 1 to %1, not \"%2\"").arg(maxLimit).arg(limit),
                         {{QStringLiteral("field"), QStringLiteral("limit")}, {QStringLiteral("max"), maxLimit}});
        p.limit = n;
    }
    const QString cursor = request.query(QStringLiteral("cursor"), &present);
    if (present && !cursor.isEmpty()) {
        const auto decoded = QByteArray::fromBase64Encoding(cursor.toLatin1(),
                                                            QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals
                                                                | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return Error(ErrorCode::BadMessage, QStringLiteral("cursor is not one this API handed out"),
                         {{QStringLiteral("field"), QStringLiteral("cursor")}});
        p.after = QString::fromUtf8(*decoded);
    }
    return p;
}

QJsonObject Page::meta(const QString &lastKey, bool more, qsizetype total) const
{
    QJsonObject m{{QStringLiteral("limit"), limit}, {QStringLiteral("total"), qint64(total)}};
    if (more)
        m.insert(QStringLiteral("nextCursor"),
                 QString::fromLatin1(lastKey.toUtf8().toBase64(QByteArray::Base64UrlEncoding
                                                               | QByteArray::OmitTrailingEquals)));
    return m;
}

} // namespace sb::http
