#include "lunora/sql/statement.hpp"

namespace lunora {

StatementBuilder& StatementBuilder::param(Value param, std::string_view before, std::string_view after) {
  statement_.params.push_back(std::move(param));
  statement_.text.append(before);
  dialect_.append_placeholder(statement_.text, statement_.params.size());
  statement_.text.append(after);
  return *this;
}

}  // namespace lunora
