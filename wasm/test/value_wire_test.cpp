#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "lunora/value/base64.hpp"
#include "lunora/value/wire.hpp"
#include "random_values.hpp"

using lunora::base64_decode;
using lunora::base64_encode;
using lunora::ErrorCode;
using lunora::parse_wire;
using lunora::to_wire;
using lunora::Value;

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

double from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

std::uint64_t bits_of(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

std::string refusal(std::string_view json) {
  auto parsed = parse_wire(json);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == ErrorCode::invalid_value);
  return parsed.status().message();
}

std::string js(double d) {
  std::string out;
  lunora::append_js_number(out, d);
  return out;
}

}  // namespace

TEST_CASE("base64 follows RFC 4648 test vectors both ways") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(base64_encode(bytes_of(plain)) == encoded);
    auto decoded = base64_decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(*decoded == bytes_of(plain));
  }
  const std::vector<std::uint8_t> edge = {0x00, 0xff, 0x01, 0xfe};
  CHECK(base64_encode(edge) == "AP8B/g==");
  CHECK(*base64_decode("AP8B/g==") == edge);
}

TEST_CASE("base64 decoding refuses anything but the one canonical text") {
  const std::pair<const char*, const char*> cases[] = {
      {"Zg=", "malformed base64: length 3 is not a multiple of 4"},
      {"Zg", "malformed base64: length 2 is not a multiple of 4"},
      {"Zh==", "malformed base64: non-zero padding bits"},
      {"Zm9=", "malformed base64: non-zero padding bits"},
      {"Z*==", "malformed base64: unexpected character at offset 1"},
      {"Zm 9", "malformed base64: unexpected character at offset 2"},
      {"Z===", "malformed base64: unexpected character at offset 1"},
      {"=Zg=", "malformed base64: unexpected character at offset 0"},
      {"Zm-_", "malformed base64: unexpected character at offset 2"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    auto decoded = base64_decode(text);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == ErrorCode::invalid_value);
    CHECK(decoded.status().message() == message);
  }
}

TEST_CASE("every JSON number is a float64, -0 included") {
  auto v = parse_wire(R"([5, -5, 1.5, 18446744073709551615, -0, -0.0, 0, 1e2])");
  REQUIRE(v.ok());
  for (const auto& item : *v) CHECK(item.is_number_float());
  CHECK((*v)[0].get<double>() == 5.0);
  CHECK((*v)[1].get<double>() == -5.0);
  CHECK((*v)[3].get<double>() == 18446744073709551615.0);
  CHECK(std::signbit((*v)[4].get<double>()));
  CHECK(std::signbit((*v)[5].get<double>()));
  CHECK_FALSE(std::signbit((*v)[6].get<double>()));
  // A bare -0 inside a string or as a prefix of another number is left alone.
  auto s = parse_wire(R"({"k":"-0","n":-0.5,"m":-0e0,"z":-0})");
  REQUIRE(s.ok());
  CHECK((*s)["k"] == "-0");
  CHECK((*s)["n"].get<double>() == -0.5);
  CHECK(std::signbit((*s)["m"].get<double>()));
  CHECK(std::signbit((*s)["z"].get<double>()));
}

TEST_CASE("tagged values decode to int64, float64 and bytes") {
  auto v = parse_wire(R"({"i":{"$integer":"AQAAAAAAAAA="},"min":{"$integer":"AAAAAAAAAIA="},)"
                      R"("max":{"$integer":"/////////38="},"nz":{"$float":"AAAAAAAAAIA="},)"
                      R"("nan":{"$float":"AAAAAAAA+H8="},"inf":{"$float":"AAAAAAAA8H8="},)"
                      R"("ninf":{"$float":"AAAAAAAA8P8="},"b":{"$bytes":"AP8B/g=="},"e":{"$bytes":""}})");
  REQUIRE(v.ok());
  CHECK((*v)["i"].is_number_integer());
  CHECK((*v)["i"].get<std::int64_t>() == 1);
  CHECK((*v)["min"].get<std::int64_t>() == std::numeric_limits<std::int64_t>::min());
  CHECK((*v)["max"].get<std::int64_t>() == std::numeric_limits<std::int64_t>::max());
  CHECK(bits_of((*v)["nz"].get<double>()) == 0x8000000000000000ULL);
  CHECK(bits_of((*v)["nan"].get<double>()) == 0x7ff8000000000000ULL);
  CHECK((*v)["inf"].get<double>() == std::numeric_limits<double>::infinity());
  CHECK((*v)["ninf"].get<double>() == -std::numeric_limits<double>::infinity());
  REQUIRE((*v)["b"].is_binary());
  CHECK((*v)["b"].get_binary() == lunora::Bytes({0x00, 0xff, 0x01, 0xfe}));
  CHECK((*v)["e"].get_binary().empty());
}

TEST_CASE("to_wire writes plain JSON where it can and tags the rest") {
  Value v = Value::object();
  v["f"] = 1.5;
  v["i"] = std::int64_t{-1};
  v["nz"] = -0.0;
  v["nan"] = std::numeric_limits<double>::quiet_NaN();
  v["b"] = Value::binary({0x00, 0xff, 0x01, 0xfe});
  v["s"] = "caf\xc3\xa9 \"q\" \\ \n\t\x01\x7f";
  v["a"] = Value::array({nullptr, true, false, 5.0});
  CHECK(to_wire(v) ==
        R"({"a":[null,true,false,5],"b":{"$bytes":"AP8B/g=="},"f":1.5,"i":{"$integer":"//////////8="},)"
        R"("nan":{"$float":"AAAAAAAA+H8="},"nz":{"$float":"AAAAAAAAAIA="},)"
        "\"s\":\"caf\xc3\xa9 \\\"q\\\" \\\\ \\n\\t\\u0001\x7f\"}");
  CHECK(lunora::to_wire_json(v) == Value::parse(to_wire(v)));
}

TEST_CASE("floats are written as JavaScript writes them") {
  CHECK(js(5) == "5");
  CHECK(js(-5) == "-5");
  CHECK(js(0.1) == "0.1");
  CHECK(js(1.5) == "1.5");
  CHECK(js(-0.0) == "0");
  CHECK(js(100) == "100");
  CHECK(js(1e21) == "1e+21");
  CHECK(js(1e20) == "100000000000000000000");
  CHECK(js(123456789012345680000.0) == "123456789012345680000");
  CHECK(js(1e-7) == "1e-7");
  CHECK(js(0.000001) == "0.000001");
  CHECK(js(0.00000123) == "0.00000123");
  CHECK(js(1.2345e-7) == "1.2345e-7");
  CHECK(js(5e-324) == "5e-324");
  CHECK(js(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(js(9007199254740993.0) == "9007199254740992");
  CHECK(js(0.30000000000000004) == "0.30000000000000004");
  CHECK(js(123.456) == "123.456");
}

TEST_CASE("unicode strings and escapes survive the wire") {
  auto v = parse_wire(R"(["\ud83d\ude00", "\u00e9", "a\u0000b", "\u2028"])");
  REQUIRE(v.ok());
  CHECK((*v)[0] == "\xf0\x9f\x98\x80");
  CHECK((*v)[1] == "\xc3\xa9");
  CHECK((*v)[2].get<std::string>() == std::string("a\0b", 3));
  CHECK(to_wire(*v) == "[\"\xf0\x9f\x98\x80\",\"\xc3\xa9\",\"a\\u0000b\",\"\xe2\x80\xa8\"]");
}

TEST_CASE("malformed Lunora JSON is refused with a precise message") {
  CHECK(refusal("") == "invalid Lunora JSON: parse error at line 1, column 1: syntax error while parsing "
                       "value - unexpected end of input; expected '[', '{', or a literal");
  CHECK(refusal("[1,]") == "invalid Lunora JSON: parse error at line 1, column 4: syntax error while "
                           "parsing value - unexpected ']'; expected '[', '{', or a literal");
  CHECK(refusal("{} x") == "invalid Lunora JSON: parse error at line 1, column 4: syntax error while "
                           "parsing value - invalid literal; last read: '{} x'; expected end of input");
  CHECK(refusal("1e400") == "invalid Lunora JSON: number overflow parsing '1e400'");
  CHECK(refusal(R"({"$foo":1})") == "invalid Lunora JSON: object key \"$foo\" is not allowed: keys "
                                   "starting with \"$\" are reserved for $integer, $float and $bytes");
  CHECK(refusal(R"({"a":[{"$integer":"AQAAAAAAAAA=","x":1}]})") ==
        "invalid Lunora JSON at .a[0]: \"$integer\" must be the only key of its object");
  CHECK(refusal(R"({"$float":1.5})") == "invalid Lunora JSON: \"$float\" needs a base64 string, got float64");
  CHECK(refusal(R"({"$integer":"AQAAAA=="})") == "invalid Lunora JSON: \"$integer\" must hold exactly 8 bytes, got 4");
  CHECK(refusal(R"({"$float":"AQAAAAAAAAAA"})") == "invalid Lunora JSON: \"$float\" must hold exactly 8 bytes, got 9");
  CHECK(refusal(R"({"x y":{"$bytes":"a"}})") ==
        "invalid Lunora JSON at [\"x y\"]: \"$bytes\": malformed base64: length 1 is not a multiple of 4");
}

TEST_CASE("invalid UTF-8 and lone surrogates are refused") {
  CHECK(refusal("\"\xff\"") == "invalid Lunora JSON: parse error at line 1, column 2: syntax error while "
                               "parsing value - invalid string: ill-formed UTF-8 byte; last read: '\"\xff'");
  CHECK(refusal(R"("\ud800")") ==
        "invalid Lunora JSON: parse error at line 1, column 8: syntax error while parsing value - invalid "
        "string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF; last read: '\"\\ud800\"'");
  CHECK_FALSE(parse_wire("\"\xc0\xaf\"").ok());        // overlong '/'
  CHECK_FALSE(parse_wire("\"\xed\xa0\x80\"").ok());    // encoded surrogate
  CHECK_FALSE(parse_wire("{\"\xf5\x80\x80\x80\":1}").ok());  // above U+10FFFF
}

TEST_CASE("nesting beyond the parser bound is refused before parsing") {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  CHECK(parse_wire(ok).ok());
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  CHECK(refusal(deep) == "invalid Lunora JSON: nested deeper than 64 levels");
  // Brackets inside strings do not count.
  CHECK(parse_wire("[\"" + std::string(100, '[') + "\"]").ok());
  const std::string hostile(1000000, '[');
  CHECK(refusal(hostile) == "invalid Lunora JSON: nested deeper than 64 levels");
}

TEST_CASE("from_wire_json converts an already parsed tree") {
  Value tree = Value::parse(R"({"n":5,"u":18446744073709551615,"i":{"$integer":"AQAAAAAAAAA="}})");
  auto v = lunora::from_wire_json(tree);
  REQUIRE(v.ok());
  CHECK((*v)["n"].is_number_float());
  CHECK((*v)["u"].is_number_float());
  CHECK((*v)["i"].get<std::int64_t>() == 1);

  Value bad = Value::object();
  bad["k"] = std::string("\xff");
  auto refused = lunora::from_wire_json(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "invalid Lunora JSON at .k: string is not valid UTF-8");

  Value deep = Value::array();
  for (int i = 0; i < 70; ++i) deep = Value::array({deep});
  CHECK(lunora::from_wire_json(deep).status().message() == "invalid Lunora JSON: nested deeper than 64 levels");
}

TEST_CASE("every value round-trips exactly through the wire") {
  using lunora::test::identical;
  const Value edges = Value::array(
      {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), -0.0, 0.0,
       std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
       from_bits(0xfff8000000000001ULL), from_bits(0x7ff0000000000001ULL),
       std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max(), 0.1,
       Value::binary({0x00, 0xff}), "\xf0\x9f\x98\x80\x00"});
  auto back = parse_wire(to_wire(edges));
  REQUIRE(back.ok());
  CHECK(identical(*back, edges));

  lunora::test::RandomValues random(0x5eed);
  for (int i = 0; i < 2000; ++i) {
    const Value v = random.any();
    const std::string text = to_wire(v);
    auto parsed = parse_wire(text);
    INFO(text);
    REQUIRE(parsed.ok());
    CHECK(identical(*parsed, v));
    CHECK(to_wire(*parsed) == text);
    auto via_tree = lunora::from_wire_json(lunora::to_wire_json(v));
    REQUIRE(via_tree.ok());
    CHECK(identical(*via_tree, v));
  }
}

TEST_CASE("wire_size_bound is never below the written size") {
  lunora::test::RandomValues random(11);
  for (int i = 0; i < 3000; ++i) {
    const Value v = random.any(4);
    CHECK(lunora::wire_size_bound(v) >= lunora::to_wire(v).size());
  }
  for (double d : {-1.2345678901234567e-308, -5e-324, 1.7976931348623157e308, -0.0, std::nan(""), 123456789012345678.0}) {
    CHECK(lunora::wire_size_bound(Value(d)) >= lunora::to_wire(Value(d)).size());
  }
  CHECK(lunora::wire_size_bound(Value(std::string("\x01\x02"))) >= lunora::to_wire(Value(std::string("\x01\x02"))).size());
}

TEST_CASE("release frees a tree bottom-up and leaves an empty container") {
  lunora::Value doc = lunora::parse_wire(R"({"a":[1,[2,{"b":"long enough to be on the heap"}]],"c":{"d":{}},"e":"x"})").value();
  lunora::release(doc);
  CHECK(doc.is_object());
  CHECK(doc.empty());
  lunora::Value array = lunora::Value::array({lunora::Value::array({1, 2}), "s"});
  lunora::release(array);
  CHECK(array == lunora::Value::array());
  lunora::Value scalar = "kept";
  lunora::release(scalar);
  CHECK(scalar == "kept");
  // Deeper than kReleaseDepth: the rest is left to the destructor.
  lunora::Value deep = 1;
  for (int i = 0; i < 100; ++i) deep = lunora::Value::array({std::move(deep)});
  lunora::release(deep);
  CHECK(deep.empty());
}

namespace {

// append_js_number as it was before its integer path and its kept last number: the layout of
// Number::toString over Grisu2's digits.
std::string reference_js_number(double finite) {
  std::string out;
  if (finite == 0) return "0";
  if (finite < 0) {
    out.push_back('-');
    finite = -finite;
  }
  char digits[32];
  int k = 0;
  int exponent = 0;
  nlohmann::detail::dtoa_impl::grisu2(digits, k, exponent, finite);
  const std::string_view d(digits, static_cast<std::size_t>(k));
  const int n = k + exponent;
  if (k <= n && n <= 21) {
    out.append(d);
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(d.substr(0, static_cast<std::size_t>(n)));
    out.push_back('.');
    out.append(d.substr(static_cast<std::size_t>(n)));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out.append(d);
  } else {
    out.push_back(d[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(d.substr(1));
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    out += std::to_string(n - 1 < 0 ? 1 - n : n - 1);
  }
  return out;
}

std::string json_string(std::string_view text) {
  std::string out = "x";  // appends after what is there
  lunora::append_json_string(out, text);
  return out.substr(1);
}

}  // namespace

TEST_CASE("append_js_number writes what the Grisu2 layout writes, for random doubles") {
  std::mt19937_64 rng(7);
  std::vector<double> seen;
  for (int i = 0; i < 200000; ++i) {
    double x = 0;
    switch (rng() % 7) {
      case 0: x = from_bits(rng()); break;  // any double
      case 1: x = static_cast<double>(static_cast<std::int64_t>(rng() % 20000001) - 10000000) / std::pow(10.0, static_cast<int>(rng() % 8)); break;
      case 2: x = static_cast<double>(static_cast<std::int64_t>(rng() >> 10)) * ((rng() & 1) ? 1 : -1); break;  // around 2^53
      case 3: x = 1795658647300.0 + static_cast<double>(rng() % 100000) / 1000.0; break;  // creation times
      case 4: x = seen.empty() ? 0.5 : seen[rng() % seen.size()]; break;  // a number again
      case 5: x = static_cast<double>(static_cast<std::int64_t>(rng() >> (rng() % 64)) * ((rng() & 1) ? 1 : -1)) / 8; break;  // eighths
      default: x = std::ldexp(static_cast<double>(rng() % 1000000), static_cast<int>(rng() % 200) - 100); break;
    }
    if (!std::isfinite(x)) continue;
    if (seen.size() < 64) seen.push_back(x);
    std::string out = "[";
    lunora::append_js_number(out, x);
    INFO(bits_of(x));
    REQUIRE(out == "[" + reference_js_number(x));
  }
  CHECK(js(1795658647300.001) == "1795658647300.001");
  CHECK(js(1795658647300.001) == "1795658647300.001");  // the kept text
  CHECK(js(-1795658647300.001) == "-1795658647300.001");
  CHECK(js(9007199254740991.0) == "9007199254740991");
  CHECK(js(-9007199254740991.0) == "-9007199254740991");
  CHECK(js(9007199254740992.0) == "9007199254740992");
  CHECK(js(3.5) == "3.5");
  CHECK(js(-0.125) == "-0.125");
  CHECK(js(2.75) == "2.75");
  for (std::int64_t m = -100000; m <= 100000; ++m) {
    const double x = static_cast<double>(m) / 8;
    REQUIRE(js(x) == reference_js_number(x));
  }
}

TEST_CASE("append_json_string escapes as the JSON dump does, and appends") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("plain text") == "\"plain text\"");
  CHECK(json_string("[\"a\",\"b\"]") == "\"[\\\"a\\\",\\\"b\\\"]\"");
  CHECK(json_string("a\\b\n\r\t\b\f\x01\x1f\x7f") == "\"a\\\\b\\n\\r\\t\\b\\f\\u0001\\u001f\x7f\"");
  CHECK(json_string("\xc3\xa9t\xc3\xa9") == "\"\xc3\xa9t\xc3\xa9\"");
  CHECK(json_string("a\xff" "b") == "\"a\xef\xbf\xbd" "b\"");     // a byte that is not UTF-8
  CHECK(json_string("\xc3") == "\"\xef\xbf\xbd\"");               // a cut sequence
  CHECK(json_string(std::string_view("a\0b", 3)) == "\"a\\u0000b\"");
  const std::vector<std::string> pieces = {"a", "Z", " ", "\"", "\\", "\n", "\x01", "\x7f", "\xc3\xa9", "\xf0\x9f\x98\x80", "\t", "0123456789abcdef"};
  std::mt19937_64 rng(11);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::size_t n = rng() % 24; n > 0; --n) text += pieces[rng() % pieces.size()];
    INFO(text);
    REQUIRE(json_string(text) == Value(text).dump());
  }
}

TEST_CASE("base64_decode_exact accepts exactly what base64_decode decodes to that many bytes") {
  std::mt19937_64 rng(5);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ";
  for (int i = 0; i < 50000; ++i) {
    std::string text;
    if (rng() % 2 == 0) {
      std::vector<std::uint8_t> bytes(rng() % 10);
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
      text = base64_encode(bytes);
      if (!text.empty() && rng() % 3 == 0) text[rng() % text.size()] = alphabet[rng() % alphabet.size()];
    } else {
      for (std::size_t n = rng() % 17; n > 0; --n) text.push_back(alphabet[rng() % alphabet.size()]);
    }
    INFO(text);
    const auto full = base64_decode(text);
    for (std::size_t size : {std::size_t{7}, std::size_t{8}, std::size_t{9}}) {
      std::uint8_t out[9];
      const bool exact = lunora::base64_decode_exact(text, out, size);
      REQUIRE(exact == (full.ok() && full->size() == size));
      if (exact) CHECK(std::vector<std::uint8_t>(out, out + size) == *full);
    }
  }
}
