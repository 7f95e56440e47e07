#include "lunora/value/index_key.hpp"

#include <cstdint>
#include <cstring>

#include "lunora/schema/limits.hpp"
#include "lunora/value/compare.hpp"

namespace lunora {
namespace {

void append_big_endian(std::string& out, std::uint64_t bits) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (56 - 8 * i));
  out.append(bytes, sizeof bytes);
}

void append_escaped(std::string& out, char tag, const std::uint8_t* data, std::size_t size) {
  out.reserve(out.size() + size + 3);  // one allocation for a key without 0x00 bytes
  out.push_back(tag);
  // Runs without 0x00 are copied at once; each 0x00 is followed by 0xFF.
  const char* rest = reinterpret_cast<const char*>(data);
  std::size_t left = size;
  while (left > 0) {
    const void* zero = std::memchr(rest, 0, left);
    if (zero == nullptr) {
      out.append(rest, left);
      break;
    }
    const std::size_t run = static_cast<std::size_t>(static_cast<const char*>(zero) - rest) + 1;
    out.append(rest, run);
    out.push_back(static_cast<char>(0xff));
    rest += run;
    left -= run;
  }
  out.append(2, '\0');
}

void append_string(std::string& out, std::string_view text) {
  append_escaped(out, index_tag::kString, reinterpret_cast<const std::uint8_t*>(text.data()),
                 text.size());
}

void append_float64(std::string& out, double value) {
  out.push_back(index_tag::kFloat64);
  append_big_endian(out, detail::float64_order_bits(value));
}

void append_present(std::string& out, const Value& value) {
  switch (value_type(value)) {
    case ValueType::null:
      out.push_back(index_tag::kNull);
      return;
    case ValueType::int64:
      out.push_back(index_tag::kInt64);
      append_big_endian(out, static_cast<std::uint64_t>(value.get<std::int64_t>()) ^
                                 (std::uint64_t{1} << 63));
      return;
    case ValueType::float64:
      append_float64(out, value.get<double>());
      return;
    case ValueType::boolean:
      out.push_back(index_tag::kBoolean);
      out.push_back(value.get<bool>() ? 0x01 : 0x00);
      return;
    case ValueType::string:
      append_string(out, value.get_ref<const std::string&>());
      return;
    case ValueType::bytes: {
      const Bytes& bytes = value.get_binary();
      append_escaped(out, index_tag::kBytes, bytes.data(), bytes.size());
      return;
    }
    case ValueType::array:
      out.push_back(index_tag::kArray);
      for (const auto& item : value) append_present(out, item);
      out.push_back(index_tag::kEnd);
      return;
    case ValueType::object:
      out.push_back(index_tag::kObject);
      for (auto it = value.begin(); it != value.end(); ++it) {
        append_string(out, it.key());
        append_present(out, it.value());
      }
      out.push_back(index_tag::kEnd);
      return;
  }
}

}  // namespace

void append_index_key(std::string& out, const Value* value) {
  if (value == nullptr) {
    out.push_back(index_tag::kMissing);
  } else {
    append_present(out, *value);
  }
}

void append_index_key_float64(std::string& out, double value) { append_float64(out, value); }

void append_index_key_string(std::string& out, std::string_view text) { append_string(out, text); }

std::string index_key(const Value* value) {
  std::string out;
  append_index_key(out, value);
  return out;
}

std::string prefix_successor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty() && static_cast<unsigned char>(out.back()) == 0xff) out.pop_back();
  if (!out.empty()) out.back() = static_cast<char>(static_cast<unsigned char>(out.back()) + 1);
  return out;
}

bool document_index_key_into(std::string& out, const std::vector<const Value*>& field_values, double creation_time,
                             std::string_view id) {
  out.clear();
  for (const Value* value : field_values) append_index_key(out, value);
  append_float64(out, creation_time);
  append_string(out, id);
  return out.size() <= limits::kMaxIndexKeyBytes;
}

Result<std::string> document_index_key(const std::vector<const Value*>& field_values,
                                       double creation_time, std::string_view id) {
  std::string key;
  key.reserve(64);
  if (!document_index_key_into(key, field_values, creation_time, id)) {
    return Status(ErrorCode::unsupported_value,
                  "index key is " + std::to_string(key.size()) + " bytes; the limit is " +
                      std::to_string(limits::kMaxIndexKeyBytes) +
                      " bytes (indexed field values, _creationTime and _id, encoded); "
                      "index smaller values");
  }
  return key;
}

}  // namespace lunora
