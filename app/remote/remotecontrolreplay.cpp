// SPDX-License-Identifier: Apache-2.0
// RemoteControl: replays of stored messages (sbctl replay, the console, scripts).
#include "remotecontrol.h"
#include "remoteresult.h"

#include <switchboard/hub.h>
#include <switchboard/replaymanager.h>

namespace sb::remote {

using RemoteResult::failure;
using RemoteResult::ok;

QVariantMap RemoteControl::startReplay(const QVariantMap &options)
{
    const Result<ReplayOptions> o = ReplayOptions::fromVariantMap(options);
    if (!o)
        return failure(o.error());
    const Result<QString> id = m_hub->replays()->start(o.value(), m_principal);
    if (!id)
        return failure(id.error());
    return ok(m_hub->replays()->status(id.value()).value());
}

QVariantMap RemoteControl::replay(const QString &id)
{
    const Result<QVariantMap> status = m_hub->replays()->status(id);
    return status ? ok(status.value()) : failure(status.error());
}

QVariantMap RemoteControl::controlReplay(const QString &id, const QString &action, const QVariantMap &args)
{
    ReplayManager *replays = m_hub->replays();
    Status st;
    if (action == QLatin1String("pause")) {
        st = replays->pause(id, m_principal);
    } else if (action == QLatin1String("resume")) {
        st = replays->resume(id, m_principal);
    } else if (action == QLatin1String("stop")) {
        st = replays->stop(id, m_principal);
    } else if (action == QLatin1String("seek")) {
        const Result<ReplayOptions> where = ReplayOptions::fromVariantMap(args);
        if (!where)
            return failure(where.error());
        if (args.isEmpty())
            return failure(Error(ErrorCode::BadMessage, QStringLiteral("seek needs {\"after-seq\": N} or {\"from\": time}")));
        st = replays->seek(id, where->afterSeq, where->fromMs, m_principal);
    } else {
        return failure(Error(ErrorCode::BadMessage,
                             QStringLiteral("no replay action \"%1\" (expected pause, resume, seek, stop)").arg(action),
                             {{QStringLiteral("action"), action}}));
    }
    if (!st)
        return failure(st.error());
    return replay(id);
}

} // namespace sb::remote
