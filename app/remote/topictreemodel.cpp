// SPDX-License-Identifier: Apache-2.0
#include "topictreemodel.h"

#include <switchboard/topic.h>

#include <algorithm>
#include <map>
#include <unordered_set>

namespace sb::remote {

int TopicTreeModel::Node::row() const
{
    if (!parent)
        return 0;
    const auto &siblings = parent->children;
    const auto it = std::lower_bound(siblings.begin(), siblings.end(), segment,
                                     [](const std::unique_ptr<Node> &n, const QString &s) { return n->segment < s; });
    return int(it - siblings.begin());
}

TopicTreeModel::TopicTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

TopicTreeModel::~TopicTreeModel() = default;

void TopicTreeModel::setSourceModel(QAbstractItemModel *source)
{
    if (source == m_source)
        return;
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_source = source;
    if (m_source) {
        m_connections << connect(m_source, &QAbstractItemModel::rowsInserted, this, &TopicTreeModel::onRowsInserted)
                      << connect(m_source, &QAbstractItemModel::dataChanged, this, &TopicTreeModel::onDataChanged)
                      << connect(m_source, &QAbstractItemModel::rowsRemoved, this, &TopicTreeModel::scheduleRebuild)
                      << connect(m_source, &QAbstractItemModel::modelReset, this, &TopicTreeModel::scheduleRebuild)
                      << connect(m_source, &QAbstractItemModel::layoutChanged, this, &TopicTreeModel::scheduleRebuild);
    }
    rebuild();
    Q_EMIT sourceModelChanged();
}

void TopicTreeModel::setFilterText(const QString &text)
{
    const QString f = text.trimmed();
    if (f == m_filter)
        return;
    m_filter = f;
    m_filterIsPattern = !f.isEmpty() && bool(Topic::validatePattern(f)) && (Topic::isWildcard(f) || f.contains(QLatin1Char('.')));
    rebuild();
    Q_EMIT filterTextChanged();
}

bool TopicTreeModel::accepts(const QString &topic) const
{
    if (topic.isEmpty())
        return false;
    if (m_filter.isEmpty())
        return true;
    if (m_filterIsPattern && Topic::matches(m_filter, topic))
        return true;
    return topic.contains(m_filter, Qt::CaseInsensitive);
}

void TopicTreeModel::scheduleRebuild()
{
    if (m_rebuildPending)
        return;
    m_rebuildPending = true;
    QMetaObject::invokeMethod(this, &TopicTreeModel::rebuild, Qt::QueuedConnection);
}

void TopicTreeModel::rebuild()
{
    m_rebuildPending = false;
    beginResetModel();
    m_root.children.clear();
    m_root.topicsBelow = 0;
    m_byTopic.clear();
    m_bySourceRow.assign(m_source ? size_t(m_source->rowCount()) : 0, nullptr);
    m_topicCount = 0;
    m_topicRole = m_source ? m_source->roleNames().key("topic", -1) : -1;
    if (m_source) {
        const int n = m_source->rowCount();
        for (int r = 0; r < n; ++r) {
            const QModelIndex i = m_source->index(r, 0);
            insertTopic((m_topicRole >= 0 ? i.data(m_topicRole) : i.data(Qt::DisplayRole)).toString(), r);
        }
    }
    endResetModel();
    Q_EMIT topicCountChanged();
}

void TopicTreeModel::insertTopic(const QString &topic, int sourceRow)
{
    if (!accepts(topic) || m_byTopic.contains(topic))
        return;
    Node *node = &m_root;
    const QStringList segments = topic.split(QLatin1Char('.'));
    for (qsizetype s = 0; s < segments.size(); ++s) {
        const QString &seg = segments.at(s);
        auto &kids = node->children;
        auto it = std::lower_bound(kids.begin(), kids.end(), seg,
                                   [](const std::unique_ptr<Node> &n, const QString &x) { return n->segment < x; });
        if (it == kids.end() || (*it)->segment != seg) {
            const int pos = int(it - kids.begin());
            auto child = std::make_unique<Node>();
            child->segment = seg;
            child->path = node == &m_root ? seg : node->path + QLatin1Char('.') + seg;
            child->parent = node;
            it = kids.insert(kids.begin() + pos, std::move(child));
        }
        node = it->get();
    }
    markTopic(node, topic, sourceRow);
}

void TopicTreeModel::markTopic(Node *node, const QString &topic, int sourceRow)
{
    node->sourceRow = sourceRow;
    m_byTopic.insert(topic, node);
    if (sourceRow >= 0) {
        if (size_t(sourceRow) >= m_bySourceRow.size())
            m_bySourceRow.resize(size_t(sourceRow) + 1, nullptr);
        m_bySourceRow[size_t(sourceRow)] = node;
    }
    ++m_topicCount;
    for (Node *p = node->parent; p; p = p->parent)
        ++p->topicsBelow;
}

void TopicTreeModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid() || !m_source || m_rebuildPending)
        return;
    // Rows appended at the end keep every known source row number; anything else rebuilds.
    if (last != m_source->rowCount() - 1) {
        rebuild();
        return;
    }
    m_bySourceRow.resize(size_t(m_source->rowCount()), nullptr);
    std::vector<std::pair<QString, int>> topics;
    topics.reserve(size_t(last - first + 1));
    for (int r = first; r <= last; ++r) {
        const QModelIndex i = m_source->index(r, 0);
        topics.emplace_back((m_topicRole >= 0 ? i.data(m_topicRole) : i.data(Qt::DisplayRole)).toString(), r);
    }
    insertTopics(topics);
    Q_EMIT topicCountChanged();
}

void TopicTreeModel::insertTopics(const std::vector<std::pair<QString, int>> &topics)
{
    const auto bySegment = [](const std::unique_ptr<Node> &n, const QString &x) { return n->segment < x; };
    // New nodes hang below existing ones in `pending` (per existing parent, sorted) until they are
    // announced; below a new node, the subtree is built in place (nobody has seen it yet).
    std::map<Node *, std::vector<std::unique_ptr<Node>>> pending;
    std::unordered_set<const Node *> fresh;
    std::unordered_set<Node *> recounted; // existing nodes whose topicsBelow changed
    for (const auto &[topic, sourceRow] : topics) {
        if (!accepts(topic) || m_byTopic.contains(topic))
            continue;
        Node *node = &m_root;
        for (const QString &seg : topic.split(QLatin1Char('.'))) {
            const bool nodeIsFresh = fresh.count(node) > 0;
            auto &kids = node->children;
            auto it = std::lower_bound(kids.begin(), kids.end(), seg, bySegment);
            if (it != kids.end() && (*it)->segment == seg) {
                node = it->get();
                continue;
            }
            // Not among the node's children: a new child, in place below a fresh node, else pending.
            auto &into = nodeIsFresh ? kids : pending[node];
            auto at = nodeIsFresh ? it : std::lower_bound(into.begin(), into.end(), seg, bySegment);
            if (nodeIsFresh || at == into.end() || (*at)->segment != seg) {
                auto child = std::make_unique<Node>();
                child->segment = seg;
                child->path = node == &m_root ? seg : node->path + QLatin1Char('.') + seg;
                child->parent = node;
                fresh.insert(child.get());
                at = into.insert(at, std::move(child));
            }
            node = at->get();
        }
        markTopic(node, topic, sourceRow);
        for (Node *p = node->parent; p && p != &m_root; p = p->parent) {
            if (!fresh.count(p))
                recounted.insert(p);
        }
    }
    // Announce each existing node's new children in runs of consecutive final rows, lowest first:
    // when a run goes in, everything before it in the final order is already there.
    for (auto &[parent, kids] : pending) {
        const QModelIndex parentIndex = indexOf(parent);
        size_t k = 0;
        while (k < kids.size()) {
            auto pos = std::lower_bound(parent->children.begin(), parent->children.end(), kids[k]->segment, bySegment);
            const int first = int(pos - parent->children.begin());
            // The run: new kids that sort before the existing child at `pos`.
            size_t end = k + 1;
            while (end < kids.size() && (pos == parent->children.end() || kids[end]->segment < (*pos)->segment))
                ++end;
            beginInsertRows(parentIndex, first, first + int(end - k) - 1);
            parent->children.insert(parent->children.begin() + first, std::make_move_iterator(kids.begin() + qsizetype(k)),
                                    std::make_move_iterator(kids.begin() + qsizetype(end)));
            endInsertRows();
            k = end;
        }
    }
    for (Node *p : recounted) {
        const QModelIndex i = indexOf(p);
        Q_EMIT dataChanged(i, i, {TopicsBelowRole});
    }
}

void TopicTreeModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    if (!m_source || topLeft.parent().isValid() || m_rebuildPending)
        return;
    // Counters of known topics change at every snapshot; the tree does not pass that on (a
    // replica would be sent every changed row, 100,000 of them a second): it is for finding topics,
    // and a topic's numbers are read where it is shown (the hub's list slot). Rows whose topic was
    // unknown at insertion (a replica source fills in later) are placed now.
    std::vector<std::pair<QString, int>> late;
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        if (size_t(r) < m_bySourceRow.size() && m_bySourceRow[size_t(r)])
            continue;
        const QModelIndex i = m_source->index(r, 0);
        const QString topic = (m_topicRole >= 0 ? i.data(m_topicRole) : i.data(Qt::DisplayRole)).toString();
        if (!topic.isEmpty() && accepts(topic) && !m_byTopic.contains(topic))
            late.emplace_back(topic, r);
    }
    if (!late.empty()) {
        insertTopics(late);
        Q_EMIT topicCountChanged();
    }
}

TopicTreeModel::Node *TopicTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : const_cast<Node *>(&m_root);
}

QModelIndex TopicTreeModel::indexOf(const Node *node) const
{
    if (!node || node == &m_root)
        return {};
    return createIndex(node->row(), 0, const_cast<Node *>(node));
}

QModelIndex TopicTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *p = nodeOf(parent);
    if (column != 0 || row < 0 || row >= int(p->children.size()))
        return {};
    return createIndex(row, 0, p->children[size_t(row)].get());
}

QModelIndex TopicTreeModel::parent(const QModelIndex &child) const
{
    const Node *n = nodeOf(child);
    return child.isValid() ? indexOf(n->parent) : QModelIndex();
}

int TopicTreeModel::rowCount(const QModelIndex &parent) const
{
    return int(nodeOf(parent)->children.size());
}

int TopicTreeModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QHash<int, QByteArray> TopicTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = m_source ? m_source->roleNames() : QHash<int, QByteArray>();
    names.insert(Qt::DisplayRole, "display");
    names.insert(SegmentRole, "segment");
    names.insert(TopicRole, "path");
    names.insert(IsTopicRole, "isTopic");
    names.insert(TopicsBelowRole, "topicsBelow");
    names.insert(SourceRowRole, "sourceRow");
    return names;
}

QVariant TopicTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *n = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
    case SegmentRole:
        return n->segment;
    case TopicRole:
        return n->path;
    case IsTopicRole:
        return n->sourceRow >= 0;
    case TopicsBelowRole:
        return n->topicsBelow;
    case SourceRowRole:
        return n->sourceRow;
    default:
        if (n->sourceRow >= 0 && m_source && !m_rebuildPending)
            return m_source->index(n->sourceRow, 0).data(role);
        return {};
    }
}

QModelIndex TopicTreeModel::indexOfTopic(const QString &topic) const
{
    return indexOf(m_byTopic.value(topic));
}

QVariant TopicTreeModel::value(const QModelIndex &index, const QString &role) const
{
    const int r = roleNames().key(role.toUtf8(), -1);
    return r < 0 ? QVariant() : data(index, r);
}

} // namespace sb::remote
