// Result<T>: a value or a messages::Error, returned across the vmcore API
// instead of throwing (STYLE.md "Errors"; Hermes' CallResult<T>).
#pragma once

#include <optional>
#include <utility>
#include <variant>

#include "messages/error.hpp"

namespace raya::vm {

using messages::Error;
using messages::ErrorCode;

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}
  Result(Error error) : data_(std::move(error)) {}

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  const T& value() const& { return std::get<0>(data_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(data_); }
  Error&& take_error() { return std::get<1>(std::move(data_)); }

 private:
  std::variant<T, Error> data_;
};

/// Result of an operation with nothing to return.
struct Ok {};
using Status = Result<Ok>;

}  // namespace raya::vm
