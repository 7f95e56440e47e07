#include "lunora/identifier.hpp"

#include <string>

namespace lunora {
namespace {

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Shows a refused name safely inside an error message: printable ASCII as is, anything else
// as \xNN, and at most 80 bytes so a huge hostile name cannot flood a log.
std::string printable(std::string_view name) {
  constexpr std::size_t kMaxShown = 80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < name.size() && i < kMaxShown; ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  if (name.size() > kMaxShown) out += "...";
  return out;
}

}  // namespace

Result<std::string_view> validate_identifier(std::string_view name, std::size_t max_bytes) {
  if (name.empty()) {
    return Status(ErrorCode::invalid_identifier, "identifier must not be empty");
  }
  if (name.size() > max_bytes) {
    return Status(ErrorCode::invalid_identifier,
                  "identifier \"" + printable(name) + "\" is " + std::to_string(name.size()) +
                      " bytes; the limit is " + std::to_string(max_bytes));
  }
  if (!is_ascii_letter(name[0]) && name[0] != '_') {
    return Status(ErrorCode::invalid_identifier,
                  "identifier \"" + printable(name) + "\" must start with a letter or '_'");
  }
  for (char c : name) {
    if (!is_ascii_letter(c) && !is_ascii_digit(c) && c != '_') {
      return Status(ErrorCode::invalid_identifier,
                    "identifier \"" + printable(name) +
                        "\" may contain only letters, digits and '_'");
    }
  }
  return name;
}

}  // namespace lunora
