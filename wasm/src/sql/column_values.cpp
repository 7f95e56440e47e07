#include "lunora/sql/column_values.hpp"

#include <charconv>
#include <cmath>

#include "lunora/value/hex.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

// A float64 as the text Postgres reads back exactly.
void append_float_text(std::string& out, double x) {
  if (std::isnan(x)) out += "NaN";
  else if (std::isinf(x)) out += x > 0 ? "Infinity" : "-Infinity";
  else if (x == 0 && std::signbit(x)) out += "-0";
  else append_js_number(out, x);
}

std::string float_text(double x) {
  std::string out;
  append_float_text(out, x);
  return out;
}

// Params-only fast paths: text that needs no JSON escaping (digits, hex) is written in place.
// `tag`: {"<tag>":"..."} around it, else just the quotes.
template <typename Write>
void quoted_json(std::string& out, std::string_view tag, Write&& write) {
  if (!tag.empty()) {
    out += "{\"";
    out += tag;
    out += "\":";
  }
  out.push_back('"');
  write(out);
  out.push_back('"');
  if (!tag.empty()) out.push_back('}');
}

void append_decimal(std::string& out, std::int64_t x) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, x);
  out.append(digits, end);
}

}  // namespace

void bind_bytes(StatementBuilder& b, std::string_view bytes) {
  if (!(bytes.empty() && b.engine() == Engine::sqlite)) {
    const bool pg = b.is_postgres();
    if (std::string* out = b.json_param(pg ? ParamWrap::bytea_hex : ParamWrap::none)) {
      quoted_json(*out, pg ? "" : "$hex", [&](std::string& o) { append_hex(o, bytes); });
      return;
    }
  }
  if (b.is_postgres()) {
    b.text_param(to_hex(bytes), ParamWrap::bytea_hex);
  } else if (bytes.empty() && b.engine() == Engine::sqlite) {
    b.empty_bytes();  // D1 would send an empty byte array as NULL
  } else {
    b.tagged_param("$hex", to_hex(bytes));
  }
}

namespace {

// SQLite (D1, Durable Objects): no BigInt parameters, so int64 goes as exact decimal text;
// booleans are INTEGER 0/1.
void bind_sqlite_kind(StatementBuilder& b, ColumnKind kind, const Value& value) {
  switch (kind) {
    case ColumnKind::int64:
      b.text_param(std::to_string(value.get<std::int64_t>()), ParamWrap::sqlite_integer);
      return;
    case ColumnKind::boolean:
      b.integer_param(value.get<bool>() ? 1 : 0);
      return;
    case ColumnKind::float64:
      b.number_param(value.get<double>());
      return;
    case ColumnKind::json:
      b.text_param(to_wire(value));
      return;
    case ColumnKind::text:
      b.text_param(value.get_ref<const std::string&>());
      return;
    case ColumnKind::bytes: {
      const auto& bytes = value.get_binary();
      bind_bytes(b, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      return;
    }
  }
}

}  // namespace

void bind_kind(StatementBuilder& b, ColumnKind kind, const Value& value) {
  if (b.engine() == Engine::sqlite) {
    bind_sqlite_kind(b, kind, value);
    return;
  }
  const bool pg = b.is_postgres();
  switch (kind) {
    case ColumnKind::text:
      b.text_param(value.get_ref<const std::string&>());
      return;
    case ColumnKind::float64: {
      const double x = value.get<double>();
      if (std::string* out = pg ? b.json_param(ParamWrap::float8) : nullptr) {
        quoted_json(*out, "", [x](std::string& o) {
          if (!append_integral_number(o, x)) append_float_text(o, x);
        });
        return;
      }
      if (pg) b.text_param(float_text(x), ParamWrap::float8);
      else b.number_param(x);
      return;
    }
    case ColumnKind::int64: {
      if (std::string* out = b.json_param(pg ? ParamWrap::int8 : ParamWrap::none)) {
        quoted_json(*out, pg ? "" : "$int", [&](std::string& o) { append_decimal(o, value.get<std::int64_t>()); });
        return;
      }
      const std::string decimal = std::to_string(value.get<std::int64_t>());
      if (pg) b.text_param(decimal, ParamWrap::int8);
      else b.tagged_param("$int", decimal);
      return;
    }
    case ColumnKind::boolean:
      if (pg) b.text_param(value.get<bool>() ? "true" : "false", ParamWrap::boolean);
      else b.bool_param(value.get<bool>());
      return;
    case ColumnKind::bytes: {
      const auto& bytes = value.get_binary();
      bind_bytes(b, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      return;
    }
    case ColumnKind::json:
      b.text_param(to_wire(value), pg ? ParamWrap::jsonb : ParamWrap::none);
      return;
  }
}

void bind_column_value(StatementBuilder& b, const FieldColumn& column, const Value* value) {
  if (value == nullptr || (value->is_null() && column.kind != ColumnKind::json)) {
    b.null_param();
    return;
  }
  bind_kind(b, column.kind, *value);
}

}  // namespace lunora
