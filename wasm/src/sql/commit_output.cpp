#include "lunora/sql/commit_output.hpp"

#include <cstring>

namespace lunora::detail {

PlanOut::PlanOut(const Dialect& dialect, CommitParams& params, char kind, const std::vector<const RowWrite*>& writes)
    : dialect_(dialect), params_(&params) {
  // The structure: dialect, plan kind, then each write's table and op. The ParamWraps the
  // planners record follow.
  std::string& shape = params.shape;
  // (the wraps: a 10-field document's write records ~15; the shape must not regrow per param)
  shape.reserve(2 + writes.size() * (sizeof(void*) + 1) + 32 * writes.size());
  auto append_pointer = [&shape](const void* p) {
    char bytes[sizeof p];
    std::memcpy(bytes, &p, sizeof p);
    shape.append(bytes, sizeof bytes);
  };
  append_pointer(&dialect);
  shape.push_back(kind);
  const bool set_columns = dialect.engine() != Engine::sqlite;
  for (const RowWrite* w : writes) {
    append_pointer(w->layout);
    shape.push_back(static_cast<char>('0' + static_cast<int>(w->op)));
    // A Postgres/MySQL UPDATE names only the columns a write sets (SQLite's planner writes
    // whole rows, so its shapes ignore them).
    if (set_columns && w->op == WriteOp::update && !w->sets.empty()) {
      shape.push_back('[');
      for (bool set : w->sets) shape.push_back(set ? '1' : '0');
      shape.push_back(']');
    }
  }
  shape.push_back('|');
}

PlanOut::~PlanOut() {
  // Strings of a reused CommitParams beyond this plan's steps go.
  if (params_ != nullptr && params_->params.size() > steps_) params_->params.resize(steps_);
}

StatementBuilder& PlanOut::begin() {
  if (params_ != nullptr) {
    // A reused CommitParams keeps its strings: the step's is cleared, its capacity kept.
    if (steps_ >= params_->params.size()) params_->params.emplace_back();
    std::string& json = params_->params[steps_];
    json.clear();
    json.reserve(512);  // a 10-field document's params, without regrowing
    current_.emplace(dialect_, &json, &params_->shape);
  } else {
    current_.emplace(dialect_);
  }
  return *current_;
}

void PlanOut::end(int expect_rows, int write) {
  if (params_ != nullptr) {
    params_->counts.push_back(current_->param_count());
    params_->shape.push_back('/');
    if (current_->generic_param_used()) params_->complete = false;
  } else {
    plan_->steps.push_back(CommitStep{std::move(*current_).build(), expect_rows, write});
  }
  current_.reset();
  ++steps_;
}

}  // namespace lunora::detail
