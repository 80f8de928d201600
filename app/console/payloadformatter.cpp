// SPDX-License-Identifier: Apache-2.0
#include "payloadformatter.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QStringDecoder>

namespace sb::console {

int PayloadFormatter::detect(const QByteArray &payload)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(payload, &err);
    if (err.error == QJsonParseError::NoError && !doc.isNull())
        return Json;
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = utf8(payload);
    if (utf8.hasError())
        return Hex;
    for (QChar c : text) {
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\r') && c != QLatin1Char('\t'))
            return Hex;
    }
    return Text;
}

QString PayloadFormatter::hexDump(const QByteArray &payload, int maxBytes)
{
    const QByteArray shown = payload.left(maxBytes);
    QString out;
    for (qsizetype off = 0; off < shown.size(); off += 16) {
        const QByteArray line = shown.mid(off, 16);
        QString hex, ascii;
        for (qsizetype i = 0; i < 16; ++i) {
            if (i < line.size()) {
                hex += QStringLiteral("%1 ").arg(quint8(line.at(i)), 2, 16, QLatin1Char('0'));
                const char c = line.at(i);
                ascii += (c >= 0x20 && c < 0x7f) ? QLatin1Char(c) : QLatin1Char('.');
            } else {
                hex += QStringLiteral("   ");
            }
            if (i == 7)
                hex += QLatin1Char(' ');
        }
        out += QStringLiteral("%1  %2 %3\n").arg(off, 8, 16, QLatin1Char('0')).arg(hex, ascii);
    }
    if (payload.size() > maxBytes)
        out += QCoreApplication::translate("PayloadFormatter", "... %n more byte(s)", nullptr, int(payload.size() - maxBytes));
    return out;
}

QString PayloadFormatter::format(const QByteArray &payload, int mode, int maxBytes)
{
    if (payload.isEmpty())
        return QCoreApplication::translate("PayloadFormatter", "(empty)");
    if (mode == Auto)
        mode = detect(payload);
    switch (mode) {
    case Json: {
        const QJsonDocument doc = QJsonDocument::fromJson(payload);
        if (!doc.isNull())
            return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).left(maxBytes);
        return QCoreApplication::translate("PayloadFormatter", "(not JSON)\n") + hexDump(payload, maxBytes);
    }
    case Text:
        return QString::fromUtf8(payload.left(maxBytes));
    default:
        return hexDump(payload, maxBytes);
    }
}

} // namespace sb::console
