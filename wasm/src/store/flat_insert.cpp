#include "lunora/store/flat_insert.hpp"

#include <cmath>
#include <cstring>

#include "lunora/schema/limits.hpp"
#include "lunora/value/base64.hpp"
#include "lunora/value/simple_json.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {
namespace {

bool flat_enabled = true;

// What read_flat_insert takes for a field: its validator inside its optional.
enum class Takes : std::uint8_t { nothing, string, id, literal, float64, int64, boolean, string_array, boolean_array };

bool is_string_literal(const Validator& v) { return v.kind == ValidatorKind::literal && v.literal.is_string(); }

const Validator& inner(const Validator& field) { return field.kind == ValidatorKind::optional ? field.children.at(0) : field; }

Takes takes(const Validator& field, ColumnKind column) {
  const Validator& v = inner(field);
  switch (v.kind) {
    case ValidatorKind::string: return column == ColumnKind::text ? Takes::string : Takes::nothing;
    case ValidatorKind::id: return column == ColumnKind::text ? Takes::id : Takes::nothing;
    case ValidatorKind::literal: return column == ColumnKind::text && is_string_literal(v) ? Takes::literal : Takes::nothing;
    case ValidatorKind::union_of: {  // of string literals only: an enum, in a text column
      if (column != ColumnKind::text || v.children.empty()) return Takes::nothing;
      for (const auto& member : v.children) {
        if (!is_string_literal(member)) return Takes::nothing;
      }
      return Takes::literal;
    }
    case ValidatorKind::float64: return column == ColumnKind::float64 ? Takes::float64 : Takes::nothing;
    case ValidatorKind::int64: return column == ColumnKind::int64 ? Takes::int64 : Takes::nothing;
    case ValidatorKind::boolean: return column == ColumnKind::boolean ? Takes::boolean : Takes::nothing;
    case ValidatorKind::array: {
      if (column != ColumnKind::json) return Takes::nothing;
      const ValidatorKind items = v.children.at(0).kind;
      return items == ValidatorKind::string ? Takes::string_array
             : items == ValidatorKind::boolean ? Takes::boolean_array
                                                : Takes::nothing;
    }
    default: return Takes::nothing;
  }
}

// Whether `text` is the string of literal `v`, or of one of the members of union `v`.
bool literal_matches(const Validator& v, std::string_view text) {
  if (v.kind == ValidatorKind::literal) return v.literal.get_ref<const std::string&>() == text;
  for (const auto& member : v.children) {
    if (member.literal.get_ref<const std::string&>() == text) return true;
  }
  return false;
}

// Reads the text at `at` of `wire` and advances past it.
class Cursor {
 public:
  explicit Cursor(std::string_view wire) : wire_(wire) {}

  std::size_t at() const noexcept { return at_; }
  bool done() const noexcept { return at_ == wire_.size(); }
  bool take(char c) noexcept {
    if (at_ == wire_.size() || wire_[at_] != c) return false;
    ++at_;
    return true;
  }
  bool take(std::string_view text) noexcept {
    if (wire_.substr(at_, text.size()) != text) return false;
    at_ += text.size();
    return true;
  }
  // A string of plain ASCII (no escape) after its opening quote: its characters.
  bool plain_string(std::string_view& out) noexcept {
    if (!take('"')) return false;
    const std::size_t end = plain_json_run(wire_.data(), at_, wire_.size());
    if (end == wire_.size() || wire_[end] != '"') return false;
    out = wire_.substr(at_, end - at_);
    at_ = end + 1;
    return true;
  }
  // A string without escapes: plain ASCII and valid UTF-8 beyond it (what JSON.stringify
  // writes for text without quotes, backslashes, controls or lone surrogates).
  bool text_string(std::string_view& out) noexcept {
    if (!take('"')) return false;
    const std::size_t start = at_;
    bool wide = false;
    for (;;) {
      at_ = plain_json_run(wire_.data(), at_, wire_.size());
      if (at_ == wire_.size()) return false;
      if (static_cast<unsigned char>(wire_[at_]) < 0x80) break;
      wide = true;
      ++at_;
    }
    if (wire_[at_] != '"') return false;  // an escape or a control character: the tree's way
    out = wire_.substr(start, at_ - start);
    ++at_;
    return !wide || is_valid_utf8(out);
  }
  // A JSON number token (its grammar is checked by parse_simple_wire).
  std::string_view number_token() noexcept {
    const std::size_t start = at_;
    while (at_ < wire_.size()) {
      const char c = wire_[at_];
      if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) break;
      ++at_;
    }
    return wire_.substr(start, at_ - start);
  }

 private:
  std::string_view wire_;
  std::size_t at_ = 0;
};

// The members of an array of strings without escapes or of booleans, `[` read; the array's size bound
// (as quick_value_ok counts it) added to `bound`.
bool flat_array(Cursor& in, Takes items, std::size_t& bound) {
  std::size_t count = 0;
  if (!in.take('[')) return false;
  if (!in.take(']')) {
    for (;;) {
      if (++count > limits::kMaxArrayItems) return false;
      if (items == Takes::string_array) {
        std::string_view text;
        if (!in.text_string(text)) return false;
        bound += 6 * text.size() + 2;
      } else {
        if (!in.take("true") && !in.take("false")) return false;
        bound += 5;
      }
      if (in.take(']')) break;
      if (!in.take(',')) return false;
    }
  }
  bound += 2 + count;
  return true;
}

}  // namespace

namespace detail {
void set_flat_inserts(bool enabled) noexcept { flat_enabled = enabled; }
}  // namespace detail

bool read_flat_insert(std::string_view wire, const TableSchema& table, const TableLayout& layout,
                      const ValidationOptions& options, std::vector<FlatValue>& out) {
  const auto& fields = table.document.fields;
  if (!flat_enabled || options.detailed_only || table.document.kind != ValidatorKind::object ||
      fields.size() != layout.columns.size() || wire.size() > limits::kMaxDocumentBytes) {
    return false;
  }
  out.assign(fields.size(), FlatValue{});
  Cursor in(wire);
  if (!in.take('{')) return false;
  std::size_t members = 0;
  std::size_t bound = 2;  // quick_value_ok's bound of the document: its braces, then per member
  // A table's documents usually list their fields in one order (the app's object literal):
  // the field of each position in the last document read is tried first.
  thread_local std::vector<std::size_t> last_order;
  if (!in.take('}')) {
    for (;;) {
      std::string_view name;
      if (!in.plain_string(name) || !in.take(':')) return false;
      std::size_t i = members < last_order.size() ? last_order[members] : fields.size();
      if (i >= fields.size() || fields[i].name != name) {
        i = 0;
        while (i < fields.size() && fields[i].name != name) ++i;
        if (members < last_order.size()) last_order[members] = i;
        else last_order.push_back(i);
      }
      if (i == fields.size() || out[i].kind != FlatKind::missing) return false;  // undeclared, or named twice
      ++members;
      bound += 2 + 6 * name.size() + 2;
      FlatValue& value = out[i];
      const std::size_t start = in.at();
      const Takes kind = takes(fields[i].validator, layout.columns[i].kind);
      switch (kind) {
        case Takes::nothing: return false;
        case Takes::string:
        case Takes::id:
        case Takes::literal: {
          std::string_view text;
          if (!in.text_string(text)) return false;
          const Validator& v = inner(fields[i].validator);
          if (kind == Takes::id && (options.is_id_of_table ? !options.is_id_of_table(v.table, text) : text.empty())) {
            return false;  // as QuickSchemaCheck's id_ok
          }
          if (kind == Takes::literal && !literal_matches(v, text)) return false;
          value.kind = FlatKind::string;
          value.at = static_cast<std::uint32_t>(start + 1);
          value.size = static_cast<std::uint32_t>(text.size());
          bound += 6 * text.size() + 2;
          break;
        }
        case Takes::float64: {
          const auto number = parse_simple_wire(in.number_token(), 1);
          if (!number || !number->is_number_float()) return false;
          const double d = number->get<double>();
          if (!std::isfinite(d) || (d == 0 && std::signbit(d) && !options.allow_negative_zero)) return false;
          value.kind = FlatKind::float64;
          value.number = d;
          bound += 27;
          break;
        }
        case Takes::int64: {
          std::string_view payload;
          std::uint8_t raw[8];
          if (!in.take("{\"$integer\":") || !in.plain_string(payload) || !in.take('}') ||
              !base64_decode_exact(payload, raw, sizeof raw)) {
            return false;
          }
          std::uint64_t bits = 0;
          for (std::size_t b = 0; b < 8; ++b) bits |= std::uint64_t{raw[b]} << (8 * b);
          value.kind = FlatKind::int64;
          value.integer = static_cast<std::int64_t>(bits);
          bound += 27;
          break;
        }
        case Takes::boolean:
          if (in.take("true")) value.boolean = true;
          else if (!in.take("false")) return false;
          value.kind = FlatKind::boolean;
          bound += 5;
          break;
        case Takes::string_array:
        case Takes::boolean_array:
          if (!flat_array(in, kind, bound)) return false;
          value.kind = FlatKind::json;
          value.at = static_cast<std::uint32_t>(start);
          value.size = static_cast<std::uint32_t>(in.at() - start);
          break;
      }
      if (in.take('}')) break;
      if (!in.take(',')) return false;
    }
  }
  if (!in.done() || members > limits::kMaxObjectFields || bound > limits::kMaxDocumentBytes) return false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (out[i].kind == FlatKind::missing && fields[i].validator.kind != ValidatorKind::optional) return false;
  }
  return true;
}

}  // namespace lunora
