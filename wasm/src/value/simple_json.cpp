#include "lunora/value/simple_json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

class Reader {
 public:
  Reader(std::string_view json, std::size_t max_depth) : p_(json.data()), end_(json.data() + json.size()), max_depth_(max_depth) {}

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

  // A string without escapes: raw control characters and invalid UTF-8 are refused.
  bool string(std::string& out) {
    ++p_;  // the opening quote
    const char* start = p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        out.assign(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      if (c == '\\' || c < 0x20) return false;
      if (c < 0x80) {
        ++p_;
        continue;
      }
      // Validate the multi-byte run up to the next ASCII byte at once.
      const char* run = p_;
      while (p_ != end_ && static_cast<unsigned char>(*p_) >= 0x80) ++p_;
      if (!is_valid_utf8(std::string_view(run, static_cast<std::size_t>(p_ - run)))) return false;
    }
    return false;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // JSON's number grammar, then strtod over the token.
  bool number(Value& out) {
    const char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !digit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ != end_ && digit(*p_)) ++p_;
    }
    const std::size_t length = static_cast<std::size_t>(p_ - start);
    char buffer[64];
    if (length >= sizeof buffer) return false;
    std::copy(start, p_, buffer);
    buffer[length] = '\0';
    const double d = std::strtod(buffer, nullptr);
    if (!std::isfinite(d)) return false;  // overflow: the full path says why
    out = d;
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

  bool value(Value& out, std::size_t depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{': {
        if (++depth > max_depth_) return false;
        ++p_;
        out = Value::object();
        auto& object = out.get_ref<Value::object_t&>();
        return items('}', [&] {
          std::string key;
          if (p_ == end_ || *p_ != '"' || !string(key)) return false;
          skip_space();
          if (p_ == end_ || *p_ != ':') return false;
          ++p_;
          skip_space();
          auto [slot, fresh] = object.emplace(std::move(key), nullptr);
          return fresh && value(slot->second, depth);
        });
      }
      case '[': {
        if (++depth > max_depth_) return false;
        ++p_;
        out = Value::array();
        auto& array = out.get_ref<Value::array_t&>();
        return items(']', [&] {
          array.emplace_back();
          return value(array.back(), depth);
        });
      }
      case '"': {
        std::string text;
        if (!string(text)) return false;
        out = std::move(text);
        return true;
      }
      case 't':
        out = true;
        return literal("true");
      case 'f':
        out = false;
        return literal("false");
      case 'n':
        out = nullptr;
        return literal("null");
      default:
        return number(out);
    }
  }

  const char* p_;
  const char* end_;
  std::size_t max_depth_;
};

}  // namespace

std::optional<Value> parse_simple_json(std::string_view json, std::size_t max_depth) {
  return Reader(json, max_depth).document();
}

}  // namespace lunora
