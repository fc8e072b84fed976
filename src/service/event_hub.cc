#include "service/event_hub.h"

#include <vector>

namespace pomost::service {

void EventHub::after_commit(store::Store& store) {
  int64_t seq = 0;
  Status st = store.read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto r, tx.query_one("SELECT COALESCE(max(seq), 0) FROM stream_events"));
    seq = r->i64(0);
    return Status::Ok();
  });
  if (!st.ok()) return;
  if (seq > latest_.load()) {
    latest_.store(seq);
    wake_all();
  }
}

void EventHub::tick() {
  wake_all();
}

uint64_t EventHub::subscribe(Waker w) {
  std::lock_guard lock(mu_);
  uint64_t id = next_id_++;
  wakers_[id] = std::move(w);
  return id;
}

void EventHub::unsubscribe(uint64_t id) {
  std::lock_guard lock(mu_);
  wakers_.erase(id);
}

size_t EventHub::subscribers() const {
  std::lock_guard lock(mu_);
  return wakers_.size();
}

void EventHub::close_all() {
  closed_.store(true);
  wake_all();
}

void EventHub::wake_all() {
  std::vector<Waker> ws;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : wakers_) ws.push_back(w);
  }
  for (auto& w : ws) w();
}

}  // namespace pomost::service
