// Index keys: an order-preserving, prefix-free byte encoding of values.
//
// memcmp order of two encodings == compare_values order of the values (compare.hpp), and no
// encoding is a proper prefix of another, so a tuple encodes as the plain concatenation of
// its parts and still compares part by part. SQL index columns, read-set ranges and
// subscription matching all use these bytes, so they cannot disagree (the technique of
// Convex's index keys and FoundationDB's tuple layer).
//
// Format (one tag byte, never 0x00, in Convex's type order, then the payload):
//   0x01 missing     (no payload)
//   0x02 null        (no payload)
//   0x03 int64       8 bytes big-endian two's complement with the sign bit flipped
//   0x04 float64     8 bytes big-endian IEEE 754 bits: sign bit set for positives, all bits
//                    inverted for negatives; every NaN is first made 0x7ff8000000000000
//   0x05 boolean     0x00 false / 0x01 true
//   0x06 string      UTF-8 bytes, each 0x00 written 0x00 0xFF, then the terminator 0x00 0x00
//   0x07 bytes       the bytes, escaped and terminated as for strings
//   0x08 array       each item's encoding, then 0x00
//   0x09 object      per field in key order: the key encoded as a string (0x06 ...), then the
//                    value's encoding; then 0x00
// The escape makes 0x00 0x00 unambiguous and sort before any continuation (0x00 0xFF), so a
// shorter string sorts first; the 0x00 that ends an array or object sorts before every tag,
// so a proper prefix sorts first there too.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lunora/status.hpp"
#include "lunora/value/value.hpp"

namespace lunora {

namespace index_tag {
inline constexpr char kMissing = 0x01;
inline constexpr char kNull = 0x02;
inline constexpr char kInt64 = 0x03;
inline constexpr char kFloat64 = 0x04;
inline constexpr char kBoolean = 0x05;
inline constexpr char kString = 0x06;
inline constexpr char kBytes = 0x07;
inline constexpr char kArray = 0x08;
inline constexpr char kObject = 0x09;
inline constexpr char kEnd = 0x00;  // ends an array or an object
}  // namespace index_tag

// Appends the encoding of `value` (nullptr = missing).
void append_index_key(std::string& out, const Value* value);
std::string index_key(const Value* value);
// The encodings of a float64 and of a string without a Value (the system fields' parts).
void append_index_key_float64(std::string& out, double value);
void append_index_key_string(std::string& out, std::string_view text);

// The smallest byte string greater than every string that starts with `prefix` (the exclusive
// upper bound of a prefix range). Empty when there is none, i.e. the prefix is empty or all
// 0xFF: then the range has no upper bound.
std::string prefix_successor(std::string_view prefix);

// The key of a document in an index: its field values (nullptr = missing), then
// _creationTime (float64), then _id (string). Refused with ErrorCode::unsupported_value when
// longer than limits::kMaxIndexKeyBytes.
Result<std::string> document_index_key(const std::vector<const Value*>& field_values,
                                       double creation_time, std::string_view id);
// The same key written over `out` (its capacity reused); false when over the limit.
bool document_index_key_into(std::string& out, const std::vector<const Value*>& field_values, double creation_time,
                             std::string_view id);

}  // namespace lunora
