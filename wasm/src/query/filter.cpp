#include "lunora/query/filter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "lunora/value/compare.hpp"
#include "lunora/value/wire.hpp"

namespace lunora {

// The value of an evaluated expression: a field or literal by reference (nullptr = missing),
// or a computed boolean / int64 / float64 held inline (a scalar json never allocates).
struct Filter::Operand {
  const Value* ref = nullptr;
  Value scalar;
  bool computed = false;

  static Operand of(const Value* v) {
    Operand o;
    o.ref = v;
    return o;
  }
  template <typename T>
  static Operand computed_from(T v) {
    Operand o;
    o.scalar = v;
    o.computed = true;
    return o;
  }
  const Value* get() const noexcept { return computed ? &scalar : ref; }
  bool is_true() const noexcept {
    const Value* v = get();
    return v != nullptr && v->is_boolean() && v->get<bool>();
  }
};

namespace {

struct OpInfo {
  std::string_view name;
  std::uint32_t min_args;
  std::uint32_t max_args;  // 0 = no upper bound
};

constexpr std::uint32_t kUnbounded = 0;

Status parse_error(const std::string& path, const std::string& message) {
  return Status(ErrorCode::invalid_argument, "invalid filter at " + path + ": " + message);
}

Status eval_error(const std::string& message) {
  return Status(ErrorCode::invalid_argument, "filter error: " + message);
}

std::string show_text(std::string_view text) {
  std::string out;
  append_json_string(out, text.substr(0, 80));
  if (text.size() > 80) out.insert(out.size() - 1, "...");
  return out;
}

std::string arity_text(const OpInfo& info) {
  const auto plural = [](std::uint32_t n) { return n == 1 ? " argument" : " arguments"; };
  if (info.max_args == kUnbounded) return "at least " + std::to_string(info.min_args) + plural(info.min_args);
  if (info.min_args == info.max_args) return "exactly " + std::to_string(info.min_args) + plural(info.min_args);
  return std::to_string(info.min_args) + " to " + std::to_string(info.max_args) + plural(info.max_args);
}

// int64 arithmetic as Rust's i64 wrapping_* (two's complement, computed unsigned: no UB).
std::int64_t wrap(std::uint64_t bits) noexcept { return static_cast<std::int64_t>(bits); }
std::uint64_t bits(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v); }

}  // namespace

class Filter::Parser {
 public:
  explicit Parser(Filter& out) : out_(out) {}

  // Returns the node index of the parsed expression.
  Result<std::uint32_t> expression(const Value& json, const std::string& path, std::size_t depth) {
    if (depth > kMaxFilterDepth) {
      return parse_error(path, "expressions nest more than " + std::to_string(kMaxFilterDepth) + " levels deep");
    }
    if (out_.nodes_.size() >= kMaxFilterNodes) {
      return parse_error(path, "a filter may have at most " + std::to_string(kMaxFilterNodes) + " expressions");
    }
    if (!json.is_object()) return parse_error(path, "an expression must be an object");
    if (json.contains("op")) return operation(json, path, depth);
    if (auto it = json.find("field"); it != json.end()) {
      if (auto s = only_keys(json, path, "field", nullptr); !s.ok()) return s;
      return field(*it, path);
    }
    if (auto it = json.find("literal"); it != json.end()) {
      if (auto s = only_keys(json, path, "literal", nullptr); !s.ok()) return s;
      auto value = from_wire_json(*it);
      if (!value) return parse_error(path + ".literal", value.status().message());
      out_.literals_.push_back(std::move(value).value());
      return add({Op::literal, static_cast<std::uint32_t>(out_.literals_.size() - 1), 0});
    }
    if (auto it = json.find("undefined"); it != json.end()) {
      if (auto s = only_keys(json, path, "undefined", nullptr); !s.ok()) return s;
      if (!it->is_boolean() || !it->get<bool>()) return parse_error(path, "\"undefined\" must be true");
      return add({Op::missing, 0, 0});
    }
    return parse_error(path, "an expression needs one of the keys \"field\", \"literal\", \"undefined\" or \"op\"");
  }

 private:
  Result<std::uint32_t> operation(const Value& json, const std::string& path, std::size_t depth) {
    if (auto s = only_keys(json, path, "op", "args"); !s.ok()) return s;
    const Value& op_json = json["op"];
    if (!op_json.is_string()) return parse_error(path, "\"op\" must be a string");
    const std::string& name = op_json.get_ref<const std::string&>();
    const auto* entry = std::find_if(kOps.begin(), kOps.end(), [&](const auto& e) { return e.second.name == name; });
    if (entry == kOps.end()) return parse_error(path, "unknown operator " + show_text(name));
    const Op op = entry->first;
    const OpInfo& info = entry->second;
    auto args_it = json.find("args");
    if (args_it == json.end() || !args_it->is_array()) {
      return parse_error(path, std::string(info.name) + " needs \"args\", an array");
    }
    const std::size_t count = args_it->size();
    if (count < info.min_args || (info.max_args != kUnbounded && count > info.max_args)) {
      return parse_error(path, std::string(info.name) + " takes " + arity_text(info) + ", got " + std::to_string(count));
    }
    // Reserve this node first so that the root is nodes_[0]; the children follow it.
    const std::uint32_t self = add({op, 0, static_cast<std::uint32_t>(count)});
    std::vector<std::uint32_t> children;
    children.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      auto child = expression((*args_it)[i], path + ".args[" + std::to_string(i) + "]", depth + 1);
      if (!child) return child.status();
      children.push_back(*child);
    }
    out_.nodes_[self].first = static_cast<std::uint32_t>(out_.args_.size());
    out_.args_.insert(out_.args_.end(), children.begin(), children.end());
    return self;
  }

  Result<std::uint32_t> field(const Value& json, const std::string& path) {
    if (!json.is_string()) return parse_error(path, "\"field\" must be a string");
    const std::string& text = json.get_ref<const std::string&>();
    if (!is_valid_utf8(text)) return parse_error(path, "the field path is not valid UTF-8");
    Path parsed{text, {}};
    std::size_t start = 0;
    while (true) {
      const std::size_t dot = text.find('.', start);
      const std::string_view step = std::string_view(text).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (step.empty()) {
        return parse_error(path, "field path " + show_text(text) + " is not a dot-separated list of non-empty field names");
      }
      parsed.steps.emplace_back(step);
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    out_.paths_.push_back(std::move(parsed));
    return add({Op::field, static_cast<std::uint32_t>(out_.paths_.size() - 1), 0});
  }

  // Every key of `json` must be `a` or `b`; the first other key (in key order) is reported.
  static Status only_keys(const Value& json, const std::string& path, const char* a, const char* b) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      if (it.key() == a || (b != nullptr && it.key() == b)) continue;
      return parse_error(path, "unexpected key " + show_text(it.key()) + " in " +
                                   (b == nullptr ? std::string("a \"") + a + "\" expression" : std::string("an operator expression")));
    }
    return Status::Ok();
  }

  std::uint32_t add(Node node) {
    out_.nodes_.push_back(node);
    return static_cast<std::uint32_t>(out_.nodes_.size() - 1);
  }

  static constexpr std::array<std::pair<Op, OpInfo>, 15> kOps = {{
      {Op::eq, {"eq", 2, 2}},   {Op::neq, {"neq", 2, 2}}, {Op::lt, {"lt", 2, 2}},
      {Op::lte, {"lte", 2, 2}}, {Op::gt, {"gt", 2, 2}},   {Op::gte, {"gte", 2, 2}},
      {Op::and_, {"and", 1, kUnbounded}}, {Op::or_, {"or", 1, kUnbounded}}, {Op::not_, {"not", 1, 1}},
      {Op::add, {"add", 2, 2}}, {Op::sub, {"sub", 2, 2}}, {Op::mul, {"mul", 2, 2}},
      {Op::div, {"div", 2, 2}}, {Op::mod, {"mod", 2, 2}}, {Op::neg, {"neg", 1, 1}},
  }};

  Filter& out_;
};

Result<Filter> Filter::parse(const Value& json) {
  Filter filter;
  Parser parser(filter);
  auto root = parser.expression(json, "filter", 1);
  if (!root) return root.status();
  for (const Path& p : filter.paths_) filter.top_fields_.push_back(p.steps.front());
  std::sort(filter.top_fields_.begin(), filter.top_fields_.end());
  filter.top_fields_.erase(std::unique(filter.top_fields_.begin(), filter.top_fields_.end()), filter.top_fields_.end());
  return filter;
}

bool Filter::uses_field(std::string_view top_level_field) const {
  return std::binary_search(top_fields_.begin(), top_fields_.end(), top_level_field,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

Result<bool> Filter::matches(const Value& document) const {
  if (!document.is_object()) return eval_error("the document must be an object");
  if (nodes_.empty()) return true;
  auto result = eval(0, document);
  if (!result) return result.status();
  return result->is_true();
}

Result<Filter::Operand> Filter::eval(std::uint32_t index, const Value& document) const {
  const Node& node = nodes_[index];
  const std::uint32_t* args = args_.data() + node.first;
  switch (node.op) {
    case Op::field: {
      const Value* at = &document;
      for (const std::string& step : paths_[node.first].steps) {
        if (!at->is_object()) return Operand::of(nullptr);
        auto it = at->find(step);
        if (it == at->end()) return Operand::of(nullptr);
        at = &*it;
      }
      return Operand::of(at);
    }
    case Op::literal:
      return Operand::of(&literals_[node.first]);
    case Op::missing:
      return Operand::of(nullptr);
    case Op::eq: case Op::neq: case Op::lt: case Op::lte: case Op::gt: case Op::gte: {
      auto left = eval(args[0], document);
      if (!left) return left.status();
      auto right = eval(args[1], document);
      if (!right) return right.status();
      const int c = compare_values(left->get(), right->get());
      bool r = false;
      switch (node.op) {
        case Op::eq: r = c == 0; break;
        case Op::neq: r = c != 0; break;
        case Op::lt: r = c < 0; break;
        case Op::lte: r = c <= 0; break;
        case Op::gt: r = c > 0; break;
        default: r = c >= 0; break;
      }
      return Operand::computed_from(r);
    }
    case Op::and_: case Op::or_: {
      // and stops at the first operand that is not true, or at the first true one.
      const bool stop_on = node.op == Op::or_;
      for (std::uint32_t i = 0; i < node.count; ++i) {
        auto operand = eval(args[i], document);
        if (!operand) return operand.status();
        if (operand->is_true() == stop_on) return Operand::computed_from(stop_on);
      }
      return Operand::computed_from(!stop_on);
    }
    case Op::not_: {
      auto operand = eval(args[0], document);
      if (!operand) return operand.status();
      return Operand::computed_from(!operand->is_true());
    }
    case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod: case Op::neg:
      return arithmetic(node, document);
  }
  return eval_error("unknown expression");
}

Result<Filter::Operand> Filter::arithmetic(const Node& node, const Value& document) const {
  const std::uint32_t* args = args_.data() + node.first;
  auto left = eval(args[0], document);
  if (!left) return left.status();
  const Value* a = left->get();
  const bool a_int = a != nullptr && value_type(*a) == ValueType::int64;
  const bool a_float = a != nullptr && value_type(*a) == ValueType::float64;

  if (node.op == Op::neg) {
    if (a_int) return Operand::computed_from(wrap(std::uint64_t{0} - bits(a->get<std::int64_t>())));
    if (a_float) return Operand::computed_from(-a->get<double>());
    return eval_error("neg needs an int64 or a float64 operand, got " + describe(args[0], a));
  }

  auto right = eval(args[1], document);
  if (!right) return right.status();
  const Value* b = right->get();
  const bool b_int = b != nullptr && value_type(*b) == ValueType::int64;
  const bool b_float = b != nullptr && value_type(*b) == ValueType::float64;

  std::string_view name;
  switch (node.op) {
    case Op::add: name = "add"; break;
    case Op::sub: name = "sub"; break;
    case Op::mul: name = "mul"; break;
    case Op::div: name = "div"; break;
    default: name = "mod"; break;
  }

  if (a_int && b_int) {
    const std::int64_t x = a->get<std::int64_t>();
    const std::int64_t y = b->get<std::int64_t>();
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    switch (node.op) {
      case Op::add: return Operand::computed_from(wrap(bits(x) + bits(y)));
      case Op::sub: return Operand::computed_from(wrap(bits(x) - bits(y)));
      case Op::mul: return Operand::computed_from(wrap(bits(x) * bits(y)));
      case Op::div:
        if (y == 0) return eval_error("div: int64 division by zero");
        if (x == kMin && y == -1) return Operand::computed_from(kMin);
        return Operand::computed_from(x / y);
      default:
        if (y == 0) return eval_error("mod: int64 modulo by zero");
        if (y == -1) return Operand::computed_from(std::int64_t{0});
        return Operand::computed_from(x % y);
    }
  }
  if (a_float && b_float) {
    const double x = a->get<double>();
    const double y = b->get<double>();
    switch (node.op) {
      case Op::add: return Operand::computed_from(x + y);
      case Op::sub: return Operand::computed_from(x - y);
      case Op::mul: return Operand::computed_from(x * y);
      case Op::div: return Operand::computed_from(x / y);
      default: return Operand::computed_from(std::fmod(x, y));
    }
  }
  return eval_error(std::string(name) + " needs two int64 or two float64 operands, got " + describe(args[0], a) +
                    " and " + describe(args[1], b));
}

std::string Filter::describe(std::uint32_t node, const Value* value) const {
  std::string out(value == nullptr ? "undefined" : value_type_name(value_type(*value)));
  if (nodes_[node].op == Op::field) out += " (field " + show_text(paths_[nodes_[node].first].text) + ")";
  return out;
}

}  // namespace lunora
