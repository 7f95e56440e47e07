#include "lunora/value/simple_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "lunora/value/base64.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

class Reader {
 public:
  Reader(std::string_view json, std::size_t max_depth, bool tags)
      : p_(json.data()), end_(json.data() + json.size()), max_depth_(max_depth), tags_(tags) {}

  // `[` strings `]`, the whole text (see parse_simple_string_array).
  bool string_array(std::vector<std::string>& out) {
    out.clear();
    skip_space();
    if (p_ == end_ || *p_ != '[') return false;
    ++p_;
    const bool read = items(']', [&] {
      std::string_view text;
      if (p_ == end_ || *p_ != '"' || !string_view_of(text)) return false;
      out.emplace_back(text);
      return true;
    });
    if (!read) return false;
    skip_space();
    return p_ == end_;
  }

  // document(), written over `out` (value_over).
  bool document_over(Value& out) {
    skip_space();
    if (!value_over(out, 0)) return false;
    skip_space();
    return p_ == end_;
  }

  std::optional<Value> document() {
    Value out;
    skip_space();
    if (!value(out, 0)) return std::nullopt;
    skip_space();
    if (p_ != end_) return std::nullopt;
    return out;
  }

 private:
  void skip_space() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  // A string without escapes, viewed in the text: raw control characters and invalid UTF-8
  // are refused.
  bool string_view_of(std::string_view& out) {
    ++p_;  // the opening quote
    const char* start = p_;
    while (p_ != end_) {
      p_ = start + plain_json_run(start, static_cast<std::size_t>(p_ - start), static_cast<std::size_t>(end_ - start));
      if (p_ == end_) break;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      // Validate the multi-byte run up to the next ASCII byte at once.
      const char* run = p_;
      while (p_ != end_ && static_cast<unsigned char>(*p_) >= 0x80) ++p_;
      if (!is_valid_utf8(std::string_view(run, static_cast<std::size_t>(p_ - run)))) return false;
    }
    return false;
  }

  // An object member's `"name" :`, up to its value.
  bool member_name(std::string_view& out) {
    if (p_ == end_ || *p_ != '"' || !string_view_of(out)) return false;
    skip_space();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    skip_space();
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // JSON's number grammar, then strtod over the token. A token of at most 15 digits without
  // an exponent is computed directly: its digits as an integer m < 2^53 and 10^k (k <= 15)
  // are both exact doubles, so the one correctly rounded division m / 10^k is the double
  // nearest the decimal, which is what strtod gives (Clinger's fast path).
  bool number(Value& out) {
    static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char* start = p_;
    const bool negative = p_ != end_ && *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    std::uint64_t mantissa = 0;
    std::size_t digits = 0;
    std::size_t fraction_digits = 0;
    const auto take_digits = [&](std::size_t& counted) {
      while (p_ != end_ && digit(*p_)) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p_ - '0');  // wraps harmlessly past 19 digits
        ++counted;
        ++p_;
      }
    };
    if (*p_ == '0') {
      ++p_;
      ++digits;
    } else {
      take_digits(digits);
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      take_digits(fraction_digits);
    }
    bool exponent = false;
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      exponent = true;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (!exponent && digits + fraction_digits <= 15) {
      const double magnitude = static_cast<double>(mantissa) / kPowers[fraction_digits];
      fill(out, negative ? -magnitude : magnitude);
      return true;
    }
    const std::size_t length = static_cast<std::size_t>(p_ - start);
    char buffer[64];
    if (length >= sizeof buffer) return false;
    std::copy(start, p_, buffer);
    buffer[length] = '\0';
    const double d = std::strtod(buffer, nullptr);
    if (!std::isfinite(d)) return false;  // overflow: the full path says why
    fill(out, d);
    return true;
  }

  // After `[` or `{`: comma-separated items up to `close`.
  template <typename Item>
  bool items(char close, Item&& item) {
    skip_space();
    if (p_ != end_ && *p_ == close) {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (!item()) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == close) {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
    }
  }

  // `out` is always a null Value that nothing else refers to (a fresh member, item or local):
  // filling it constructs the value in place, without operator='s temporary to destroy.
  template <typename T>
  static void fill(Value& null_slot, T&& value) {
    new (&null_slot) Value(std::forward<T>(value));  // a null holds nothing to free
  }

  // After `{` whose first member name begins with `$`: the whole object must be a wire tag
  // ({"$integer"|"$float"|"$bytes": "<base64>"}), decoded straight into `out` (no object built);
  // anything else is refused (the full path says why), as decode_tag would refuse it.
  bool tag(Value& out) {
    std::string_view name;
    if (!member_name(name)) return false;
    const bool integer = name == "$integer";
    const bool float64 = name == "$float";
    if (!integer && !float64 && name != "$bytes") return false;
    std::string_view payload;
    if (p_ == end_ || *p_ != '"' || !string_view_of(payload)) return false;
    skip_space();
    if (p_ == end_ || *p_ != '}') return false;
    ++p_;
    if (!integer && !float64) {
      auto bytes = base64_decode(payload);
      if (!bytes) return false;
      fill(out, Value::binary(std::move(bytes).value()));
      return true;
    }
    std::uint8_t raw[8];
    if (!base64_decode_exact(payload, raw, sizeof raw)) return false;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 8; ++i) bits |= std::uint64_t{raw[i]} << (8 * i);
    if (integer) {
      fill(out, static_cast<std::int64_t>(bits));
    } else {
      double d;
      std::memcpy(&d, &bits, sizeof d);
      fill(out, d);
    }
    return true;
  }

  // `slot` (any value) made a null, its tree freed bottom-up.
  static void reset(Value& slot) {
    if (slot.is_null()) return;
    release(slot);
    slot = nullptr;
  }

  // value() into `slot`, a value of an earlier document (any type, never referred to
  // elsewhere): where the text has the slot's shape (an object's members in key order, an
  // array's items, a string) its nodes and strings' buffers are reused, the rest built as
  // value() builds it. Accepting, it leaves `slot` equal to what value() would make of the
  // text; refusing, some valid value.
  bool value_over(Value& slot, std::size_t depth) {
    if (p_ == end_) return false;
    if (*p_ == '"' && slot.is_string()) {
      std::string_view text;
      if (!string_view_of(text)) return false;
      slot.get_ref<std::string&>().assign(text);
      return true;
    }
    if (*p_ == '[' && slot.is_array()) return array_over(slot.get_ref<Value::array_t&>(), depth);
    if (*p_ == '{' && slot.is_object() && !tag_ahead()) return object_over(slot, depth);
    reset(slot);
    return value(slot, depth);
  }

  // After `{`: the text is a wire tag (its first member name begins with `$`), which value()
  // decodes into a value that is not an object.
  bool tag_ahead() const {
    if (!tags_) return false;
    const char* q = p_ + 1;
    while (q != end_ && (*q == ' ' || *q == '\n' || *q == '\r' || *q == '\t')) ++q;
    return end_ - q >= 2 && q[0] == '"' && q[1] == '$';
  }

  // An earlier object of at most this many members is written over; a larger one is built
  // again (the members written are tracked in a fixed array).
  static constexpr std::size_t kReusedMembers = 32;

  // Each member the text names is written over the earlier member of that key, in place (no
  // node is relinked, whatever the text's key order); new keys are inserted as value()
  // inserts them; the earlier members the text does not name are dropped at the end.
  // `wanted` (document_fields_over): only those members are written, the others checked
  // and skipped as document_fields does; it names at most kReusedMembers.
  bool object_over(Value& slot, std::size_t depth, const std::vector<std::string_view>* wanted = nullptr) {
    auto& object = slot.get_ref<Value::object_t&>();
    const char* start = p_;
    const std::size_t outer_depth = depth;
    if (object.size() > kReusedMembers) {
      reset(slot);
      return value(slot, outer_depth);
    }
    if (++depth > max_depth_) return false;
    ++p_;
    const Value* written[kReusedMembers];  // the members written so far: a key met again is a duplicate
    std::size_t count = 0;
    std::size_t reused = 0;
    const std::size_t earlier = object.size();
    auto next = object.begin();  // the member after the last one written
    bool tagged = false;
    bool overflow = false;
    const auto is_written = [&](const Value& member) { return std::find(written, written + count, &member) != written + count; };
    const bool read = items('}', [&] {
      std::string_view key;
      if (!member_name(key)) return false;
      if (!key.empty() && key[0] == '$') tagged = true;
      if (wanted != nullptr) {
        if (tagged) return false;  // a tag, or refused: the full path
        if (std::find(wanted->begin(), wanted->end(), key) == wanted->end()) return skip(depth);
      }
      if (count == kReusedMembers) {
        overflow = true;
        return false;
      }
      // Documents usually come in key order: then the member is the one after the last. Else
      // a scan of the (few) members, which compares sizes first, costs less than find()'s
      // string comparisons.
      auto it = next;
      if (it == object.end() || std::string_view(it->first) != key) {
        for (it = object.begin(); it != object.end() && std::string_view(it->first) != key; ++it) {
        }
      }
      if (it != object.end()) {
        if (is_written(it->second)) return false;  // a duplicate key, refused as value() refuses it
        next = std::next(it);
        written[count++] = &it->second;
        ++reused;
        return value_over(it->second, depth);
      }
      auto member = object.emplace_hint(next, key, nullptr);
      next = std::next(member);
      written[count++] = &member->second;
      return value(member->second, depth);
    });
    if (overflow) {  // more members than can be tracked: built again from the start
      p_ = start;
      reset(slot);
      return value(slot, outer_depth);
    }
    if (!read) return false;
    if (reused != earlier) {
      for (auto it = object.begin(); it != object.end();) {
        if (is_written(it->second)) {
          ++it;
          continue;
        }
        release(it->second);
        it = object.erase(it);
      }
    }
    return !tagged || !tags_ || decode_tag(slot);
  }

  bool array_over(Value::array_t& array, std::size_t depth) {
    if (++depth > max_depth_) return false;
    ++p_;
    std::size_t count = 0;
    const bool read = items(']', [&] {
      if (count < array.size()) return value_over(array[count++], depth);
      array.emplace_back();
      ++count;
      return value(array.back(), depth);
    });
    if (!read) return false;
    for (std::size_t i = count; i < array.size(); ++i) release(array[i]);
    array.erase(array.begin() + static_cast<std::ptrdiff_t>(count), array.end());
    return true;
  }

  bool value(Value& out, std::size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': {
        if (++depth > max_depth_) return false;
        ++p_;
        if (tags_) {
          skip_space();
          if (end_ - p_ >= 2 && p_[0] == '"' && p_[1] == '$') return tag(out);
        }
        fill(out, Value::value_t::object);
        auto& object = out.get_ref<Value::object_t&>();
        bool tagged = false;
        const bool read = items('}', [&] {
          std::string_view key;
          if (!member_name(key)) return false;
          if (!key.empty() && key[0] == '$') tagged = true;
          // Documents from the shim usually come in key order: the hint then makes the
          // insertion a single comparison. A duplicate key leaves the size unchanged.
          const std::size_t before = object.size();
          auto slot = object.emplace_hint(object.end(), key, nullptr);
          return object.size() != before && value(slot->second, depth);
        });
        if (!read) return false;
        return !tagged || !tags_ || decode_tag(out);
      }
      case '[': {
        if (++depth > max_depth_) return false;
        ++p_;
        fill(out, Value::value_t::array);
        auto& array = out.get_ref<Value::array_t&>();
        if (end_ - p_ > 1 && p_[0] != ']') array.reserve(4);  // not one regrowth per item of a short array
        return items(']', [&] {
          array.emplace_back();
          return value(array.back(), depth);
        });
      }
      case '"': {
        std::string_view text;
        if (!string_view_of(text)) return false;
        fill(out, Value::value_t::string);
        out.get_ref<std::string&>().assign(text);
        return true;
      }
      case 't':
        fill(out, true);
        return literal("true");
      case 'f':
        fill(out, false);
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number(out);
    }
  }

 public:
  // A document object keeping only its members named in `wanted`; the others are checked as
  // value() would check them, without being built.
  // document_fields, written over `out` (object_over).
  bool document_fields_over(const std::vector<std::string_view>& wanted, Value& out) {
    skip_space();
    if (!out.is_object() || out.size() > kReusedMembers || wanted.size() > kReusedMembers) {
      auto fresh = document_fields(wanted);
      if (!fresh) return false;
      reset(out);
      out = std::move(*fresh);
      return true;
    }
    if (p_ == end_ || *p_ != '{') return false;
    if (!object_over(out, 0, &wanted)) return false;
    skip_space();
    return p_ == end_;
  }

  std::optional<Value> document_fields(const std::vector<std::string_view>& wanted) {
    skip_space();
    if (p_ == end_ || *p_ != '{' || max_depth_ < 1) return std::nullopt;
    ++p_;
    Value out(Value::value_t::object);
    auto& object = out.get_ref<Value::object_t&>();
    const bool read = items('}', [&] {
      std::string_view name;
      if (!member_name(name)) return false;
      if (!name.empty() && name[0] == '$') return false;  // a tag, or refused: the full path
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) return skip(1);
      const std::size_t before = object.size();
      auto slot = object.emplace_hint(object.end(), name, nullptr);
      return object.size() != before && value(slot->second, 1);
    });
    if (!read) return std::nullopt;
    skip_space();
    if (p_ != end_) return std::nullopt;
    return out;
  }

 private:
  // Reads a value without building its containers, accepting exactly what value() accepts
  // (a duplicate key here is not refused: the full path would keep the last one, and the
  // value is dropped anyway; a tag is read again with value(), which decodes or refuses it).
  bool skip(std::size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': {
        const char* start = p_;
        if (depth + 1 > max_depth_) return false;
        ++p_;
        bool tagged = false;
        const bool read = items('}', [&] {
          std::string_view name;
          if (!member_name(name)) return false;
          if (!name.empty() && name[0] == '$') tagged = true;
          return skip(depth + 1);
        });
        if (!read) return false;
        if (!tagged) return true;
        p_ = start;
        Value tag;
        return value(tag, depth);
      }
      case '[':
        if (depth + 1 > max_depth_) return false;
        ++p_;
        return items(']', [&] { return skip(depth + 1); });
      case '"': {
        std::string_view text;
        return string_view_of(text);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default: {
        Value number_value;
        return number(number_value);
      }
    }
  }

  // `object` has a `$` key: well-formed tags become their value (as parse_wire's
  // convert_in_place makes them); anything else is left to the full path.
  static bool decode_tag(Value& object) {
    if (object.size() != 1) return false;
    const auto& [tag, payload] = *object.get_ref<const Value::object_t&>().begin();
    if (!payload.is_string()) return false;
    const bool integer = tag == "$integer";
    const bool float64 = tag == "$float";
    if (!integer && !float64 && tag != "$bytes") return false;
    auto bytes = base64_decode(payload.get_ref<const std::string&>());
    if (!bytes) return false;
    if (!integer && !float64) {
      object = Value::binary(std::move(bytes).value());
      return true;
    }
    if (bytes->size() != 8) return false;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < 8; ++i) bits |= std::uint64_t{(*bytes)[i]} << (8 * i);
    if (integer) {
      object = static_cast<std::int64_t>(bits);
    } else {
      double d;
      std::memcpy(&d, &bits, sizeof d);
      object = d;
    }
    return true;
  }

  const char* p_;
  const char* end_;
  std::size_t max_depth_;
  bool tags_;  // decode wire tags; else an object with a `$` key is left to the full path
};

}  // namespace

bool parse_simple_string_array(std::string_view json, std::vector<std::string>& out) {
  return Reader(json, 1, false).string_array(out);
}

std::optional<Value> parse_simple_json(std::string_view json, std::size_t max_depth) {
  return Reader(json, max_depth, false).document();
}

std::optional<Value> parse_simple_wire(std::string_view json, std::size_t max_depth) {
  return Reader(json, max_depth, true).document();
}

bool parse_simple_wire_over(std::string_view json, std::size_t max_depth, Value& out) {
  return Reader(json, max_depth, true).document_over(out);
}

std::optional<Value> parse_simple_wire_fields(std::string_view json, std::size_t max_depth,
                                              const std::vector<std::string_view>& fields) {
  return Reader(json, max_depth, true).document_fields(fields);
}

bool parse_simple_wire_fields_over(std::string_view json, std::size_t max_depth,
                                   const std::vector<std::string_view>& fields, Value& out) {
  return Reader(json, max_depth, true).document_fields_over(fields, out);
}

}  // namespace lunora
