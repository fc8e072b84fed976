// Wakes live streams when new events are durable (after each commit batch) and on every tick
// (heartbeats, session expiry), and ends them all at shutdown. Beast-free: the socket layer only
// sees a Feed.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "service/feed.h"
#include "store/db.h"

namespace pomost::service {

class EventHub {
 public:
  using Waker = std::function<void()>;

  // After each commit batch: wakes subscribers when the newest stream event id grew.
  void after_commit(store::Store& store);
  // Every tick of the time-driven work: wakes every subscriber.
  void tick();
  int64_t latest() const { return latest_.load(); }
  void set_latest(int64_t seq) { latest_.store(seq); }

  uint64_t subscribe(Waker w);
  void unsubscribe(uint64_t id);
  size_t subscribers() const;

  // Shutdown: streams end at their next wake.
  void close_all();
  bool closed() const { return closed_.load(); }

 private:
  void wake_all();
  mutable std::mutex mu_;
  std::map<uint64_t, Waker> wakers_;
  uint64_t next_id_ = 1;
  std::atomic<int64_t> latest_{0};
  std::atomic<bool> closed_{false};
};

}  // namespace pomost::service
