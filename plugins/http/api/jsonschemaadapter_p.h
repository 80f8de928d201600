// SPDX-License-Identifier: Apache-2.0
// The valijson adapter JsonSchema validates through: valijson 1.0's nlohmann adapter
// (valijson/adapters/nlohmann_json_adapter.hpp, BSD-2-Clause), same shape, with exact numbers.
// The packaged adapter reads every JSON integer with get<int64_t>(), so an integer above 2^63
// (nlohmann keeps it as an unsigned 64-bit number) wraps to a negative one: 12345678901234567890
// passes "maximum": 100 and equals no other value correctly. Here such an integer is still an
// integer for "type", compares as its nearest double in range checks (as every number does in
// valijson), is refused by an integer "multipleOf" rather than wrapped, and "const"/"enum"
// compare integers exactly. Private to jsonschema.cpp; nothing else includes valijson.
#pragma once

#ifndef VALIJSON_USE_EXCEPTIONS
#define VALIJSON_USE_EXCEPTIONS 1 // without it valijson aborts on a bad schema
#endif

#include <nlohmann/json.hpp>
#include <valijson/exceptions.hpp>
#include <valijson/internal/adapter.hpp>
#include <valijson/internal/basic_adapter.hpp>
#include <valijson/internal/frozen_value.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace sb::http::schemaadapter {

using Json = nlohmann::json;

class Adapter;
class ArrayIterator;
class MemberIterator;
using Member = std::pair<std::string, Adapter>;

// An integer nlohmann holds exactly but int64_t cannot (above 2^63 - 1).
inline bool isHugeUnsigned(const Json &v)
{
    return v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max());
}

// Two JSON integers (signed or unsigned 64-bit) compared by value, never by a wrapped cast.
inline bool sameInteger(const Json &a, const Json &b)
{
    const bool aNeg = a.is_number_integer() && !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool bNeg = b.is_number_integer() && !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (aNeg || bNeg)
        return aNeg && bNeg && a.get<std::int64_t>() == b.get<std::int64_t>();
    const auto u = [](const Json &v) {
        return v.is_number_unsigned() ? v.get<std::uint64_t>() : std::uint64_t(v.get<std::int64_t>());
    };
    return u(a) == u(b);
}

class Array
{
public:
    using const_iterator = ArrayIterator;
    using iterator = ArrayIterator;
    Array() : m_value(&empty()) {}
    explicit Array(const Json &value) : m_value(&value)
    {
        if (!value.is_array())
            valijson::throwRuntimeError("Value is not an array.");
    }
    ArrayIterator begin() const;
    ArrayIterator end() const;
    size_t size() const { return m_value->size(); }

private:
    static const Json &empty()
    {
        static const Json array = Json::array();
        return array;
    }
    const Json *m_value;
};

class Object
{
public:
    using const_iterator = MemberIterator;
    using iterator = MemberIterator;
    Object() : m_value(&empty()) {}
    explicit Object(const Json &value) : m_value(&value)
    {
        if (!value.is_object())
            valijson::throwRuntimeError("Value is not an object.");
    }
    MemberIterator begin() const;
    MemberIterator end() const;
    MemberIterator find(const std::string &propertyName) const;
    size_t size() const { return m_value->size(); }

private:
    static const Json &empty()
    {
        static const Json object = Json::object();
        return object;
    }
    const Json *m_value;
};

// A schema value kept apart from its document ("const", "enum", "default").
class Frozen : public valijson::adapters::FrozenValue
{
public:
    explicit Frozen(Json source) : m_value(std::move(source)) {}
    FrozenValue *clone() const override { return new Frozen(m_value); }
    bool equalTo(const valijson::adapters::Adapter &other, bool strict) const override;

private:
    Json m_value;
};

class Value
{
public:
    Value() : m_value(&emptyObject()) {}
    explicit Value(const Json &value) : m_value(&value) {}

    const Json &json() const { return *m_value; }
    valijson::adapters::FrozenValue *freeze() const { return new Frozen(*m_value); }

    std::optional<Array> getArrayOptional() const
    {
        if (m_value->is_array())
            return std::make_optional(Array(*m_value));
        return {};
    }
    bool getArraySize(size_t &result) const
    {
        if (!m_value->is_array())
            return false;
        result = m_value->size();
        return true;
    }
    bool getBool(bool &result) const
    {
        if (!m_value->is_boolean())
            return false;
        result = m_value->get<bool>();
        return true;
    }
    // Numbers: floats, and integers above 2^63 - 1 as their nearest double.
    bool getDouble(double &result) const
    {
        if (m_value->is_number_float())
            result = m_value->get<double>();
        else if (isHugeUnsigned(*m_value))
            result = double(m_value->get<std::uint64_t>());
        else
            return false;
        return true;
    }
    // Integers int64_t holds; an integer above 2^63 - 1 is not silently wrapped.
    bool getInteger(int64_t &result) const
    {
        if (!m_value->is_number_integer() || isHugeUnsigned(*m_value))
            return false;
        result = m_value->get<std::int64_t>();
        return true;
    }
    std::optional<Object> getObjectOptional() const
    {
        if (m_value->is_object())
            return std::make_optional(Object(*m_value));
        return {};
    }
    bool getObjectSize(size_t &result) const
    {
        if (!m_value->is_object())
            return false;
        result = m_value->size();
        return true;
    }
    bool getString(std::string &result) const
    {
        if (!m_value->is_string())
            return false;
        result = m_value->get<std::string>();
        return true;
    }
    static bool hasStrictTypes() { return true; }
    bool isArray() const { return m_value->is_array(); }
    bool isBool() const { return m_value->is_boolean(); }
    // BasicAdapter reads a number as a double when this is true: huge integers go that way.
    bool isDouble() const { return m_value->is_number_float() || isHugeUnsigned(*m_value); }
    bool isInteger() const { return m_value->is_number_integer(); }
    bool isNull() const { return m_value->is_null(); }
    bool isNumber() const { return m_value->is_number(); }
    bool isObject() const { return m_value->is_object(); }
    bool isString() const { return m_value->is_string(); }

private:
    static const Json &emptyObject()
    {
        static const Json object = Json::object();
        return object;
    }
    const Json *m_value;
};

class Adapter : public valijson::adapters::BasicAdapter<Adapter, Array, Member, Object, Value>
{
public:
    Adapter() = default;
    explicit Adapter(const Json &value) : BasicAdapter(Value(value)), m_json(&value) {}

    const Json &json() const { return m_json ? *m_json : emptyObject(); }

    // Two integers of our documents compare exactly (valijson compares numbers as doubles, so
    // 12345678901234567890 would equal 12345678901234567891); everything else as valijson does.
    bool equalTo(const valijson::adapters::Adapter &other, bool strict) const override
    {
        const auto *mine = dynamic_cast<const Adapter *>(&other);
        if (mine && json().is_number_integer() && mine->json().is_number_integer())
            return sameInteger(json(), mine->json());
        return BasicAdapter::equalTo(other, strict);
    }

private:
    static const Json &emptyObject()
    {
        static const Json object = Json::object();
        return object;
    }
    const Json *m_json = nullptr; // BasicAdapter keeps its Value private
};

class ArrayIterator
{
public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = Adapter;
    using difference_type = Adapter;
    using pointer = Adapter *;
    using reference = Adapter &;

    explicit ArrayIterator(const Json::const_iterator &it) : m_it(it) {}
    Adapter operator*() const { return Adapter(*m_it); }
    valijson::adapters::DerefProxy<Adapter> operator->() const { return valijson::adapters::DerefProxy<Adapter>(**this); }
    bool operator==(const ArrayIterator &other) const { return m_it == other.m_it; }
    bool operator!=(const ArrayIterator &other) const { return !(m_it == other.m_it); }
    const ArrayIterator &operator++()
    {
        ++m_it;
        return *this;
    }
    ArrayIterator operator++(int)
    {
        ArrayIterator before(m_it);
        ++m_it;
        return before;
    }
    const ArrayIterator &operator--()
    {
        --m_it;
        return *this;
    }
    void advance(std::ptrdiff_t n) { m_it += n; }

private:
    Json::const_iterator m_it;
};

class MemberIterator
{
public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = Member;
    using difference_type = Member;
    using pointer = Member *;
    using reference = Member &;

    explicit MemberIterator(const Json::const_iterator &it) : m_it(it) {}
    Member operator*() const { return Member(m_it.key(), Adapter(m_it.value())); }
    valijson::adapters::DerefProxy<Member> operator->() const { return valijson::adapters::DerefProxy<Member>(**this); }
    bool operator==(const MemberIterator &other) const { return m_it == other.m_it; }
    bool operator!=(const MemberIterator &other) const { return !(m_it == other.m_it); }
    const MemberIterator &operator++()
    {
        ++m_it;
        return *this;
    }
    MemberIterator operator++(int)
    {
        MemberIterator before(m_it);
        ++m_it;
        return before;
    }
    const MemberIterator &operator--()
    {
        --m_it;
        return *this;
    }

private:
    Json::const_iterator m_it;
};

inline bool Frozen::equalTo(const valijson::adapters::Adapter &other, bool strict) const
{
    return Adapter(m_value).equalTo(other, strict);
}

inline ArrayIterator Array::begin() const
{
    return ArrayIterator(m_value->cbegin());
}

inline ArrayIterator Array::end() const
{
    return ArrayIterator(m_value->cend());
}

inline MemberIterator Object::begin() const
{
    return MemberIterator(m_value->cbegin());
}

inline MemberIterator Object::end() const
{
    return MemberIterator(m_value->cend());
}

inline MemberIterator Object::find(const std::string &propertyName) const
{
    return MemberIterator(m_value->find(propertyName));
}

} // namespace sb::http::schemaadapter

namespace valijson::adapters {

template<>
struct AdapterTraits<sb::http::schemaadapter::Adapter>
{
    using DocumentType = nlohmann::json;
    static std::string adapterName() { return "SwitchboardNlohmannAdapter"; }
};

} // namespace valijson::adapters
