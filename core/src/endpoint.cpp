// SPDX-License-Identifier: Apache-2.0
#include <switchboard/endpoint.h>

namespace sb {

Endpoint::Endpoint(const QString &name, const QString &protocol, QObject *parent)
    : QObject(parent), m_name(name), m_protocol(protocol)
{
}

Endpoint::~Endpoint() = default;

QVariantMap Endpoint::health() const
{
    static const char *const names[] = {"stopped", "running", "failed"};
    QVariantMap h{{QStringLiteral("name"), m_name},
                  {QStringLiteral("protocol"), m_protocol},
                  {QStringLiteral("state"), QString::fromLatin1(names[int(m_state)])}};
    if (m_error.isError())
        h.insert(QStringLiteral("error"), m_error.toString());
    return h;
}

void Endpoint::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void Endpoint::setError(const Error &error)
{
    m_error = error;
    setState(State::Failed);
    Q_EMIT errorOccurred(error);
}

} // namespace sb
