// Filter JSON: Filter::parse, then matches() against a document.
// Input: line 1 = filter JSON, line 2 = document (Lunora JSON; empty: a fixed document).
#include "fuzz_common.hpp"
#include "lunora/query/filter.hpp"
#include "lunora/value/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = lunora_fuzz::split(data, size, 2);
  auto json = lunora::Value::parse(parts[0], nullptr, false);
  if (json.is_discarded()) return 0;
  auto filter = lunora::Filter::parse(json);
  if (!filter) return 0;
  (void)filter->uses_field("a");
  (void)filter->fields();
  const std::string doc_text = parts[1].empty()
      ? R"({"_id":"x","_creationTime":1,"a":{"b":[1,2]},"n":5,"i":{"$integer":"BQAAAAAAAAA="},"s":"str","f":{"$float":"AAAAAAAA+H8="}})"
      : parts[1];
  auto document = lunora::parse_wire(doc_text);
  if (!document) return 0;
  (void)filter->matches(*document);
  return 0;
}
