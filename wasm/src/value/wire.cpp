#include "lunora/value/wire.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "lunora/value/base64.hpp"
#include "lunora/value/simple_json.hpp"

namespace lunora {
namespace {

constexpr std::string_view kIntegerTag = "$integer";
constexpr std::string_view kFloatTag = "$float";
constexpr std::string_view kBytesTag = "$bytes";

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // bounds of the second byte: they exclude overlongs, surrogates
  unsigned char high = 0xbf; // and code points above U+10FFFF
  if (c >= 0xc2 && c <= 0xdf) {
    length = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c == 0xe0) low = 0xa0;
    if (c == 0xed) high = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  }
  return length;
}

std::array<std::uint8_t, 8> little_endian(std::uint64_t bits) {
  std::array<std::uint8_t, 8> out{};
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(bits >> (8 * i));
  return out;
}

std::uint64_t from_little_endian(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 8; ++i) bits |= std::uint64_t{bytes[i]} << (8 * i);
  return bits;
}

std::uint64_t double_bits(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

double bits_double(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// A float64 that a plain JSON number can carry exactly.
bool is_plain_json_number(double d) { return std::isfinite(d) && !(d == 0 && std::signbit(d)); }

void append_tagged(std::string& out, std::string_view tag, const std::string& base64) {
  out += "{\"";
  out += tag;
  out += "\":\"";
  out += base64;  // the base64 alphabet needs no JSON escaping
  out += "\"}";
}

std::string base64_of_bits(std::uint64_t bits) {
  const auto bytes = little_endian(bits);
  return base64_encode(bytes.data(), bytes.size());
}

// Why a tree is not valid Lunora JSON; the path is prepended while unwinding.
struct Failure {
  std::string path;
  std::string message;
};

Status invalid(const Failure& failure) {
  std::string message = "invalid Lunora JSON";
  if (!failure.path.empty()) message += " at " + failure.path;
  return Status(ErrorCode::invalid_value, message + ": " + failure.message);
}

std::optional<Failure> convert_in_place(Value& value, bool check_utf8);

// `tag` is a copy: `value` is overwritten while the key it came from is still in scope.
std::optional<Failure> decode_tag(Value& value, std::string tag, const Value& payload) {
  const std::string shown = "\"" + tag + "\"";
  if (tag != kIntegerTag && tag != kFloatTag && tag != kBytesTag) {
    return Failure{"", "object key " + shown +
                           " is not allowed: keys starting with \"$\" are reserved for "
                           "$integer, $float and $bytes"};
  }
  if (value.size() != 1) return Failure{"", shown + " must be the only key of its object"};
  if (!payload.is_string()) {
    return Failure{"", shown + " needs a base64 string, got " +
                           std::string(value_type_name(value_type(payload)))};
  }
  auto bytes = base64_decode(payload.get_ref<const std::string&>());
  if (!bytes) return Failure{"", shown + ": " + bytes.status().message()};
  if (tag == kBytesTag) {
    value = Value::binary(std::move(bytes).value());
    return std::nullopt;
  }
  if (bytes->size() != 8) {
    return Failure{"", shown + " must hold exactly 8 bytes, got " + std::to_string(bytes->size())};
  }
  const std::uint64_t bits = from_little_endian(*bytes);
  if (tag == kIntegerTag) {
    value = static_cast<std::int64_t>(bits);
  } else {
    value = bits_double(bits);
  }
  return std::nullopt;
}

std::optional<Failure> convert_object(Value& object, bool check_utf8) {
  for (auto& [key, member] : object.items()) {
    if (!key.empty() && key[0] == '$') return decode_tag(object, key, member);
  }
  for (auto& [key, member] : object.items()) {
    if (check_utf8 && !is_valid_utf8(key)) return Failure{"", "an object key is not valid UTF-8"};
    if (auto failure = convert_in_place(member, check_utf8)) {
      std::string step;
      append_path_field(step, key);
      failure->path.insert(0, step);
      return failure;
    }
  }
  return std::nullopt;
}

std::optional<Failure> convert_in_place(Value& value, bool check_utf8) {
  switch (value.type()) {
    case Value::value_t::number_integer:
      value = static_cast<double>(*value.get_ptr<const std::int64_t*>());
      return std::nullopt;
    case Value::value_t::number_unsigned:
      value = static_cast<double>(*value.get_ptr<const std::uint64_t*>());
      return std::nullopt;
    case Value::value_t::string:
      if (check_utf8 && !is_valid_utf8(value.get_ref<const std::string&>())) {
        return Failure{"", "string is not valid UTF-8"};
      }
      return std::nullopt;
    case Value::value_t::array:
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto failure = convert_in_place(value[i], check_utf8)) {
          std::string step;
          append_path_index(step, i);
          failure->path.insert(0, step);
          return failure;
        }
      }
      return std::nullopt;
    case Value::value_t::object:
      return convert_object(value, check_utf8);
    case Value::value_t::discarded:
      return Failure{"", "discarded value"};
    case Value::value_t::null:
    case Value::value_t::boolean:
    case Value::value_t::number_float:
    case Value::value_t::binary:
      return std::nullopt;
  }
  return std::nullopt;
}

bool within_nesting(const Value& value, std::size_t depth) {
  if (!value.is_array() && !value.is_object()) return true;
  if (depth + 1 > kMaxWireNesting) return false;
  for (const auto& member : value) {
    if (!within_nesting(member, depth + 1)) return false;
  }
  return true;
}

Status too_deep() {
  return Status(ErrorCode::invalid_value, "invalid Lunora JSON: nested deeper than " +
                                              std::to_string(kMaxWireNesting) + " levels");
}

// One pass over the text before parsing: bounds the nesting, and finds bare `-0` number
// tokens, which nlohmann reads as the integer 0 although JSON.parse reads them as -0.
struct Scan {
  bool too_deep = false;
  std::vector<std::size_t> negative_zeros;  // offsets just after each bare "-0"
};

bool ends_number(char c) { return !(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E'; }

Scan scan(std::string_view json) {
  Scan result;
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > kMaxWireNesting) {
          result.too_deep = true;
          return result;
        }
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      case '-':
        if (i + 1 < json.size() && json[i + 1] == '0' &&
            (i + 2 == json.size() || ends_number(json[i + 2]))) {
          result.negative_zeros.push_back(i + 2);
        }
        break;
      default: break;
    }
  }
  return result;
}

// Only used after a failed parse, to say why: a SAX consumer that keeps nothing but the error.
class ParseErrorCapture final : public nlohmann::json_sax<Value> {
 public:
  std::string message;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    message = ex.what();
    // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ..."
    if (auto end = message.find("] "); message.rfind("[json.exception.", 0) == 0 && end != std::string::npos) {
      message.erase(0, end + 2);
    }
    return false;
  }
};

Status parse_failure(std::string_view json) {
  ParseErrorCapture capture;
  Value::sax_parse(json, &capture);
  if (capture.message.empty()) capture.message = "malformed JSON";
  return Status(ErrorCode::invalid_value, "invalid Lunora JSON: " + capture.message);
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

namespace {

// parse_wire's full path: nlohmann's parser, then the tags converted.
Result<Value> parse_wire_full(std::string_view json) {
  const Scan scanned = scan(json);
  if (scanned.too_deep) return too_deep();
  Value parsed;
  if (scanned.negative_zeros.empty()) {
    parsed = Value::parse(json, nullptr, false);
  } else {
    std::string patched;
    patched.reserve(json.size() + 2 * scanned.negative_zeros.size());
    std::size_t from = 0;
    for (std::size_t at : scanned.negative_zeros) {
      patched.append(json.substr(from, at - from));
      patched += ".0";
      from = at;
    }
    patched.append(json.substr(from));
    parsed = Value::parse(patched, nullptr, false);
  }
  if (parsed.is_discarded()) return parse_failure(json);
  // nlohmann has already refused invalid UTF-8 in strings and keys.
  if (auto failure = convert_in_place(parsed, false)) return invalid(*failure);
  return parsed;
}

}  // namespace

Result<Value> parse_wire(std::string_view json) {
  // The usual document from the shim reads in one pass, tags included; anything else takes
  // the full path.
  if (auto simple = parse_simple_wire(json, kMaxWireNesting)) return std::move(*simple);
  return parse_wire_full(json);
}

Result<Value> parse_wire_over(std::string_view json, Value spare) {
  if (parse_simple_wire_over(json, kMaxWireNesting, spare)) return spare;
  return parse_wire_full(json);
}

Result<Value> parse_wire_fields(std::string_view json, const std::vector<std::string_view>& fields) {
  if (auto simple = parse_simple_wire_fields(json, kMaxWireNesting, fields)) return std::move(*simple);
  auto full = parse_wire(json);
  if (!full || !full->is_object()) return full;
  Value kept(Value::value_t::object);
  for (auto& [key, member] : full->items()) {
    if (std::find(fields.begin(), fields.end(), std::string_view(key)) != fields.end()) kept[key] = std::move(member);
  }
  return kept;
}

Result<Value> parse_wire_fields_over(std::string_view json, const std::vector<std::string_view>& fields, Value spare) {
  if (parse_simple_wire_fields_over(json, kMaxWireNesting, fields, spare)) return spare;
  return parse_wire_fields(json, fields);
}

Result<Value> from_wire_json(const Value& json) {
  if (!within_nesting(json, 0)) return too_deep();
  Value copy = json;
  if (auto failure = convert_in_place(copy, true)) return invalid(*failure);
  return copy;
}

void append_wire(std::string& out, const Value& value) {
  switch (value.type()) {
    case Value::value_t::null:
    case Value::value_t::discarded:
      out += "null";
      return;
    case Value::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      append_tagged(out, kIntegerTag, base64_of_bits(static_cast<std::uint64_t>(value.get<std::int64_t>())));
      return;
    case Value::value_t::number_float: {
      const double d = value.get<double>();
      if (is_plain_json_number(d)) {
        append_js_number(out, d);
      } else {
        append_tagged(out, kFloatTag, base64_of_bits(double_bits(d)));
      }
      return;
    }
    case Value::value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case Value::value_t::binary:
      append_tagged(out, kBytesTag, base64_encode(value.get_binary()));
      return;
    case Value::value_t::array:
    case Value::value_t::object:
      append_json_container(out, value, append_wire);
      return;
  }
}

std::string to_wire(const Value& value) {
  std::string out;
  append_wire(out, value);
  return out;
}

std::size_t wire_size_bound(const Value& value) {
  // Longest forms: "-1.2345678901234567e-308" (24), {"$integer":"<12>"} (27), {"$float":"<12>"} (25).
  constexpr std::size_t kNumber = 27;
  const auto string_bound = [](const std::string& s) { return 6 * s.size() + 2; };
  switch (value.type()) {
    case Value::value_t::null:
    case Value::value_t::discarded:
    case Value::value_t::boolean:
      return 5;
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
    case Value::value_t::number_float:
      return kNumber;
    case Value::value_t::string:
      return string_bound(value.get_ref<const std::string&>());
    case Value::value_t::binary:
      return 13 + 4 * (value.get_binary().size() / 3 + 1);  // {"$bytes":"<base64>"}
    case Value::value_t::array: {
      std::size_t size = 2 + value.size();  // brackets and commas
      for (const auto& item : value) size += wire_size_bound(item);
      return size;
    }
    case Value::value_t::object: {
      std::size_t size = 2 + 2 * value.size();  // braces, colons and commas
      for (auto it = value.begin(); it != value.end(); ++it) size += string_bound(it.key()) + wire_size_bound(*it);
      return size;
    }
  }
  return kNumber;
}

Value to_wire_json(const Value& value) {
  switch (value.type()) {
    case Value::value_t::number_integer:
    case Value::value_t::number_unsigned:
      return Value{{std::string(kIntegerTag),
                    base64_of_bits(static_cast<std::uint64_t>(value.get<std::int64_t>()))}};
    case Value::value_t::number_float: {
      const double d = value.get<double>();
      if (is_plain_json_number(d)) return d;
      return Value{{std::string(kFloatTag), base64_of_bits(double_bits(d))}};
    }
    case Value::value_t::binary:
      return Value{{std::string(kBytesTag), base64_encode(value.get_binary())}};
    case Value::value_t::array: {
      Value out = Value::array();
      for (const auto& item : value) out.push_back(to_wire_json(item));
      return out;
    }
    case Value::value_t::object: {
      Value out = Value::object();
      for (const auto& [key, member] : value.items()) out[key] = to_wire_json(member);
      return out;
    }
    case Value::value_t::discarded:
      return nullptr;
    case Value::value_t::null:
    case Value::value_t::boolean:
    case Value::value_t::string:
      return value;
  }
  return value;
}

void append_json_string(std::string& out, std::string_view utf8) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char* data = utf8.data();
  const std::size_t size = utf8.size();
  std::size_t i = plain_json_run(data, 0, size);
  if (i == size) {
    // The common case (ids, names, SQL text): quotes around one copy, in one append.
    char quoted[128];
    if (size + 2 <= sizeof quoted) {
      quoted[0] = '"';
      std::memcpy(quoted + 1, data, size);
      quoted[size + 1] = '"';
      out.append(quoted, size + 2);
      return;
    }
    out.push_back('"');
    out.append(data, size);
    out.push_back('"');
    return;
  }
  out.reserve(out.size() + size + 2);
  out.push_back('"');
  out.append(data, i);
  while (i < size) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(utf8, i);
      if (length == 0) {
        out.append("\xef\xbf\xbd", 3);  // U+FFFD for a byte that is not UTF-8
        ++i;
      } else {
        out.append(data + i, length);
        i += length;
      }
    } else {
      ++i;
      char escape = 0;
      switch (c) {
        case '"': escape = '"'; break;
        case '\\': escape = '\\'; break;
        case '\b': escape = 'b'; break;
        case '\f': escape = 'f'; break;
        case '\n': escape = 'n'; break;
        case '\r': escape = 'r'; break;
        case '\t': escape = 't'; break;
        default: break;
      }
      if (escape != 0) {
        const char pair[2] = {'\\', escape};
        out.append(pair, 2);
      } else {  // another control character (the plain run stopped at it)
        const char unicode[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
        out.append(unicode, 6);
      }
    }
    // Runs of plain ASCII are copied at once.
    const std::size_t end = plain_json_run(data, i, size);
    out.append(data + i, end - i);
    i = end;
  }
  out.push_back('"');
}

namespace {

// ECMAScript's Number::toString of a finite non-zero double into `buf` (40 chars are enough);
// returns the length. nlohmann's Grisu2 (the engine behind its own dump()) gives the digits,
// which always round-trip.
std::size_t format_js_number(char* buf, double finite) {
  char* o = buf;
  if (finite < 0) {
    *o++ = '-';
    finite = -finite;
  }
  char digits[32];
  int k = 0;
  int exponent = 0;
  nlohmann::detail::dtoa_impl::grisu2(digits, k, exponent, finite);
  const int n = k + exponent;  // value = 0.d * 10^n
  const auto copy = [&o](const char* from, int count) {
    std::memcpy(o, from, static_cast<std::size_t>(count));
    o += count;
  };
  const auto zeros = [&o](int count) {
    std::memset(o, '0', static_cast<std::size_t>(count));
    o += count;
  };
  if (k <= n && n <= 21) {
    copy(digits, k);
    zeros(n - k);
  } else if (0 < n && n <= 21) {
    copy(digits, n);
    *o++ = '.';
    copy(digits + n, k - n);
  } else if (-6 < n && n <= 0) {
    *o++ = '0';
    *o++ = '.';
    zeros(-n);
    copy(digits, k);
  } else {
    *o++ = digits[0];
    if (k > 1) {
      *o++ = '.';
      copy(digits + 1, k - 1);
    }
    *o++ = 'e';
    *o++ = n - 1 < 0 ? '-' : '+';
    o = std::to_chars(o, o + 8, n - 1 < 0 ? 1 - n : n - 1).ptr;
  }
  return static_cast<std::size_t>(o - buf);
}

}  // namespace

void append_js_number(std::string& out, double finite) {
  // An integer below 2^53 (-0 included: JS writes "0") is its decimal digits; the digit
  // search would find exactly those.
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (finite > -kExact && finite < kExact && finite == std::trunc(finite)) {
    char digits[24];
    const auto written = std::to_chars(digits, digits + sizeof digits, static_cast<std::int64_t>(finite));
    out.append(digits, written.ptr);
    return;
  }
  // The last number written, kept: an insert writes its _creationTime twice (in the answer,
  // then in its commit's params). Never an integer or zero, so == compares exactly.
  struct Last {
    double x = 0;
    std::size_t size = 0;
    char text[40];
  };
  thread_local Last last;
  if (last.size == 0 || last.x != finite) {
    last.size = format_js_number(last.text, finite);
    last.x = finite;
  }
  out.append(last.text, last.size);
}

bool is_js_identifier(std::string_view name) noexcept {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '$';
    if (!ok) return false;
  }
  return true;
}

void append_path_field(std::string& out, std::string_view name) {
  if (is_js_identifier(name)) {
    out.push_back('.');
    out.append(name);
  } else {
    out.push_back('[');
    append_json_string(out, name);
    out.push_back(']');
  }
}

void append_path_index(std::string& out, std::size_t index) {
  out.push_back('[');
  out += std::to_string(index);
  out.push_back(']');
}

}  // namespace lunora
