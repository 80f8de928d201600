// SPDX-License-Identifier: Apache-2.0
// Targeted sends: Recipients::parse (the x-sb-to selector), Recipients::selectorFromJson (the
// envelope's "to"), Recipients::checkMetadata and matches().
//
// Input: UTF-8 text; line 1 is a selector, the rest a JSON "to". Oracles: a "to" that converts
// gives a selector that parses and that matches the connection made of each clause's first value
// (connection id, identity, metadata); format() of what it parsed parses again; nothing an
// unparsable selector would have matched is ever asked.
#include "fuzzsupport.h"

#include <switchboard/recipients.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace sb;

namespace {

QString first(const QJsonValue &v)
{
    return v.isArray() ? v.toArray().first().toString() : v.toString();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    const QString text = QString::fromUtf8(sb::fuzz::bytes(data, size));
    const qsizetype nl = text.indexOf(QLatin1Char('\n'));
    const QString selector = nl < 0 ? text : text.left(nl);
    const QByteArray json = nl < 0 ? QByteArray() : text.mid(nl + 1).toUtf8();

    if (Result<Recipients> r = Recipients::parse(selector)) {
        ConnectionMetadata meta{{QStringLiteral("room"), QStringLiteral("a")}};
        const bool m1 = r.value().matches(QStringLiteral("ws-1"), QStringLiteral("alice"), &meta);
        SB_FUZZ_CHECK(m1 == r.value().matches(QStringLiteral("ws-1"), QStringLiteral("alice"), &meta));
        if (r.value().isEmpty())
            SB_FUZZ_CHECK(m1);
    } else {
        SB_FUZZ_CHECK(r.error().code == ErrorCode::BadMessage);
        SB_FUZZ_CHECK(r.error().details.value(QStringLiteral("position")).toInt() >= 1);
    }

    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject())
        return 0;
    const QJsonObject to = doc.object();
    Result<QString> sel = Recipients::selectorFromJson(to);
    if (!sel)
        return 0;
    Result<Recipients> parsed = Recipients::parse(sel.value());
    SB_FUZZ_CHECK(bool(parsed));
    // The connection that has each clause's first value is addressed.
    ConnectionMetadata meta;
    const QJsonObject m = to.value(QStringLiteral("meta")).toObject();
    for (auto it = m.begin(); it != m.end(); ++it)
        meta.insert(it.key(), first(it.value()));
    const QString connection = to.contains(QStringLiteral("connection")) ? first(to.value(QStringLiteral("connection")))
                                                                          : QStringLiteral("c");
    SB_FUZZ_CHECK(parsed.value().matches(connection, first(to.value(QStringLiteral("identity"))), &meta));
    (void)Recipients::checkMetadata(meta, MetadataLimits{});
    return 0;
}
