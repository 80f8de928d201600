// SPDX-License-Identifier: Apache-2.0
#include "remoteresult.h"

namespace sb::remote::RemoteResult {

QVariantMap ok(QVariantMap values)
{
    values.insert(QStringLiteral("ok"), true);
    return values;
}

QVariantMap failure(const Error &error)
{
    return {{QStringLiteral("ok"), false},
            {QStringLiteral("code"), errorCodeName(error.code)},
            {QStringLiteral("message"), error.message},
            {QStringLiteral("details"), error.details}};
}

Error errorOf(const QVariantMap &answer)
{
    const QVariant ok = answer.value(QStringLiteral("ok"));
    if (!ok.isValid())
        return Error(ErrorCode::Internal, QStringLiteral("the hub's answer has no result"), answer);
    if (ok.toBool())
        return Error();
    ErrorCode code = errorCodeFromName(answer.value(QStringLiteral("code")).toString());
    if (code == ErrorCode::None)
        code = ErrorCode::Internal;
    return Error(code, answer.value(QStringLiteral("message")).toString(),
                 answer.value(QStringLiteral("details")).toMap());
}

} // namespace sb::remote::RemoteResult
