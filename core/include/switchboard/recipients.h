// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/result.h>

#include <QJsonValue>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

namespace sb {

// What a connection said about itself when it connected (WebSocket and SSE: ?meta.room=general),
// for senders to address it by: name -> value.
using ConnectionMetadata = QMap<QString, QString>;

// Bounds of one connection's metadata (limits.max-connection-metadata, -bytes).
struct SWITCHBOARD_EXPORT MetadataLimits
{
    int maxEntries = 16;
    int maxBytes = 1024; // names and values together, UTF-8
};

// The recipients a message is addressed to within its route (targeted sends, every protocol
// alike): the message still goes only to subscriptions its topic reaches, and of those only to
// the ones whose connection matches every clause of the selector. A sender writes the selector in
// the message header "x-sb-to", in query-string form:
//
//     connection=ws-12,ws-14            one of these connection ids
//     identity=alice                    connections authenticated as alice
//     meta.room=general                 connections that connected with ?meta.room=general
//     identity=alice&meta.room=general  both
//
// Values are percent-decoded (%2C for a comma). In-process subscriptions have no connection id
// and no metadata: only identity clauses can reach them.
class SWITCHBOARD_EXPORT Recipients
{
public:
    static QString headerName() { return QStringLiteral("x-sb-to"); }
    static constexpr int kMaxClauses = 8;
    static constexpr int kMaxValues = 256; // all clauses together
    static constexpr int kMaxLength = 8192;

    // BAD_MESSAGE with details {field: "x-sb-to", position, reason} when \a selector is not one.
    static Result<Recipients> parse(QStringView selector);
    // The selector of \a clauses (key -> values), percent-encoding what needs it; for protocols
    // that take the recipients as a structure (the WebSocket envelope's "to").
    static QString format(const QVector<std::pair<QString, QStringList>> &clauses);
    // The selector of a JSON "to" (the WebSocket envelope's, the REST API's):
    // {"connection": "ws-1" | [...], "identity": "alice" | [...], "meta": {"room": "general" | [...]}}.
    // BAD_MESSAGE with details.field "to" when it is not one.
    static Result<QString> selectorFromJson(const QJsonValue &to);
    // BAD_MESSAGE for a name outside [A-Za-z0-9_.-] (1 to 64 characters) or a value over 256
    // characters; LIMIT_EXCEEDED past \a limits.
    static Status checkMetadata(const ConnectionMetadata &metadata, const MetadataLimits &limits);

    bool isEmpty() const { return m_clauses.isEmpty(); }
    bool matches(const QString &connectionId, const QString &identity, const ConnectionMetadata *metadata) const;

private:
    enum class Kind : quint8 { Connection, Identity, Meta };
    struct Clause
    {
        Kind kind = Kind::Connection;
        QString key; // the metadata name for Meta
        QStringList values;
    };
    QVector<Clause> m_clauses;
};

} // namespace sb
