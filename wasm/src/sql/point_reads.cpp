#include "lunora/sql/point_reads.hpp"

#include <algorithm>

#include "lunora/sql/document_sql.hpp"

namespace lunora {

std::size_t point_read_slots(std::size_t count) {
  std::size_t slots = 1;
  while (slots < count) slots *= 2;
  return slots;
}

Statement select_by_ids(const TableLayout& layout, const Dialect& dialect, const std::vector<std::string>& ids) {
  StatementBuilder b(dialect);
  b.sql("SELECT ");
  append_select_columns(b, layout);
  b.sql(" FROM ").identifier(layout.sql_table);
  append_read_where(b);
  b.identifier(kIdColumn).sql(" IN (");
  const std::size_t slots = point_read_slots(ids.size());
  for (std::size_t i = 0; i < slots; ++i) b.param(ids[std::min(i, ids.size() - 1)], i == 0 ? "" : ", ");
  b.sql(")");
  return std::move(b).build();
}

}  // namespace lunora
