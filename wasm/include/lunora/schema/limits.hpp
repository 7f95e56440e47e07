// Limits the store enforces (CONTRACT.md "Validation"); the same on every engine.
#pragma once

#include <cstddef>

namespace lunora::limits {

inline constexpr std::size_t kMaxDocumentBytes = 1 << 20;  // size of the document's Lunora JSON
inline constexpr std::size_t kMaxNestingDepth = 16;
inline constexpr std::size_t kMaxArrayItems = 8192;
inline constexpr std::size_t kMaxObjectFields = 1024;
inline constexpr std::size_t kMaxNameLength = 64;          // table and index names
inline constexpr std::size_t kMaxIndexesPerTable = 32;
inline constexpr std::size_t kMaxFieldsPerIndex = 16;
// An encoded index key (fields..., _creationTime, _id) must fit a B-tree entry on every
// engine: Postgres allows ~2700 bytes per B-tree entry, InnoDB 3072 bytes per key and
// 65535 bytes per row (32 indexes x 1 KiB key columns fit).
inline constexpr std::size_t kMaxIndexKeyBytes = 1024;

}  // namespace lunora::limits
