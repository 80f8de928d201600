// SPDX-License-Identifier: Apache-2.0
#include "apirequest.h"

namespace sb::http {

QByteArray ApiRequest::header(const QByteArray &lowerName) const
{
    for (const auto &h : headers) {
        if (h.first == lowerName)
            return h.second;
    }
    return {};
}

QByteArray ApiRequest::rawPath() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QString ApiRequest::query(const QString &name, bool *present) const
{
    if (present)
        *present = false;
    const qsizetype q = target.indexOf('?');
    if (q < 0)
        return {};
    const QByteArrayView all = QByteArrayView(target).sliced(q + 1);
    qsizetype start = 0;
    while (start <= all.size()) {
        qsizetype end = all.indexOf('&', start);
        if (end < 0)
            end = all.size();
        const QByteArrayView pair = all.sliced(start, end - start);
        const qsizetype eq = pair.indexOf('=');
        QByteArray key, value;
        QByteArray rawKey = (eq < 0 ? pair : pair.first(eq)).toByteArray().replace('+', ' ');
        QByteArray rawValue = (eq < 0 ? QByteArrayView() : pair.sliced(eq + 1)).toByteArray().replace('+', ' ');
        if (percentDecode(rawKey, &key) && QString::fromUtf8(key) == name && percentDecode(rawValue, &value)) {
            if (present)
                *present = true;
            return QString::fromUtf8(value);
        }
        start = end + 1;
    }
    return {};
}

} // namespace sb::http
