// SPDX-License-Identifier: Apache-2.0
#include "tracecontext.h"

#include <QRandomGenerator>

namespace sb::http {

namespace {

bool hexRun(const QByteArray &s, int from, int len, bool *allZero)
{
    *allZero = true;
    for (int i = from; i < from + len; ++i) {
        const char c = s[i];
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex)
            return false;
        if (c != '0')
            *allZero = false;
    }
    return true;
}

} // namespace

bool TraceContext::isValid(const QByteArray &t)
{
    // version(2) '-' trace-id(32) '-' parent-id(16) '-' flags(2)
    if (t.size() != 55 || t[2] != '-' || t[35] != '-' || t[52] != '-')
        return false;
    bool zero = false;
    if (!hexRun(t, 0, 2, &zero) || t.left(2).toLower() == "ff")
        return false;
    if (!hexRun(t, 3, 32, &zero) || zero)
        return false;
    if (!hexRun(t, 36, 16, &zero) || zero)
        return false;
    return hexRun(t, 53, 2, &zero);
}

QByteArray TraceContext::create()
{
    quint32 ids[6];
    // Trace ids need to be unique, not secret: the securely seeded global generator, without a
    // system call per request.
    QRandomGenerator::global()->fillRange(ids);
    ids[0] |= 1; // never all zero
    ids[4] |= 1;
    const auto *raw = reinterpret_cast<const unsigned char *>(ids);
    static constexpr char hex[] = "0123456789abcdef";
    // "00-" + 32 hex (16 bytes) + "-" + 16 hex (8 bytes) + "-01", written in place.
    QByteArray t(55, Qt::Uninitialized);
    char *p = t.data();
    *p++ = '0';
    *p++ = '0';
    *p++ = '-';
    for (int i = 0; i < 24; ++i) {
        if (i == 16)
            *p++ = '-';
        *p++ = hex[raw[i] >> 4];
        *p++ = hex[raw[i] & 15];
    }
    memcpy(p, "-01", 3);
    return t;
}

} // namespace sb::http
