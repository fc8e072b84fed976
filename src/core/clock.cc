#include "core/clock.h"

namespace pomost {

TimePoint RealClock::now() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

}  // namespace pomost
