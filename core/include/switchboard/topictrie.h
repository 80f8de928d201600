// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/global.h>

#include <QHash>
#include <QString>
#include <QVector>

#include <memory>

namespace sb {

// Subscription index: patterns ("a.*.c", "a.>") to subscription ids. A match walks the topic's
// segments once, following the literal, "*" and ">" branches, so its cost grows with topic depth
// and the number of matches, not with the number of subscriptions.
class SWITCHBOARD_EXPORT TopicTrie
{
public:
    TopicTrie();
    ~TopicTrie();
    TopicTrie(const TopicTrie &) = delete;
    TopicTrie &operator=(const TopicTrie &) = delete;

    // The pattern must be valid (Topic::validatePattern).
    void insert(const QString &pattern, SubscriptionId id);
    bool remove(const QString &pattern, SubscriptionId id);
    // Appends the ids of every pattern matching \a topic to \a out.
    void match(QStringView topic, QVector<SubscriptionId> &out) const;
    int size() const { return m_size; }
    void clear();

private:
    struct Node;
    std::unique_ptr<Node> m_root;
    int m_size = 0;
};

} // namespace sb
