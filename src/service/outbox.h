// The durable outbox: webhook and e-mail deliveries written in the same transaction as the alert
// change that caused them, delivered at least once by this worker with retries and backoff, so
// nothing is lost while a receiver is down or the server restarts. Receivers de-duplicate by
// event id (X-Pomost-Event-Id).
#pragma once
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "notify/sender.h"
#include "store/db.h"

namespace pomost::service {

class OutboxWorker {
 public:
  OutboxWorker(store::Store& store, const Clock& clock, notify::Sender& sender)
      : store_(store), clock_(clock), sender_(sender) {}
  ~OutboxWorker() { stop(); }

  void start();
  void stop();
  void wake();  // after a commit that may have added deliveries

  // One pass over the deliveries that are due; returns how many were attempted.
  int run_once();

  // Backoff after `attempts` failures: 1 s, 2 s, 4 s ... at most 5 minutes.
  static int64_t backoff_ms(int64_t attempts);

 private:
  void loop();
  store::Store& store_;
  const Clock& clock_;
  notify::Sender& sender_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
};

}  // namespace pomost::service
