// SPDX-License-Identifier: Apache-2.0
// A compiled subscription filter: the tree FilterParser builds and MessageFilter evaluates.
#pragma once

#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <vector>

namespace sb::detail {

// A value during evaluation, and a literal in the program.
struct FilterValue
{
    enum Type : quint8 { Missing, Null, Bool, Number, String, Json };
    Type type = Missing;
    bool boolean = false;
    bool integral = false; // Number: exact as integer
    qint64 integer = 0;
    double number = 0;
    QString string;
    QJsonValue json; // arrays and objects

    static FilterValue fromJson(const QJsonValue &v);
};

enum class FilterField : quint8 { Topic, Channel, Event, Source, Id, ContentType, Size, Header, Data };

// One step into the payload: a key of an object or an index of an array.
struct FilterStep
{
    QString key;
    int index = -1; // >= 0: an array index
};

enum class FilterOp : quint8 { Or, And, Not, Eq, Ne, Lt, Le, Gt, Ge, In, Exists, Contains, StartsWith, Field, Literal, List };

struct FilterNode
{
    FilterOp op = FilterOp::Literal;
    int a = -1, b = -1;        // operands (node indices)
    std::vector<int> items;    // Or, And: the operands; List: the values
    FilterField field = FilterField::Topic;
    QString header;            // Field Header: the header's name
    std::vector<FilterStep> path; // Field Data: steps below "data"
    FilterValue literal;
};

struct FilterProgram
{
    QStringList eventTypes;
    QString expression;
    std::vector<FilterNode> nodes;
    int root = -1; // -1: event types only
};

} // namespace sb::detail
