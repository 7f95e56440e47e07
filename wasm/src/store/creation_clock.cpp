#include "lunora/store/creation_clock.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lunora {

double CreationClock::next(double now_ms) noexcept {
  double t = std::isfinite(now_ms) ? now_ms : last_;
  // Keep a 1 microsecond step so that times stay readable; nextafter guards huge values.
  if (t <= last_) t = std::max(last_ + 0.001, std::nextafter(last_, std::numeric_limits<double>::infinity()));
  last_ = t;
  return t;
}

void CreationClock::observe(double seen) noexcept {
  if (std::isfinite(seen) && seen > last_) last_ = seen;
}

}  // namespace lunora
