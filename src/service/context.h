// What every use case receives: who is asking, from where, when, and in which language.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/chain.h"
#include "core/clock.h"
#include "core/json.h"
#include "core/status.h"
#include "domain/roles.h"
#include "service/feed.h"

namespace pomost::service {

struct Principal {
  std::string user_id;
  std::string org_id;
  std::string session_id;
  domain::Role role = domain::Role::patient;
  bool licensed = false;
  std::string username;
  std::string display_name;
  std::string language;
  std::optional<std::string> patient_id;  // for patient accounts
  bool via_cookie = false;
};

struct RequestContext {
  std::optional<Principal> who;
  std::string request_id;
  std::string client_addr;
  std::string lang = "en";
  TimePoint now;
  std::string method;
  std::string path;
  std::optional<std::string> idempotency_key;
  std::string body;  // raw request body, for idempotency fingerprints

  const Principal& principal() const { return *who; }
};

// A use case's answer, rendered by the HTTP layer.
struct Reply {
  int status = 200;
  json::value body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body that is not JSON (e.g. Prometheus text), sent as is with this content type.
  std::optional<std::string> raw_body;
  std::string content_type;
  // A body that keeps coming (the alert stream).
  std::shared_ptr<Feed> stream;
};

using Done = std::function<void(Result<Reply>)>;

inline Reply ok(json::value body, int status = 200) {
  return Reply{status, std::move(body), {}};
}

// Audit entries gathered while a use case runs; the runner writes them into the same
// transaction with the outcome of the whole request.
class Audit {
 public:
  struct Entry {
    std::string action;
    std::optional<std::string> resource_type;
    std::optional<std::string> resource_id;
    std::optional<std::string> patient_id;
    std::string outcome = "success";
    std::optional<std::string> rule;
    std::optional<std::string> detail;
  };

  void record(std::string action, std::optional<std::string> resource_type, std::optional<std::string> resource_id,
              std::optional<std::string> patient_id, std::optional<std::string> rule = std::nullopt,
              std::optional<std::string> detail = std::nullopt) {
    entries_.push_back({std::move(action), std::move(resource_type), std::move(resource_id), std::move(patient_id),
                        "success", std::move(rule), std::move(detail)});
  }
  void denied(std::string action, std::optional<std::string> resource_type, std::optional<std::string> resource_id,
              std::optional<std::string> patient_id, std::string rule) {
    entries_.push_back({std::move(action), std::move(resource_type), std::move(resource_id), std::move(patient_id),
                        "denied", std::move(rule), std::nullopt});
  }
  std::vector<Entry>& entries() { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace pomost::service
