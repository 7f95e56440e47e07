#include "lunora/sql/blind_delete.hpp"

#include "lunora/sql/document_sql.hpp"

namespace lunora {
namespace {

// The statement into `b` (either mode of StatementBuilder).
void write_blind_delete(StatementBuilder& b, const TableLayout& layout, std::string_view id) {
  b.sql("DELETE FROM ").identifier(layout.sql_table).sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(id);
  if (b.params_only()) return;
  b.sql(" RETURNING ");
  append_select_columns(b, layout);
}

}  // namespace

Statement blind_delete_statement(const TableLayout& layout, std::string_view id, const Dialect& dialect) {
  StatementBuilder b(dialect);
  write_blind_delete(b, layout, id);
  return std::move(b).build();
}

void blind_delete_params(const TableLayout& layout, std::string_view id, const Dialect& dialect, std::string& params_json,
                         std::string& shape) {
  // 'D': apart from blind patches' shapes ('N', 'O'), which share the store's shaped texts.
  shape.push_back('D');
  shape += layout.sql_table;
  shape.push_back('\0');
  StatementBuilder b(dialect, &params_json, &shape);
  write_blind_delete(b, layout, id);
}

}  // namespace lunora
