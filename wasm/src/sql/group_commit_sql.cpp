#include "lunora/sql/group_commit_sql.hpp"

#include <map>
#include <tuple>
#include <utility>

#include "lunora/sql/column_values.hpp"
#include "lunora/sql/commit_output.hpp"

namespace lunora {
namespace {

// Writes of one (table, op, columns set), in the order they came.
using Chunk = std::vector<const RowWrite*>;

std::string_view pg_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::text: return "text";
    case ColumnKind::float64: return "float8";
    case ColumnKind::int64: return "int8";
    case ColumnKind::boolean: return "boolean";
    case ColumnKind::bytes: return "bytea";
    case ColumnKind::json: return "jsonb";
  }
  return "text";
}

std::size_t params_per_row(const RowWrite& w) {
  const TableLayout& layout = *w.layout;
  const std::size_t values = layout.columns.size() + layout.indexes.size();
  switch (w.op) {
    case WriteOp::insert: return 3 + values;
    case WriteOp::update: return 2 + 2 * values;  // MySQL CASE: WHEN id THEN value per column
    case WriteOp::remove: return 2;
  }
  return 2;
}

// Groups the writes by (table, op, the columns an update sets), keeping first-seen order, then
// splits each group so no statement binds more than kGroupMaxParams parameters.
std::vector<Chunk> chunk_writes(const std::vector<const RowWrite*>& writes) {
  std::vector<Chunk> groups;
  std::map<std::tuple<const TableLayout*, WriteOp, std::vector<bool>>, std::size_t> where;
  for (const RowWrite* w : writes) {
    auto [it, inserted] = where.emplace(std::make_tuple(w->layout, w->op, w->sets), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(w);
  }
  std::vector<Chunk> chunks;
  for (auto& group : groups) {
    const std::size_t per_row = params_per_row(*group.front());
    const std::size_t rows = per_row >= kGroupMaxParams ? 1 : kGroupMaxParams / per_row;
    for (std::size_t start = 0; start < group.size(); start += rows) {
      const std::size_t end = start + rows < group.size() ? start + rows : group.size();
      chunks.emplace_back(group.begin() + static_cast<std::ptrdiff_t>(start),
                          group.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  return chunks;
}

const Value* field_value(const RowWrite& w, const std::string& field) {
  const Value& document = document_of(w);
  auto it = document.find(field);
  return it == document.end() ? nullptr : &*it;
}

void bind_version(StatementBuilder& b, std::int64_t version) { bind_kind(b, ColumnKind::int64, Value(version)); }

void insert_rows(StatementBuilder& b, const Chunk& chunk) {
  append_insert_head(b, *chunk.front()->layout);
  for (std::size_t r = 0; r < chunk.size(); ++r) {
    if (r > 0) b.sql(", ");
    append_insert_row(b, *chunk[r]);
  }
}

// `WHERE (_id = ? AND _version = ?) OR ...` (MySQL); the primary key turns it into point reads.
void guard_rows(StatementBuilder& b, const Chunk& chunk) {
  b.sql(" WHERE ");
  for (std::size_t r = 0; r < chunk.size(); ++r) {
    if (r > 0) b.sql(" OR ");
    b.sql("(").identifier(kIdColumn).sql(" = ").text_param(chunk[r]->id).sql(" AND ").identifier(kVersionColumn).sql(" = ");
    bind_version(b, chunk[r]->expected_version);
    b.sql(")");
  }
}

// Postgres: `(VALUES ($1, $2::text::int8, ...), ...) AS n("_id", "_expected_version", ...)`.
// Every row carries the same casts, so the VALUES columns get the table's types; SET casts
// again for a column that is NULL in every row (then VALUES would type it text).
void pg_values(StatementBuilder& b, const Chunk& chunk, bool with_document) {
  const TableLayout& layout = *chunk.front()->layout;
  b.sql("(VALUES ");
  for (std::size_t r = 0; r < chunk.size(); ++r) {
    const RowWrite& w = *chunk[r];
    b.sql(r == 0 ? "(" : ", (");
    b.text_param(w.id).sql(", ");
    bind_version(b, w.expected_version);
    if (with_document) append_set_values(b, w);
    b.sql(")");
  }
  b.sql(") AS n(").identifier(kIdColumn).sql(", ").identifier("_expected_version");
  if (with_document) {
    // A chunk's updates set the same columns.
    for_each_set_column(
        *chunk.front(), [&](const FieldColumn& c) { b.sql(", ").identifier(c.field); },
        [&](std::size_t i) { b.sql(", ").identifier(layout.indexes[i].key_column); });
  }
  b.sql(") WHERE o.").identifier(kIdColumn).sql(" = n.").identifier(kIdColumn);
  b.sql(" AND o.").identifier(kVersionColumn).sql(" = n.").identifier("_expected_version");
}

void pg_update_rows(StatementBuilder& b, const Chunk& chunk) {
  const TableLayout& layout = *chunk.front()->layout;
  b.sql("UPDATE ").identifier(layout.sql_table).sql(" AS o SET ").identifier(kVersionColumn).sql(" = o.");
  b.identifier(kVersionColumn).sql(" + 1");
  for_each_set_column(
      *chunk.front(),
      [&](const FieldColumn& c) {
        b.sql(", ").identifier(c.field).sql(" = CAST(n.").identifier(c.field).sql(" AS ").sql(pg_type(c.kind)).sql(")");
      },
      [&](std::size_t i) {
        const auto& key = layout.indexes[i].key_column;
        b.sql(", ").identifier(key).sql(" = CAST(n.").identifier(key).sql(" AS bytea)");
      });
  b.sql(" FROM ");
  pg_values(b, chunk, true);
}

void pg_delete_rows(StatementBuilder& b, const Chunk& chunk) {
  b.sql("DELETE FROM ").identifier(chunk.front()->layout->sql_table).sql(" AS o USING ");
  pg_values(b, chunk, false);
}

// MySQL: each column becomes `CASE _id WHEN ? THEN ? ... END`; the guard keeps other rows out.
void mysql_update_rows(StatementBuilder& b, const Chunk& chunk) {
  const TableLayout& layout = *chunk.front()->layout;
  b.sql("UPDATE ").identifier(layout.sql_table).sql(" SET ").identifier(kVersionColumn).sql(" = ");
  b.identifier(kVersionColumn).sql(" + 1");
  auto column = [&](std::string_view name, auto&& bind_row) {
    b.sql(", ").identifier(name).sql(" = CASE ").identifier(kIdColumn);
    for (const RowWrite* w : chunk) {
      b.sql(" WHEN ").text_param(w->id).sql(" THEN ");
      bind_row(*w);
    }
    b.sql(" END");
  };
  for_each_set_column(  // a chunk's updates set the same columns
      *chunk.front(),
      [&](const FieldColumn& c) {
        column(c.field, [&](const RowWrite& w) { bind_column_value(b, c, field_value(w, c.field)); });
      },
      [&](std::size_t i) { column(layout.indexes[i].key_column, [&](const RowWrite& w) { bind_bytes(b, w.keys[i]); }); });
  guard_rows(b, chunk);
}

void postgres_group(detail::PlanOut& out, const std::vector<Chunk>& chunks) {
  StatementBuilder& b = out.begin();
  const bool text = !b.params_only();
  b.sql("WITH ");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (i > 0) b.sql(",\n     ");
    if (text) b.sql("g" + std::to_string(i) + " AS (");
    switch (chunks[i].front()->op) {
      case WriteOp::insert: insert_rows(b, chunks[i]); break;
      case WriteOp::update: pg_update_rows(b, chunks[i]); break;
      case WriteOp::remove: pg_delete_rows(b, chunks[i]); break;
    }
    b.sql(" RETURNING 1)");
  }
  if (text) {
    b.sql("\nSELECT CAST(CASE");
    bool guarded = false;
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (chunks[i].front()->op == WriteOp::insert) continue;
      guarded = true;
      b.sql(" WHEN (SELECT count(*) FROM g" + std::to_string(i) + ") <> " + std::to_string(chunks[i].size()) + " THEN '" +
            std::string(kGroupConflictMarker) + "'");
    }
    if (!guarded) b.sql(" WHEN false THEN ''");
    b.sql(" ELSE '0' END AS integer) AS lunora_commit");
  }
  out.end(-1, -1);
}

void mysql_group(detail::PlanOut& out, const std::vector<Chunk>& chunks) {
  // A multi-row guarded statement that matched too few rows has still written the others:
  // only the transaction's rollback undoes them.
  out.set_needs_transaction(true);
  for (const auto& chunk : chunks) {
    StatementBuilder& b = out.begin();
    switch (chunk.front()->op) {
      case WriteOp::insert: insert_rows(b, chunk); break;
      case WriteOp::update: mysql_update_rows(b, chunk); break;
      case WriteOp::remove:
        b.sql("DELETE FROM ").identifier(chunk.front()->layout->sql_table);
        guard_rows(b, chunk);
        break;
    }
    out.end(static_cast<int>(chunk.size()), -1);
  }
}

void plan_group_commit(detail::PlanOut& out, const std::vector<const RowWrite*>& writes) {
  if (writes.empty()) return;
  switch (out.dialect().engine()) {
    case Engine::postgres: postgres_group(out, chunk_writes(writes)); return;
    case Engine::mysql: mysql_group(out, chunk_writes(writes)); return;
    case Engine::sqlite: break;  // one statement per write (D1/DO SQLite bind 100 params each)
  }
  detail::plan_commit(out, writes);
}

}  // namespace

CommitPlan build_group_commit(const std::vector<RowWrite>& writes, const Dialect& dialect) {
  return build_group_commit(write_pointers(writes), dialect);
}

CommitPlan build_group_commit(const std::vector<const RowWrite*>& writes, const Dialect& dialect) {
  CommitPlan plan;
  detail::PlanOut out(dialect, plan);
  plan_group_commit(out, writes);
  return plan;
}

CommitParams build_group_commit_params(const std::vector<const RowWrite*>& writes, const Dialect& dialect) {
  CommitParams params;
  detail::PlanOut out(dialect, params, 'g', writes);
  plan_group_commit(out, writes);
  return params;
}

}  // namespace lunora
