#include "lunora/schema/validator_format.hpp"

#include <cmath>
#include <string_view>

#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

// Writers stop adding detail once the output is past the limit; the tail is then cut.
bool full(const std::string& out) { return out.size() > kMaxFormattedLength; }

std::string shortened(std::string out) {
  if (out.size() <= kMaxFormattedLength) return out;
  std::size_t cut = kMaxFormattedLength;
  // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
  out.resize(cut);
  out += "...";
  return out;
}

void append_property_name(std::string& out, std::string_view name) {
  if (is_js_identifier(name)) {
    out.append(name);
  } else {
    append_json_string(out, name);
  }
}

void append_float(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
  } else if (std::isinf(d)) {
    out += d < 0 ? "-Infinity" : "Infinity";
  } else if (d == 0 && std::signbit(d)) {
    out += "-0";
  } else {
    append_js_number(out, d);
  }
}

void append_value(std::string& out, const Value& value) {
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
      out += std::to_string(value.get<std::int64_t>());
      out.push_back('n');
      return;
    case Value::value_t::number_float:
      append_float(out, value.get<double>());
      return;
    case Value::value_t::string: {
      // Only the head of a huge string can be shown anyway.
      const auto& text = value.get_ref<const std::string&>();
      append_json_string(out, std::string_view(text).substr(0, kMaxFormattedLength + 4));
      return;
    }
    case Value::value_t::binary:
      out += "ArrayBuffer(byteLength=" + std::to_string(value.get_binary().size()) + ")";
      return;
    case Value::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : value) {
        if (full(out)) return;
        if (!first) out += ", ";
        first = false;
        append_value(out, item);
      }
      out.push_back(']');
      return;
    }
    case Value::value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += "{ ";
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (full(out)) return;
        if (!first) out += ", ";
        first = false;
        append_property_name(out, it.key());
        out += ": ";
        append_value(out, it.value());
      }
      out += " }";
      return;
    }
  }
}

void append_validator(std::string& out, const Validator& validator);

void append_children(std::string& out, const Validator& validator) {
  bool first = true;
  for (const auto& child : validator.children) {
    if (full(out)) return;
    if (!first) out += ", ";
    first = false;
    append_validator(out, child);
  }
}

void append_validator(std::string& out, const Validator& validator) {
  switch (validator.kind) {
    case ValidatorKind::string: out += "v.string()"; return;
    case ValidatorKind::float64: out += "v.float64()"; return;
    case ValidatorKind::int64: out += "v.int64()"; return;
    case ValidatorKind::boolean: out += "v.boolean()"; return;
    case ValidatorKind::null: out += "v.null()"; return;
    case ValidatorKind::bytes: out += "v.bytes()"; return;
    case ValidatorKind::any: out += "v.any()"; return;
    case ValidatorKind::id:
      out += "v.id(";
      append_json_string(out, validator.table);
      out += ")";
      return;
    case ValidatorKind::literal:
      out += "v.literal(";
      append_value(out, validator.literal);
      out += ")";
      return;
    case ValidatorKind::array: out += "v.array("; break;
    case ValidatorKind::record: out += "v.record("; break;
    case ValidatorKind::union_of: out += "v.union("; break;
    case ValidatorKind::optional: out += "v.optional("; break;
    case ValidatorKind::object: {
      if (validator.fields.empty()) {
        out += "v.object({})";
        return;
      }
      out += "v.object({ ";
      bool first = true;
      for (const auto& field : validator.fields) {
        if (full(out)) return;
        if (!first) out += ", ";
        first = false;
        append_property_name(out, field.name);
        out += ": ";
        append_validator(out, field.validator);
      }
      out += " })";
      return;
    }
  }
  append_children(out, validator);
  out += ")";
}

}  // namespace

std::string format_validator(const Validator& validator) {
  std::string out;
  append_validator(out, validator);
  return shortened(std::move(out));
}

std::string format_value(const Value& value) {
  std::string out;
  append_value(out, value);
  return shortened(std::move(out));
}

}  // namespace lunora
