// SPDX-License-Identifier: Apache-2.0
#include <switchboard/topictrie.h>

#include <QVarLengthArray>

namespace sb {

struct TopicTrie::Node
{
    QHash<QString, Node *> children; // literal segments
    std::unique_ptr<Node> star;      // "*"
    QVector<SubscriptionId> here;    // patterns ending at this node
    QVector<SubscriptionId> rest;    // patterns ending with ">" below this node

    ~Node() { qDeleteAll(children); }
    bool isEmpty() const { return children.isEmpty() && !star && here.isEmpty() && rest.isEmpty(); }
};

TopicTrie::TopicTrie() : m_root(std::make_unique<Node>()) {}
TopicTrie::~TopicTrie() = default;

void TopicTrie::insert(const QString &pattern, SubscriptionId id)
{
    Node *node = m_root.get();
    qsizetype start = 0;
    while (true) {
        const qsizetype dot = pattern.indexOf(QLatin1Char('.'), start);
        const QStringView seg = QStringView(pattern).mid(start, (dot < 0 ? pattern.size() : dot) - start);
        if (seg == QLatin1String(">")) {
            node->rest.append(id);
            break;
        }
        if (seg == QLatin1String("*")) {
            if (!node->star)
                node->star = std::make_unique<Node>();
            node = node->star.get();
        } else {
            Node *&child = node->children[seg.toString()];
            if (!child)
                child = new Node;
            node = child;
        }
        if (dot < 0) {
            node->here.append(id);
            break;
        }
        start = dot + 1;
    }
    ++m_size;
}

bool TopicTrie::remove(const QString &pattern, SubscriptionId id)
{
    // Walk down remembering the path, remove, then prune empty nodes bottom-up.
    struct Step {
        Node *parent;
        QString key; // empty for "*"
    };
    QVector<Step> path;
    Node *node = m_root.get();
    qsizetype start = 0;
    bool removed = false;
    while (true) {
        const qsizetype dot = pattern.indexOf(QLatin1Char('.'), start);
        const QStringView seg = QStringView(pattern).mid(start, (dot < 0 ? pattern.size() : dot) - start);
        if (seg == QLatin1String(">")) {
            removed = node->rest.removeOne(id);
            break;
        }
        Node *next = nullptr;
        if (seg == QLatin1String("*")) {
            next = node->star.get();
            path.append({node, QString()});
        } else {
            const QString key = seg.toString();
            next = node->children.value(key);
            path.append({node, key});
        }
        if (!next)
            return false;
        node = next;
        if (dot < 0) {
            removed = node->here.removeOne(id);
            break;
        }
        start = dot + 1;
    }
    if (!removed)
        return false;
    --m_size;
    for (auto it = path.crbegin(); it != path.crend(); ++it) {
        Node *child = it->key.isNull() ? it->parent->star.get() : it->parent->children.value(it->key);
        if (!child || !child->isEmpty())
            break;
        if (it->key.isNull())
            it->parent->star.reset();
        else
            delete it->parent->children.take(it->key);
    }
    return true;
}

void TopicTrie::match(QStringView topic, QVector<SubscriptionId> &out) const
{
    // Iterative depth-first walk with an explicit stack of (node, offset of next segment).
    struct Frame {
        const Node *node;
        qsizetype start;
    };
    QVarLengthArray<Frame, 16> stack;
    stack.append({m_root.get(), 0});
    QString key; // reused buffer for hash lookups
    while (!stack.isEmpty()) {
        const Frame f = stack.last();
        stack.removeLast();
        const Node *node = f.node;
        if (f.start > topic.size()) {
            // Consumed every segment: patterns ending exactly here match.
            out.append(node->here);
            continue;
        }
        // ">" at this level matches the remaining one-or-more segments.
        out.append(node->rest);
        const qsizetype dot = topic.indexOf(QLatin1Char('.'), f.start);
        const qsizetype end = dot < 0 ? topic.size() : dot;
        const qsizetype next = dot < 0 ? topic.size() + 1 : dot + 1;
        if (node->star)
            stack.append({node->star.get(), next});
        if (!node->children.isEmpty()) {
            key.setRawData(topic.constData() + f.start, end - f.start);
            const auto it = node->children.constFind(key);
            if (it != node->children.cend())
                stack.append({it.value(), next});
        }
    }
}

void TopicTrie::clear()
{
    m_root = std::make_unique<Node>();
    m_size = 0;
}

} // namespace sb
