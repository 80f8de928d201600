// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtGlobal>

#include <algorithm>
#include <utility>
#include <vector>

namespace sb {

// A map kept as one vector sorted by key, for the small per-connection tables (subscriptions by
// id): lookups are a binary search, and a table of a few entries costs one small allocation. Qt
// 6.4's QHash allocates a span of 128 offsets and room for 48 nodes at its first insert — about
// 1.5 to 3 KiB per table however few entries it holds, which thousands of connections multiply.
// Inserting and removing move the entries behind the position: keep it to tables whose size a
// limit bounds (limits.max-subscriptions-per-connection).
template <typename Key, typename T>
class FlatMap
{
public:
    using value_type = std::pair<Key, T>;
    using const_iterator = typename std::vector<value_type>::const_iterator;
    using iterator = typename std::vector<value_type>::iterator;

    T *find(const Key &key)
    {
        const auto it = lowerBound(key);
        return it != m_items.end() && it->first == key ? &it->second : nullptr;
    }
    const T *find(const Key &key) const { return const_cast<FlatMap *>(this)->find(key); }
    bool contains(const Key &key) const { return find(key) != nullptr; }
    T value(const Key &key, const T &fallback = T()) const
    {
        const T *found = find(key);
        return found ? *found : fallback;
    }

    // Inserts or replaces; returns true if \a key was not there before.
    bool insert(const Key &key, T value)
    {
        const auto it = lowerBound(key);
        if (it != m_items.end() && it->first == key) {
            it->second = std::move(value);
            return false;
        }
        m_items.emplace(it, key, std::move(value));
        return true;
    }

    bool remove(const Key &key)
    {
        const auto it = lowerBound(key);
        if (it == m_items.end() || it->first != key)
            return false;
        m_items.erase(it);
        if (m_items.empty())
            m_items.shrink_to_fit(); // an idle connection keeps nothing
        return true;
    }

    qsizetype size() const { return qsizetype(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }
    void clear() { std::vector<value_type>().swap(m_items); }

    iterator begin() { return m_items.begin(); }
    iterator end() { return m_items.end(); }
    const_iterator begin() const { return m_items.begin(); }
    const_iterator end() const { return m_items.end(); }

private:
    iterator lowerBound(const Key &key)
    {
        return std::lower_bound(m_items.begin(), m_items.end(), key,
                                [](const value_type &item, const Key &k) { return item.first < k; });
    }

    std::vector<value_type> m_items;
};

} // namespace sb
