// SPDX-License-Identifier: Apache-2.0
#include "remotehandshake.h"

namespace sb::remote::RemoteHandshake {

namespace {
const QByteArray HelloPrefix = QByteArrayLiteral("SBRC/1 ");
QByteArray chomp(QByteArray line)
{
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    return line;
}
} // namespace

QByteArray hello(const QByteArray &token)
{
    return HelloPrefix + token + '\n';
}

Result<QByteArray> parseHello(const QByteArray &raw)
{
    const QByteArray line = chomp(raw);
    if (!line.startsWith(HelloPrefix) && line != HelloPrefix.trimmed())
        return Error(ErrorCode::BadFrame, QStringLiteral("expected \"SBRC/1 <token>\" as the first line (a Switchboard remote-control client)"));
    return line.mid(HelloPrefix.size());
}

QByteArray accepted(const QString &hubName)
{
    return QByteArrayLiteral("OK ") + hubName.toUtf8().replace('\n', ' ') + '\n';
}

QByteArray refused(const Error &error)
{
    return QByteArrayLiteral("ERR ") + errorCodeName(error.code).toUtf8() + ' ' + error.message.toUtf8().replace('\n', ' ')
        + '\n';
}

Result<QString> parseAnswer(const QByteArray &raw)
{
    const QByteArray line = chomp(raw);
    if (line == "OK" || line.startsWith("OK "))
        return QString::fromUtf8(line.mid(3));
    if (line.startsWith("ERR ")) {
        const QByteArray rest = line.mid(4);
        const qsizetype space = rest.indexOf(' ');
        const QString code = QString::fromUtf8(space < 0 ? rest : rest.left(space));
        ErrorCode c = errorCodeFromName(code);
        if (c == ErrorCode::None)
            c = ErrorCode::Internal;
        return Error(c, space < 0 ? code : QString::fromUtf8(rest.mid(space + 1)));
    }
    return Error(ErrorCode::BadFrame, QStringLiteral("the server did not answer like a Switchboard hub"));
}

} // namespace sb::remote::RemoteHandshake
