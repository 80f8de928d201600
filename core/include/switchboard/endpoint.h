// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QObject>
#include <QVariantMap>

namespace sb {

// A listener or bridge that a protocol plugin opens from its config section. Created only
// through ProtocolPlugin::createEndpoint(); accepted connections register with the Hub.
class SWITCHBOARD_EXPORT Endpoint : public QObject
{
    Q_OBJECT
public:
    enum class State { Stopped, Running, Failed };
    Q_ENUM(State)

    ~Endpoint() override;

    QString name() const { return m_name; }
    QString protocol() const { return m_protocol; }
    State state() const { return m_state; }
    Error error() const { return m_error; }
    QString errorString() const { return m_error.toString(); }

    virtual Status start() = 0;
    // Stops accepting; existing connections get \a drainMs to flush before they are closed.
    virtual void stop(int drainMs = 0) = 0;
    // Addresses, connection count and anything an operator needs to judge its health.
    virtual QVariantMap health() const;

Q_SIGNALS:
    void stateChanged(sb::Endpoint::State state);
    void errorOccurred(const sb::Error &error);

protected:
    Endpoint(const QString &name, const QString &protocol, QObject *parent);
    void setState(State state);
    void setError(const Error &error);

private:
    QString m_name;
    QString m_protocol;
    State m_state = State::Stopped;
    Error m_error;
};

} // namespace sb
