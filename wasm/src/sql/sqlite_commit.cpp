#include "lunora/sql/sqlite_commit.hpp"

#include <functional>

#include "lunora/sql/column_values.hpp"
#include "lunora/sql/commit_output.hpp"

namespace lunora {
namespace {

// One column assignment of a write: its name and how to bind its value.
struct Assignment {
  std::string_view column;
  std::function<void(StatementBuilder&)> bind;
};

// The write's columns in the order they must land: required fields first, so the INSERT
// that creates the row satisfies every NOT NULL.
std::vector<Assignment> field_assignments(const RowWrite& w) {
  std::vector<Assignment> required, rest;
  const Value& document = document_of(w);
  for (const auto& c : w.layout->columns) {
    auto it = document.find(c.field);
    const Value* value = it == document.end() ? nullptr : &*it;
    Assignment a{c.field, [&c, value](StatementBuilder& b) { bind_column_value(b, c, value); }};
    (c.null_means == NullMeaning::never ? required : rest).push_back(std::move(a));
  }
  for (std::size_t i = 0; i < w.layout->indexes.size(); ++i) {
    const std::string& key = w.keys[i];
    rest.push_back({w.layout->indexes[i].key_column, [&key](StatementBuilder& b) { bind_bytes(b, key); }});
  }
  required.insert(required.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return required;
}

void bind_int(StatementBuilder& b, std::int64_t x) { bind_kind(b, ColumnKind::int64, Value(x)); }

// UPDATEs by `_id` for the assignments from `next` on, each within the parameter budget.
void spill(detail::PlanOut& plan, const RowWrite& w, const std::vector<Assignment>& columns, std::size_t next,
           int write) {
  const std::size_t budget = plan.dialect().capabilities().max_params_per_statement - 1;  // 1 for `_id`
  while (next < columns.size()) {
    StatementBuilder& b = plan.begin();
    b.sql("UPDATE ").identifier(w.layout->sql_table).sql(" SET ");
    for (std::size_t n = 0; next < columns.size() && n < budget; ++n, ++next) {
      if (n > 0) b.sql(", ");
      b.identifier(columns[next].column).sql(" = ");
      columns[next].bind(b);
    }
    b.sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(w.id);
    plan.end(-1, write);
  }
}

void guard(detail::PlanOut& plan, int write) {
  StatementBuilder& b = plan.begin();
  if (!b.params_only()) {
    b.sql("SELECT json_extract('{}', CASE WHEN changes() = 1 THEN '$' ELSE '" + std::string(kConflictMarker) +
          std::to_string(write) + "' END) AS lunora_guard");
  }
  plan.end(-1, write);
}

void insert(detail::PlanOut& plan, const RowWrite& w, int write) {
  const auto columns = field_assignments(w);
  const std::size_t budget = plan.dialect().capabilities().max_params_per_statement - 3;  // _id, _creationTime, _version
  const std::size_t first = std::min(columns.size(), budget);
  StatementBuilder& b = plan.begin();
  b.sql("INSERT INTO ").identifier(w.layout->sql_table).sql(" (");
  b.identifier(kIdColumn).sql(", ").identifier(kCreationTimeColumn).sql(", ").identifier(kVersionColumn);
  for (std::size_t i = 0; i < first; ++i) b.sql(", ").identifier(columns[i].column);
  b.sql(") VALUES (").text_param(w.id).sql(", ");
  bind_kind(b, ColumnKind::float64, Value(w.creation_time));
  b.sql(", ");
  bind_int(b, 1);
  for (std::size_t i = 0; i < first; ++i) {
    b.sql(", ");
    columns[i].bind(b);
  }
  b.sql(")");
  plan.end(-1, write);
  spill(plan, w, columns, first, write);
}

void update(detail::PlanOut& plan, const RowWrite& w, int write) {
  const auto columns = field_assignments(w);
  const std::size_t budget = plan.dialect().capabilities().max_params_per_statement - 3;  // _version, _id, guard
  const std::size_t first = std::min(columns.size(), budget);
  StatementBuilder& b = plan.begin();
  b.sql("UPDATE ").identifier(w.layout->sql_table).sql(" SET ").identifier(kVersionColumn).sql(" = ");
  bind_int(b, w.expected_version + 1);
  for (std::size_t i = 0; i < first; ++i) {
    b.sql(", ").identifier(columns[i].column).sql(" = ");
    columns[i].bind(b);
  }
  b.sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(w.id).sql(" AND ").identifier(kVersionColumn).sql(" = ");
  bind_int(b, w.expected_version);
  plan.end(-1, write);
  guard(plan, write);
  spill(plan, w, columns, first, write);
}

void remove(detail::PlanOut& plan, const RowWrite& w, int write) {
  StatementBuilder& b = plan.begin();
  b.sql("DELETE FROM ").identifier(w.layout->sql_table).sql(" WHERE ").identifier(kIdColumn).sql(" = ").text_param(w.id);
  b.sql(" AND ").identifier(kVersionColumn).sql(" = ");
  bind_int(b, w.expected_version);
  plan.end(-1, write);
  guard(plan, write);
}

}  // namespace

void detail::plan_sqlite_commit(PlanOut& out, const std::vector<const RowWrite*>& writes) {
  for (std::size_t i = 0; i < writes.size(); ++i) {
    const int n = static_cast<int>(i);
    switch (writes[i]->op) {
      case WriteOp::insert: insert(out, *writes[i], n); break;
      case WriteOp::update: update(out, *writes[i], n); break;
      case WriteOp::remove: remove(out, *writes[i], n); break;
    }
  }
  out.set_needs_transaction(out.steps() > 1);
}

CommitPlan build_sqlite_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect) {
  CommitPlan plan;
  detail::PlanOut out(dialect, plan);
  detail::plan_sqlite_commit(out, writes);
  return plan;
}

}  // namespace lunora
