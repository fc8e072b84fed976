// Authentication: password logins with throttling, opaque session tokens stored only as hashes,
// idle and absolute expiry, CSRF tokens for cookie sessions, patient account activation.
#pragma once
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/crypto.h"
#include "core/work_queue.h"
#include "service/runner.h"

namespace pomost::service {

struct AuthOptions {
  Millis staff_idle{15 * 60 * 1000};                 // rules.md: staff idle 15 min
  Millis staff_absolute{12 * 3600 * 1000};           // absolute 12 h
  Millis patient_idle{7LL * 24 * 3600 * 1000};       // patients on a remembered device: 7 days idle
  Millis patient_absolute{30LL * 24 * 3600 * 1000};  // and 30 days absolute
  Millis throttle_base{1000};                        // first delay after a failure; doubles each time
  Millis throttle_max{15 * 60 * 1000};               // delays stop growing here
  int address_failures = 50;                         // failures from one address in the window before throttling
  Millis address_window{15 * 60 * 1000};
  Millis account_memory{24 * 3600 * 1000};  // an account's failure count is forgotten after this quiet time
  Millis touch_interval{60 * 1000};         // how often last-seen is persisted (memory is exact)
  auth::HashCost hash_cost = auth::HashCost::interactive;
  bool secure_cookies = false;  // set under TLS
  // Key for CSRF tokens (derived from the installation secret): a session's token is recomputed
  // from its id, so a reloaded page can ask for it again.
  std::string csrf_key;
};

inline constexpr const char* kSessionCookie = "pomost_session";

class AuthService {
 public:
  AuthService(Runner& runner, const Clock& clock, WorkQueue& hash_pool, AuthOptions options);

  // Resolves a session token. `touch` extends the idle timer (the alert stream does not).
  Result<Principal> authenticate(const std::string& token, bool via_cookie, TimePoint now, bool touch = true);
  // Cookie sessions must echo the CSRF token on state-changing requests.
  bool check_csrf(const Principal& who, std::string_view header_value) const;
  std::string csrf_token(const std::string& session_id) const;
  // GET /auth/session: the signed-in user, the CSRF token and the expiry, for a reloaded page.
  void session(const RequestContext& ctx, Done done);
  // When the session ends by itself (for the alert stream's session_expired event).
  Result<TimePoint> session_expires_at(const std::string& session_id, TimePoint now);

  void login(const RequestContext& ctx, const json::object& body, Done done);
  void logout(const RequestContext& ctx, Done done);
  void activate(const RequestContext& ctx, const json::object& body, Done done);
  void me(const RequestContext& ctx, Done done);
  void patch_me(const RequestContext& ctx, const json::object& body, Done done);

  int64_t active_sessions(TimePoint now);
  const AuthOptions& options() const { return options_; }
  std::string hash_password(std::string_view password) const {
    return auth::hash_password(password, options_.hash_cost);
  }

 private:
  struct Throttle {
    int64_t failures = 0;
    int64_t window_start = 0;
    int64_t blocked_until = 0;
  };
  Result<Throttle> load_throttle(store::Tx& tx, const std::string& key);
  Status record_failure(store::Tx& tx, const std::string& key, int64_t now, bool is_address);
  std::optional<int> blocked_seconds(store::Tx& tx, const std::vector<std::string>& keys, int64_t now);
  void finish_login(const RequestContext& ctx, std::string username, bool good, std::optional<std::string> user_id,
                    bool remember, Done done);
  std::string cookie(const std::string& token, std::optional<Millis> max_age) const;
  void end_session_async(const std::string& session_id, TimePoint now, const char* reason);

  Runner& runner_;
  const Clock& clock_;
  WorkQueue& hash_pool_;
  AuthOptions options_;
  std::string dummy_hash_;  // verified against when the user does not exist, to keep timing alike
  mutable std::mutex mu_;
  std::unordered_map<std::string, int64_t> last_seen_;  // session id -> ms
};

std::string account_throttle_key(std::string_view username);

}  // namespace pomost::service
