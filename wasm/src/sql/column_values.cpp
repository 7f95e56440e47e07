#include "lunora/sql/column_values.hpp"

#include <cmath>

#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

std::string float_text(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x == 0 && std::signbit(x)) return "-0";
  std::string out;
  append_js_number(out, x);
  return out;
}

}  // namespace

void bind_bytes(StatementBuilder& b, std::string_view bytes) {
  if (b.is_postgres()) {
    b.param(to_hex(bytes), "decode(", "::text, 'hex')");
  } else if (bytes.empty() && b.engine() == Engine::sqlite) {
    b.sql("X''");  // D1 would send an empty byte array as NULL
  } else {
    b.param(Value{{"$hex", to_hex(bytes)}});
  }
}

namespace {

// SQLite (D1, Durable Objects): no BigInt parameters, so int64 goes as exact decimal text;
// booleans are INTEGER 0/1.
void bind_sqlite_kind(StatementBuilder& b, ColumnKind kind, const Value& value) {
  switch (kind) {
    case ColumnKind::int64:
      b.param(std::to_string(value.get<std::int64_t>()), "CAST(", " AS INTEGER)");
      return;
    case ColumnKind::boolean:
      b.param(value.get<bool>() ? 1 : 0);
      return;
    case ColumnKind::float64:
      b.param(value.get<double>());
      return;
    case ColumnKind::json:
      b.param(to_wire(value));
      return;
    case ColumnKind::text:
      b.param(value.get<std::string>());
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
      b.param(value.get<std::string>());
      return;
    case ColumnKind::float64: {
      const double x = value.get<double>();
      if (pg) b.param(float_text(x), "", "::text::float8");
      else b.param(x);
      return;
    }
    case ColumnKind::int64: {
      const std::string decimal = std::to_string(value.get<std::int64_t>());
      if (pg) b.param(decimal, "", "::text::int8");
      else b.param(Value{{"$int", decimal}});
      return;
    }
    case ColumnKind::boolean:
      if (pg) b.param(value.get<bool>() ? "true" : "false", "", "::text::boolean");
      else b.param(value.get<bool>());
      return;
    case ColumnKind::bytes: {
      const auto& bytes = value.get_binary();
      bind_bytes(b, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
      return;
    }
    case ColumnKind::json:
      if (pg) b.param(to_wire(value), "", "::text::jsonb");
      else b.param(to_wire(value));
      return;
  }
}

void bind_column_value(StatementBuilder& b, const FieldColumn& column, const Value* value) {
  if (value == nullptr || (value->is_null() && column.kind != ColumnKind::json)) {
    b.param(nullptr);
    return;
  }
  bind_kind(b, column.kind, *value);
}

}  // namespace lunora
