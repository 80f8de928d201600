// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <switchboard/error.h>

#include <optional>
#include <utility>

namespace sb {

// A value or an Error, modelled on KPluginFactory::Result; replace with std::expected in C++23.
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) {}

    explicit operator bool() const { return m_value.has_value(); }
    bool ok() const { return m_value.has_value(); }

    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }

    const Error &error() const { return m_error; }
    QString errorString() const { return m_error.toString(); }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<>
class Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    explicit operator bool() const { return !m_error.isError(); }
    bool ok() const { return !m_error.isError(); }
    const Error &error() const { return m_error; }
    QString errorString() const { return m_error.toString(); }

private:
    Error m_error;
};

using Status = Result<void>;

} // namespace sb
