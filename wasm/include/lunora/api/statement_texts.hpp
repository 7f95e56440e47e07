// The statement texts a store's shim already holds. The SQL of a point read or a commit is
// the same for every document of a table (only the params change), and a ~700-byte text cost
// more to escape, copy across the boundary and JSON.parse than the rest of the envelope. So
// a text is sent once with a number ({"text", "textId"}), and from then on only the number
// ({"textId"}); the shim keeps the texts of its store (js-shim/src/global/core-store.ts).
//
// Commit plans are also kept by shape (sql/commit_output.hpp): a commit whose shape was
// planned before only has its params written, next to the numbers of the shape's texts.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace lunora::api {

class StatementTexts {
 public:
  // Bounds on what the shim is asked to keep: one-off texts (large group commits) stay inline.
  static constexpr std::size_t kMaxTexts = 1024;
  static constexpr std::size_t kMaxTextBytes = 8192;
  // Bounds on the commit shapes kept here (keys and inline texts count against the bytes).
  static constexpr std::size_t kMaxShapes = 1024;
  static constexpr std::size_t kMaxShapeTextBytes = std::size_t{1} << 20;

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

  // One step of a commit plan of a known shape: the number of its text (the shim holds it),
  // or -1 and the text itself.
  struct ShapeStep {
    int text_id = -1;
    std::string text;
    int expect_rows = -1;
    int write = -1;
  };
  struct Shape {
    std::vector<ShapeStep> steps;
    bool needs_transaction = false;
  };
  const Shape* commit_shape(const std::string& key) const {
    auto it = shapes_.find(key);
    return it == shapes_.end() ? nullptr : &it->second;
  }
  // Keeps `shape` unless a bound is reached.
  void remember_commit_shape(std::string key, Shape shape);

  // A statement of a known shape whose text is one text (a blind patch, sql/blind_patch.hpp):
  // the number of its text, or -1; the shape is kept unless a bound is reached.
  int shaped_text(const std::string& shape) const {
    auto it = shaped_texts_.find(shape);
    return it == shaped_texts_.end() ? -1 : it->second;
  }
  void remember_shaped_text(std::string shape, int id);

 private:
  std::unordered_map<std::string, int> ids_;
  std::unordered_map<const void*, int> point_reads_;  // table layout -> text number
  std::unordered_map<std::string, Shape> shapes_;     // commit shape key -> its plan's texts
  std::unordered_map<std::string, int> shaped_texts_;  // statement shape -> text number
  std::size_t shape_text_bytes_ = 0;
};

}  // namespace lunora::api
