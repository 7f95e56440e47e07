// The core's version; kept equal to js-shim/package.json's version by scripts/check-version.
#pragma once

#include <string_view>

namespace lunora {
inline constexpr std::string_view kCoreVersion = "0.1.0";
}  // namespace lunora
