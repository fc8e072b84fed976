#include "service/outbox.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "auth/crypto.h"
#include "core/json.h"
#include "service/patient_context.h"

namespace pomost::service {

int64_t OutboxWorker::backoff_ms(int64_t attempts) {
  if (attempts <= 0) return 0;
  int64_t ms = 1000LL << std::min<int64_t>(attempts - 1, 20);
  return std::min<int64_t>(ms, 5 * 60 * 1000);
}

void OutboxWorker::start() {
  thread_ = std::thread([this] { loop(); });
}

void OutboxWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void OutboxWorker::wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_all();
}

void OutboxWorker::loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
    try {
      while (run_once() > 0) {
        std::lock_guard lock(mu_);
        if (stopping_) return;
      }
    } catch (const std::exception& e) {
      spdlog::error("outbox: {}", e.what());
    }
  }
}

int OutboxWorker::run_once() {
  struct Item {
    std::string id, program_id, kind, target, payload;
    int64_t attempts;
  };
  std::vector<Item> due;
  const int64_t now = to_millis(clock_.now());
  Status st = store_.read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows,
                     tx.query("SELECT id, program_id, kind, target, payload, attempts FROM outbox WHERE "
                              "delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 20",
                              {now}));
    for (const auto& r : rows) due.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.i64(5)});
    return Status::Ok();
  });
  if (!st.ok() || due.empty()) return 0;
  for (const auto& item : due) {
    Status sent;
    bool drop = false;
    if (item.kind == "webhook") {
      // The secret is read at delivery time: a receiver removed from the settings gets nothing more.
      std::optional<std::string> secret;
      (void)store_.read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto program, load_program(tx, item.program_id));
        if (program)
          for (const auto& h : program->settings.webhooks)
            if (h.url == item.target) secret = h.secret;
        return Status::Ok();
      });
      if (!secret) {
        drop = true;
        sent = Status(Code::not_found, "the webhook is no longer in the program settings");
      } else {
        const std::string ts = std::to_string(to_millis(clock_.now()) / 1000);
        sent =
            sender_.post(item.target,
                         {{"X-Pomost-Event-Id", item.id},
                          {"X-Pomost-Timestamp", ts},
                          {"X-Pomost-Signature", "sha256=" + auth::hmac_sha256_hex(*secret, ts + "." + item.payload)}},
                         item.payload);
      }
    } else if (item.kind == "email") {
      boost::system::error_code ec;
      json::value m = json::parse(item.payload, ec);
      if (ec || !m.is_object()) {
        drop = true;
        sent = Status::Internal("unreadable e-mail");
      } else {
        const auto& o = m.as_object();
        sent = sender_.mail(std::string(o.at("to").as_string()), std::string(o.at("subject").as_string()),
                            std::string(o.at("body").as_string()));
      }
    }
    const int64_t t = to_millis(clock_.now());
    Status w = store_.write_sync([&](store::Tx& tx) -> Status {
      if (sent.ok() || drop)
        return tx
            .exec("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
                  {t, drop ? std::optional<std::string>(sent.message()) : std::nullopt, item.id})
            .status();
      return tx
          .exec("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?",
                {t + backoff_ms(item.attempts + 1), sent.message(), item.id})
          .status();
    });
    if (!w.ok()) spdlog::error("outbox: cannot record a delivery: {}", w.message());
    if (!sent.ok() && !drop)
      spdlog::warn("outbox: {} delivery {} failed (attempt {}): {}", item.kind, item.id, item.attempts + 1,
                   sent.message());
  }
  return static_cast<int>(due.size());
}

}  // namespace pomost::service
