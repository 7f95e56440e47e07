#include "lunora/value/value.hpp"

namespace lunora {
namespace {

void release_at(Value& value, std::size_t depth) noexcept {
  if (depth >= kReleaseDepth) return;
  if (value.is_object()) {
    auto& object = value.get_ref<Value::object_t&>();
    for (auto& member : object) {
      if (member.second.is_structured()) release_at(member.second, depth + 1);
    }
    object.clear();  // members are leaves or empty containers now: no stack to build
  } else if (value.is_array()) {
    auto& array = value.get_ref<Value::array_t&>();
    for (auto& item : array) {
      if (item.is_structured()) release_at(item, depth + 1);
    }
    array.clear();
  }
}

}  // namespace

void release(Value& value) noexcept { release_at(value, 0); }


ValueType value_type(const Value& value) noexcept {
  switch (value.type()) {
    case Value::value_t::null: return ValueType::null;
    case Value::value_t::boolean: return ValueType::boolean;
    case Value::value_t::number_integer: return ValueType::int64;
    case Value::value_t::number_unsigned: return ValueType::int64;  // never produced; treated as int64
    case Value::value_t::number_float: return ValueType::float64;
    case Value::value_t::string: return ValueType::string;
    case Value::value_t::binary: return ValueType::bytes;
    case Value::value_t::array: return ValueType::array;
    case Value::value_t::object: return ValueType::object;
    case Value::value_t::discarded: return ValueType::null;
  }
  return ValueType::null;
}

std::string_view value_type_name(ValueType type) noexcept {
  switch (type) {
    case ValueType::null: return "null";
    case ValueType::int64: return "int64";
    case ValueType::float64: return "float64";
    case ValueType::boolean: return "boolean";
    case ValueType::string: return "string";
    case ValueType::bytes: return "bytes";
    case ValueType::array: return "array";
    case ValueType::object: return "object";
  }
  return "null";
}

}  // namespace lunora
