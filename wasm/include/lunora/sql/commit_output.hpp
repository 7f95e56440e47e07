// Where the commit planners (document_sql, group_commit_sql, sqlite_commit) write their
// statements: a full CommitPlan (texts and params), or only the params plus the plan's shape.
//
// A commit's texts depend only on its shape: the dialect, the kind of plan, each write's
// table and op, and per parameter the SQL around its placeholder (ParamWrap: on Postgres a
// null has no cast; on SQLite a null int64 has no CAST and empty bytes are a literal). Every
// value-dependent choice of text goes through a ParamWrap, so the planners running in
// params-only mode record the shape exactly while writing the params as JSON; a caller that
// kept the texts of that shape (api/statement_texts.hpp) then needs nothing else.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lunora/sql/document_sql.hpp"

namespace lunora {

// The params of a commit plan without its texts.
struct CommitParams {
  std::string shape;                // equal shapes: byte-identical texts, expect_rows, writes
  std::vector<std::string> params;  // per step: its params as JSON (the members of the array)
  std::vector<std::size_t> counts;  // per step: how many params
  bool complete = true;             // false: a planner bound a param the params-only mode cannot write
};

namespace detail {

// What a planner writes to: begin() a statement, fill it, end() it, then begin() the next.
class PlanOut {
 public:
  PlanOut(const Dialect& dialect, CommitPlan& plan) : dialect_(dialect), plan_(&plan) {}
  // `kind` tells plans that differ for the same writes apart (single vs group commit).
  PlanOut(const Dialect& dialect, CommitParams& params, char kind, const std::vector<const RowWrite*>& writes);
  PlanOut(const PlanOut&) = delete;
  PlanOut& operator=(const PlanOut&) = delete;
  ~PlanOut();

  const Dialect& dialect() const noexcept { return dialect_; }
  StatementBuilder& begin();
  void end(int expect_rows, int write);
  std::size_t steps() const noexcept { return steps_; }
  void set_needs_transaction(bool needed) {
    if (plan_ != nullptr) plan_->needs_transaction = needed;
  }

 private:
  const Dialect& dialect_;
  CommitPlan* plan_ = nullptr;
  CommitParams* params_ = nullptr;
  std::optional<StatementBuilder> current_;
  std::size_t steps_ = 0;
};

}  // namespace detail
}  // namespace lunora
