// Status and Result: how every fallible core function reports failure.
//
// The core never throws across its public API (the WASM build runs without exception
// catching). A failure is a stable machine code plus a human message; the JS shim maps the
// code to a typed error class.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lunora {

enum class ErrorCode {
  ok,                  // OK: not an error (Status::Ok())
  invalid_argument,    // INVALID_ARGUMENT: a malformed request from the shim
  invalid_identifier,  // INVALID_IDENTIFIER
  unknown_dialect,     // UNKNOWN_DIALECT
  invalid_value,       // INVALID_VALUE: Lunora JSON that is not a valid value
  invalid_schema,      // INVALID_SCHEMA
  validation_failed,   // VALIDATION_FAILED: a document does not match its validator
  unsupported_value,   // UNSUPPORTED_VALUE: a valid value the engine cannot hold (NaN on MySQL)
  not_found,           // NOT_FOUND: unknown table/index/document
  migration_refused,   // MIGRATION_REFUSED
  invalid_cursor,      // INVALID_CURSOR
  conflict,            // CONFLICT
  internal,            // INTERNAL
};

// The stable string the JS side sees as `error.code`.
std::string_view error_code_name(ErrorCode code) noexcept;

class Status {
 public:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(ErrorCode::ok, std::string()); }

  bool ok() const noexcept { return code_ == ErrorCode::ok; }

  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

 private:
  ErrorCode code_;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {}   // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return std::holds_alternative<T>(state_); }
  explicit operator bool() const noexcept { return ok(); }

  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Status& status() const& { return std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace lunora
