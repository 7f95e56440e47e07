#include "lunora/api/statement_texts.hpp"

#include "lunora/value/wire.hpp"

namespace lunora::api {

int StatementTexts::append(std::string& out, const std::string& text) {
  if (auto it = ids_.find(text); it != ids_.end()) {
    out += "\"textId\":" + std::to_string(it->second);
    return it->second;
  }
  out += "\"text\":";
  append_json_string(out, text);
  if (text.size() > kMaxTextBytes || ids_.size() >= kMaxTexts) return -1;
  const int id = static_cast<int>(ids_.size());
  ids_.emplace(text, id);
  out += ",\"textId\":" + std::to_string(id);
  return id;
}

void StatementTexts::remember_commit_shape(std::string key, Shape shape) {
  if (shapes_.size() >= kMaxShapes) return;
  std::size_t bytes = key.size();
  for (const auto& step : shape.steps) bytes += step.text.size();
  if (shape_text_bytes_ + bytes > kMaxShapeTextBytes) return;
  shape_text_bytes_ += bytes;
  shapes_.emplace(std::move(key), std::move(shape));
}

void StatementTexts::remember_shaped_text(std::string shape, int id) {
  if (shaped_texts_.size() >= kMaxShapes || shape_text_bytes_ + shape.size() > kMaxShapeTextBytes) return;
  shape_text_bytes_ += shape.size();
  shaped_texts_.emplace(std::move(shape), id);
}

}  // namespace lunora::api
