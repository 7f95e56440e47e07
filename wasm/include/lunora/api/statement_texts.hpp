// The statement texts a store's shim already holds. The SQL of a point read or a commit is
// the same for every document of a table (only the params change), and a ~700-byte text cost
// more to escape, copy across the boundary and JSON.parse than the rest of the envelope. So
// a text is sent once with a number ({"text", "textId"}), and from then on only the number
// ({"textId"}); the shim keeps the texts of its store (js-shim/src/global/core-store.ts).
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>

namespace lunora::api {

class StatementTexts {
 public:
  // Bounds on what the shim is asked to keep: one-off texts (large group commits) stay inline.
  static constexpr std::size_t kMaxTexts = 1024;
  static constexpr std::size_t kMaxTextBytes = 8192;

  // Appends the object members `"text":...,"textId":n`, `"textId":n` or `"text":...`.
  // Returns the text's number, or -1 when it stays inline.
  int append(std::string& out, const std::string& text);

  // The point read of a table is one text whose only param is the id, so once its number is
  // known the statement is written without being built.
  int point_read(const void* layout) const {
    auto it = point_reads_.find(layout);
    return it == point_reads_.end() ? -1 : it->second;
  }
  void remember_point_read(const void* layout, int id) { point_reads_.emplace(layout, id); }

 private:
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<const void*, int> point_reads_;  // table layout -> text number
};

}  // namespace lunora::api
