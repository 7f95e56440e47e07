// `_creationTime`: milliseconds since the epoch (float64), unique and strictly increasing
// within a store even when the host clock stalls or steps back.
#pragma once

namespace lunora {

class CreationClock {
 public:
  // The next creation time given the host's current time in ms.
  double next(double now_ms) noexcept;
  // Makes later times exceed `seen` (e.g. the newest _creationTime already in a table).
  void observe(double seen) noexcept;

 private:
  double last_ = 0;
};

}  // namespace lunora
