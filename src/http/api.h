// The API dispatcher: request id, authentication, CSRF, language, body parsing, the route table,
// and turning use-case results into HTTP responses with the security headers. Beast-free.
#pragma once
#include <memory>
#include <string>

#include "core/clock.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/documentation.h"
#include "service/event_hub.h"
#include "service/monitoring.h"
#include "service/operations.h"
#include "service/registry_service.h"

namespace pomost::http {

struct ApiOptions {
  std::string web_root;                  // built web app; empty serves nothing at /
  bool demo = false;                     // marks every response as demo data
  bool tls = false;                      // adds HSTS
  SimulatedClock* test_clock = nullptr;  // only in POMOST_TESTING builds: /api/v1/__test/clock
};

struct Services {
  store::Store& store;
  const Clock& clock;
  service::AuthService& auth;
  service::RegistryService& registry;
  service::AuditService& audit;
  service::Monitoring& monitoring;
  service::Operations& operations;
  service::Documentation& documentation;
  service::EventHub& hub;
  Metrics& metrics;
};

class Api final : public Dispatcher {
 public:
  Api(Services services, ApiOptions options);
  void handle(HttpRequest req, Respond respond) override;
  HttpResponse refuse(int status, const std::string& detail, const std::string& client_addr) override;
  void stopping() override { s_.hub.close_all(); }

  struct Call {
    service::RequestContext ctx;
    json::object body;
    PathParams params;
    service::Query query;
    service::Done done;
    const HttpRequest* req = nullptr;
    const std::string& param(const std::string& k) const { return params.at(k); }
  };
  using Handler = std::function<void(Call&)>;
  struct Route {
    std::string name;
    bool authenticated = true;
    Handler handler;
  };

 private:
  void routes();
  void add(const char* method, const char* pattern, bool authenticated, Handler h);
  void finish(const HttpRequest& req, HttpResponse& resp, const std::string& request_id, bool api) const;
  HttpResponse serve_static(const HttpRequest& req, const std::string& path, const std::string& request_id);

  Services s_;
  ApiOptions o_;
  Router<Route> router_;
  std::string request_prefix_;
  std::atomic<uint64_t> request_counter_{0};
};

}  // namespace pomost::http
