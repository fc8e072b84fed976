// Time comes from an injected Clock. Only RealClock reads the system clock.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace pomost {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class RealClock final : public Clock {
 public:
  TimePoint now() const override;
};

// A clock that moves only when told to. Thread-safe: tests advance it while the server runs.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(TimePoint start) : ms_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(Millis(ms_.load())); }
  void set(TimePoint t) { ms_.store(t.time_since_epoch().count()); }
  void advance(Millis d) { ms_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> ms_;
};

inline int64_t to_millis(TimePoint t) {
  return t.time_since_epoch().count();
}
inline TimePoint from_millis(int64_t ms) {
  return TimePoint(Millis(ms));
}

}  // namespace pomost
