// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QPointer>
#include <memory>
#include <vector>

namespace sb::remote {

// The topic tree the hub remotes as "TopicTree" (the console's Topics page): topics split at their dots ("plant" > "line1" > "state"), built from the
// hub's flat Topics model and kept in step with it. A node is a topic, a prefix of topics, or
// both; a topic node's roles come from the source row, a prefix shows how many topics lie below.
// New topics are inserted in place (sorted), so an operator's open branches stay open; only a
// removal or a new filter rebuilds. Filter: a wildcard pattern ("sensor.*.temp") or text.
class TopicTreeModel : public QAbstractItemModel
{
    Q_OBJECT
    Q_PROPERTY(QAbstractItemModel *sourceModel READ sourceModel WRITE setSourceModel NOTIFY sourceModelChanged)
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int topicCount READ topicCount NOTIFY topicCountChanged)

public:
    enum Role { SegmentRole = Qt::UserRole + 100, TopicRole, IsTopicRole, TopicsBelowRole, SourceRowRole };
    Q_ENUM(Role)

    explicit TopicTreeModel(QObject *parent = nullptr);
    ~TopicTreeModel() override;

    QAbstractItemModel *sourceModel() const { return m_source; }
    void setSourceModel(QAbstractItemModel *source);
    QString filterText() const { return m_filter; }
    void setFilterText(const QString &text);
    int topicCount() const { return m_topicCount; }

    QModelIndex index(int row, int column, const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The index of \a topic's node, invalid when it is not in the (filtered) tree.
    Q_INVOKABLE QModelIndex indexOfTopic(const QString &topic) const;
    // A source role's value (by name) for the node at \a index, e.g. "inRate", "lastPayload".
    Q_INVOKABLE QVariant value(const QModelIndex &index, const QString &role) const;

Q_SIGNALS:
    void sourceModelChanged();
    void filterTextChanged();
    void topicCountChanged();

private:
    struct Node
    {
        QString segment;
        QString path;
        Node *parent = nullptr;
        std::vector<std::unique_ptr<Node>> children; // sorted by segment
        int sourceRow = -1;                           // >= 0: this node is a topic
        int topicsBelow = 0;
        int row() const;
    };

    bool accepts(const QString &topic) const;
    void rebuild();
    // Removals come in runs; one rebuild after the last of them.
    void scheduleRebuild();
    // Inserts one topic without announcing it (inside a reset).
    void insertTopic(const QString &topic, int sourceRow);
    // Makes \a node the topic's node and counts it in its ancestors.
    void markTopic(Node *node, const QString &topic, int sourceRow);
    // Inserts many topics (source rows) with few signals: one rowsInserted per run of new rows
    // under an existing node (a new branch arrives with its subtree), and one dataChanged
    // (TopicsBelowRole) per existing node whose count changed, instead of one each per topic. A
    // replica is sent every signal: 100,000 new topics made 300,000 messages before.
    void insertTopics(const std::vector<std::pair<QString, int>> &topics);
    QModelIndex indexOf(const Node *node) const;
    Node *nodeOf(const QModelIndex &index) const;
    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);

    QPointer<QAbstractItemModel> m_source;
    QList<QMetaObject::Connection> m_connections;
    Node m_root;
    QHash<QString, Node *> m_byTopic;
    std::vector<Node *> m_bySourceRow; // so a change never has to read the source's data
    QString m_filter;
    bool m_filterIsPattern = false;
    int m_topicRole = -1;
    int m_topicCount = 0;
    bool m_rebuildPending = false;
};

} // namespace sb::remote
