#include "lunora/sql/statement.hpp"

#include <charconv>
#include <cmath>

#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

struct WrapSql {
  std::string_view before, after;
};

WrapSql wrap_sql(ParamWrap wrap) {
  switch (wrap) {
    case ParamWrap::none: return {"", ""};
    case ParamWrap::float8: return {"", "::text::float8"};
    case ParamWrap::int8: return {"", "::text::int8"};
    case ParamWrap::boolean: return {"", "::text::boolean"};
    case ParamWrap::jsonb: return {"", "::text::jsonb"};
    case ParamWrap::bytea_hex: return {"decode(", "::text, 'hex')"};
    case ParamWrap::sqlite_integer: return {"CAST(", " AS INTEGER)"};
    case ParamWrap::empty_bytes: break;  // not a parameter
  }
  return {"", ""};
}

}  // namespace

bool append_integral_number(std::string& out, double x) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (!(x > -kExact && x < kExact) || x != std::trunc(x) || (x == 0 && std::signbit(x))) return false;
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, static_cast<std::int64_t>(x));
  out.append(digits, end);
  return true;
}

StatementBuilder& StatementBuilder::param(Value param, std::string_view before, std::string_view after) {
  if (params_json_ != nullptr) {
    generic_param_used_ = true;
    return *this;
  }
  ++count_;
  statement_.params.push_back(std::move(param));
  statement_.text.append(before);
  dialect_.append_placeholder(statement_.text, statement_.params.size());
  statement_.text.append(after);
  return *this;
}

std::string* StatementBuilder::begin_param(ParamWrap wrap) {
  ++count_;
  if (params_json_ == nullptr) {
    const WrapSql around = wrap_sql(wrap);
    statement_.text.append(around.before);
    dialect_.append_placeholder(statement_.text, count_);
    statement_.text.append(around.after);
    return nullptr;
  }
  if (count_ > 1) params_json_->push_back(',');
  shape_->push_back(static_cast<char>(wrap));
  return params_json_;
}

StatementBuilder& StatementBuilder::text_param(std::string_view text, ParamWrap wrap) {
  if (std::string* out = begin_param(wrap)) {
    append_json_string(*out, text);
  } else {
    statement_.params.push_back(std::string(text));
  }
  return *this;
}

StatementBuilder& StatementBuilder::plain_text_param(std::string_view text) {
  if (std::string* out = begin_param(ParamWrap::none)) {
    out->push_back('"');
    out->append(text);
    out->push_back('"');
  } else {
    statement_.params.push_back(std::string(text));
  }
  return *this;
}

StatementBuilder& StatementBuilder::number_param(double x) {
  if (std::string* out = begin_param(ParamWrap::none)) {
    if (append_integral_number(*out, x)) return *this;
    if (std::isfinite(x)) append_js_number(*out, x);
    else *out += "null";  // as the envelope writes a non-finite number
  } else {
    statement_.params.push_back(x);
  }
  return *this;
}

StatementBuilder& StatementBuilder::integer_param(std::int64_t x) {
  if (std::string* out = begin_param(ParamWrap::none)) *out += std::to_string(x);
  else statement_.params.push_back(x);
  return *this;
}

StatementBuilder& StatementBuilder::bool_param(bool x) {
  if (std::string* out = begin_param(ParamWrap::none)) *out += x ? "true" : "false";
  else statement_.params.push_back(x);
  return *this;
}

StatementBuilder& StatementBuilder::null_param() {
  if (std::string* out = begin_param(ParamWrap::none)) *out += "null";
  else statement_.params.push_back(nullptr);
  return *this;
}

StatementBuilder& StatementBuilder::tagged_param(std::string_view tag, std::string_view text) {
  if (std::string* out = begin_param(ParamWrap::none)) {
    out->push_back('{');
    append_json_string(*out, tag);
    out->push_back(':');
    append_json_string(*out, text);
    out->push_back('}');
  } else {
    statement_.params.push_back(Value{{std::string(tag), std::string(text)}});
  }
  return *this;
}

StatementBuilder& StatementBuilder::empty_bytes() {
  if (params_json_ != nullptr) shape_->push_back(static_cast<char>(ParamWrap::empty_bytes));
  else statement_.text.append("X''");
  return *this;
}

}  // namespace lunora
