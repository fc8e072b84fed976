#include "service/auth_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "core/text.h"
#include "core/time.h"
#include "domain/password_policy.h"
#include "service/patient_context.h"

namespace pomost::service {

namespace {

const char* kLoginFailed = "The username or password is not correct.";

Status login_failed() {
  return Status(Code::unauthenticated, kLoginFailed).with_type("login-failed");
}

Status busy() {
  return Status(Code::unavailable, "The server is busy; try again in a moment.");
}

std::string normalize_username(std::string_view s) {
  return ascii_lower(trim(s));
}

json::object user_json(const store::Row& r, size_t from) {
  // Columns from `from`: id, username, role, display_name, language, licensed, patient_id
  json::object u;
  u["id"] = r.text(from);
  u["username"] = r.text(from + 1);
  u["role"] = r.text(from + 2);
  u["display_name"] = r.text(from + 3);
  u["language"] = r.text(from + 4);
  u["licensed"] = r.boolean(from + 5);
  if (!r.is_null(from + 6)) u["patient_id"] = r.text(from + 6);
  return u;
}

}  // namespace

std::string account_throttle_key(std::string_view username) {
  return "acct:" + hex_encode(auth::blake2b(normalize_username(username)));
}

AuthService::AuthService(Runner& runner, const Clock& clock, WorkQueue& hash_pool, AuthOptions options)
    : runner_(runner), clock_(clock), hash_pool_(hash_pool), options_(options) {
  dummy_hash_ = auth::hash_password(auth::random_token(), options_.hash_cost);
}

std::string AuthService::cookie(const std::string& token, std::optional<Millis> max_age) const {
  std::string c = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  if (options_.secure_cookies) c += "; Secure";
  if (max_age) c += "; Max-Age=" + std::to_string(max_age->count() / 1000);
  return c;
}

Result<AuthService::Throttle> AuthService::load_throttle(store::Tx& tx, const std::string& key) {
  ASSIGN_OR_RETURN(
      auto row, tx.query_one("SELECT failures, window_start, blocked_until FROM login_throttle WHERE key = ?", {key}));
  if (!row) return Throttle{};
  return Throttle{row->i64(0), row->i64(1), row->i64(2)};
}

std::optional<int> AuthService::blocked_seconds(store::Tx& tx, const std::vector<std::string>& keys, int64_t now) {
  int64_t until = 0;
  for (const auto& k : keys) {
    auto t = load_throttle(tx, k);
    if (t.ok()) until = std::max(until, t->blocked_until);
  }
  if (until <= now) return std::nullopt;
  return static_cast<int>((until - now + 999) / 1000);
}

Status AuthService::record_failure(store::Tx& tx, const std::string& key, int64_t now, bool is_address) {
  ASSIGN_OR_RETURN(Throttle t, load_throttle(tx, key));
  int64_t memory = is_address ? options_.address_window.count() : options_.account_memory.count();
  if (t.window_start == 0 || now - t.window_start > memory) t = Throttle{0, now, 0};
  t.failures += 1;
  int64_t over = is_address ? t.failures - options_.address_failures : t.failures;
  if (over >= 1) {
    // Doubling delay: 1 s, 2 s, 4 s ... capped.
    double delay = static_cast<double>(options_.throttle_base.count()) *
                   std::pow(2.0, static_cast<double>(std::min<int64_t>(over - 1, 40)));
    int64_t d = static_cast<int64_t>(std::min(delay, static_cast<double>(options_.throttle_max.count())));
    t.blocked_until = now + d;
  }
  return tx
      .exec(
          "INSERT INTO login_throttle (key, failures, window_start, blocked_until) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, "
          "blocked_until = excluded.blocked_until",
          {key, t.failures, t.window_start, t.blocked_until})
      .status();
}

namespace {
Result<std::string> default_org(store::Tx& tx) {
  ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT id FROM organizations ORDER BY created_at, id LIMIT 1"));
  if (!row) return Status::Internal("no organization");
  return row->text(0);
}
}  // namespace

void AuthService::login(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto username = f.string("username", true, {1, 100});
  auto password = f.string("password", true, {1, 1024});
  auto remember = f.boolean("remember_device", false);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());

  const std::string uname = normalize_username(*username);
  const std::vector<std::string> keys = {account_throttle_key(uname), "addr:" + ctx.client_addr};
  const int64_t now = to_millis(ctx.now);

  std::optional<int> blocked;
  std::optional<std::string> user_id;
  std::string stored_hash = dummy_hash_;
  Status st = runner_.store().read([&](store::Tx& tx) -> Status {
    blocked = blocked_seconds(tx, keys, now);
    ASSIGN_OR_RETURN(auto user,
                     tx.query_one("SELECT id, password_hash FROM users WHERE username = ? AND active = 1", {uname}));
    if (user && !user->is_null(1)) {
      user_id = user->text(0);
      stored_hash = user->text(1);
    }
    return Status::Ok();
  });
  if (!st.ok()) return done(st);

  if (blocked) {
    int secs = *blocked;
    RequestContext c = ctx;
    runner_.store().submit(store::WriteJob{
        [this, c, user_id](store::Tx& tx) -> Status {
          std::string org;
          std::optional<std::string> role;
          if (user_id) {
            ASSIGN_OR_RETURN(auto u, tx.query_one("SELECT org_id, role FROM users WHERE id = ?", {*user_id}));
            if (u) {
              org = u->text(0);
              role = u->text(1);
            }
          }
          if (org.empty()) {
            ASSIGN_OR_RETURN(org, default_org(tx));
          }
          std::vector<Audit::Entry> e{
              {"login", "session", std::nullopt, std::nullopt, "throttled", std::nullopt, std::nullopt}};
          return Runner::append_audit(runner_.chain(), tx, c, org, e, user_id, role);
        },
        [done, secs](const Status& s) {
          if (!s.ok()) return done(s);
          done(Status::TooMany(secs, "Too many failed attempts. Try again later."));
        }});
    return;
  }

  RequestContext c = ctx;
  bool posted = hash_pool_.post([this, c, uname, pw = *password, stored_hash, user_id, remember, done]() mutable {
    bool good = auth::verify_password(stored_hash, pw) && user_id.has_value();
    finish_login(c, uname, good, user_id, remember.value_or(false), std::move(done));
  });
  if (!posted) done(busy());
}

void AuthService::finish_login(const RequestContext& ctx, std::string username, bool good,
                               std::optional<std::string> user_id, bool remember, Done done) {
  auto reply = std::make_shared<Result<Reply>>(login_failed());
  const int64_t now = to_millis(ctx.now);
  store::WriteJob job;
  job.run = [this, ctx, username, good, user_id, remember, reply, now](store::Tx& tx) -> Status {
    const std::string acct = account_throttle_key(username), addr = "addr:" + ctx.client_addr;
    // Another attempt may have failed meanwhile: the throttle is decided again inside the write.
    bool accepted = good;
    if (auto secs = blocked_seconds(tx, {acct, addr}, now)) {
      *reply = Status::TooMany(*secs, "Too many failed attempts. Try again later.");
      accepted = false;
    }
    std::optional<store::Row> user;
    if (user_id) {
      ASSIGN_OR_RETURN(user, tx.query_one("SELECT org_id, id, username, role, display_name, language, licensed, "
                                          "patient_id FROM users WHERE id = ? AND active = 1",
                                          {*user_id}));
    }
    std::string org;
    std::optional<std::string> role;
    if (user) {
      org = user->text(0);
      role = user->text(3);
    } else {
      ASSIGN_OR_RETURN(org, default_org(tx));
    }
    if (!accepted || !user) {
      if (reply->status().code() != Code::too_many_requests) {
        RETURN_IF_ERROR(record_failure(tx, acct, now, false));
        RETURN_IF_ERROR(record_failure(tx, addr, now, true));
      }
      std::vector<Audit::Entry> e{{"login", "session", std::nullopt, std::nullopt,
                                   reply->status().code() == Code::too_many_requests ? "throttled" : "failed",
                                   std::nullopt, std::nullopt}};
      return Runner::append_audit(runner_.chain(), tx, ctx, org, e, user_id, role);
    }
    RETURN_IF_ERROR(tx.exec("DELETE FROM login_throttle WHERE key = ?", {acct}).status());
    const bool is_patient = *role == "patient";
    const Millis idle = is_patient && remember ? options_.patient_idle : options_.staff_idle;
    const Millis absolute = is_patient && remember ? options_.patient_absolute : options_.staff_absolute;
    const std::string token = auth::random_token();
    const std::string session_id = auth::new_id("ses");
    const std::string csrf = csrf_token(session_id);
    RETURN_IF_ERROR(tx.exec("INSERT INTO sessions (org_id, id, token_hash, user_id, remember_device, "
                            "created_at, last_seen_at, idle_ms, absolute_expires_at, client_addr) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {org, session_id, store::Blob{auth::blake2b(token)}, *user_id, is_patient && remember, now,
                             now, idle.count(), now + absolute.count(), ctx.client_addr})
                        .status());
    std::vector<Audit::Entry> e{{"login", "session", session_id, std::nullopt, "success", std::nullopt, std::nullopt}};
    RETURN_IF_ERROR(Runner::append_audit(runner_.chain(), tx, ctx, org, e, user_id, role));
    json::object body;
    body["token"] = token;
    body["csrf_token"] = csrf;
    body["expires_at"] = format_rfc3339(from_millis(std::min(now + idle.count(), now + absolute.count())));
    body["absolute_expires_at"] = format_rfc3339(from_millis(now + absolute.count()));
    body["idle_timeout_seconds"] = idle.count() / 1000;
    body["now"] = format_rfc3339(ctx.now);
    body["user"] = user_json(*user, 1);
    Reply r{200, std::move(body), {}};
    r.headers.emplace_back("Set-Cookie",
                           cookie(token, is_patient && remember ? std::optional<Millis>(absolute) : std::nullopt));
    *reply = std::move(r);
    return Status::Ok();
  };
  job.done = [reply, done = std::move(done)](const Status& s) {
    if (!s.ok()) return done(s);
    done(std::move(*reply));
  };
  runner_.store().submit(std::move(job));
}

Result<Principal> AuthService::authenticate(const std::string& token, bool via_cookie, TimePoint now_tp, bool touch) {
  if (token.empty() || token.size() > 128) return Status(Code::unauthenticated, "You are not logged in.");
  const int64_t now = to_millis(now_tp);
  std::optional<store::Row> row;
  Status st = runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row, tx.query_one("SELECT s.id, s.org_id, s.remember_device, s.last_seen_at, s.idle_ms, "
                                       "s.absolute_expires_at, s.ended_at, u.id, u.role, u.licensed, u.username, "
                                       "u.display_name, u.language, u.patient_id, u.active "
                                       "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
                                       {store::Blob{auth::blake2b(token)}}));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!row || !row->is_null(6) || row->i64(14) == 0) return Status(Code::unauthenticated, "You are not logged in.");
  const std::string session_id = row->text(0);
  int64_t last_seen = row->i64(3);
  {
    std::lock_guard lock(mu_);
    if (auto it = last_seen_.find(session_id); it != last_seen_.end()) last_seen = std::max(last_seen, it->second);
  }
  const bool idle_over = now >= last_seen + row->i64(4);
  const bool absolute_over = now >= row->i64(5);
  if (idle_over || absolute_over) {
    end_session_async(session_id, now_tp, absolute_over ? "absolute_timeout" : "idle_timeout");
    return Status(Code::unauthenticated, "Your session has expired. Sign in again.").with_type("session-expired");
  }
  auto role = domain::parse_role(row->text(8));
  if (!role) return Status::Internal("unknown role in the users table");
  Principal p;
  p.session_id = session_id;
  p.org_id = row->text(1);
  p.user_id = row->text(7);
  p.role = *role;
  p.licensed = row->boolean(9);
  p.username = row->text(10);
  p.display_name = row->text(11);
  p.language = row->text(12);
  p.patient_id = row->opt_text(13);
  p.via_cookie = via_cookie;
  {
    std::lock_guard lock(mu_);
    if (touch) last_seen_[session_id] = std::max(last_seen, now);
  }
  if (touch && now - row->i64(3) >= options_.touch_interval.count()) {
    runner_.store().submit(store::WriteJob{
        [session_id, now](store::Tx& tx) -> Status {
          return tx
              .exec("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", {now, session_id, now})
              .status();
        },
        [](const Status&) {
        }});
  }
  return p;
}

std::string AuthService::csrf_token(const std::string& session_id) const {
  return hex_encode(auth::blake2b_keyed(options_.csrf_key, "pomost-csrf-v1:" + session_id));
}

void AuthService::session(const RequestContext& ctx, Done done) {
  const Principal& who = ctx.principal();
  auto expires = session_expires_at(who.session_id, ctx.now);
  if (!expires.ok()) return done(expires.status());
  std::optional<store::Row> row;
  Status st = runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(row,
                     tx.query_one("SELECT idle_ms, absolute_expires_at FROM sessions WHERE id = ?", {who.session_id}));
    return Status::Ok();
  });
  if (!st.ok() || !row) return done(st.ok() ? Status(Code::unauthenticated, "You are not logged in.") : st);
  json::object body;
  json::object user;
  user["id"] = who.user_id;
  user["username"] = who.username;
  user["role"] = std::string(domain::to_string(who.role));
  user["display_name"] = who.display_name;
  user["language"] = who.language;
  user["licensed"] = who.licensed;
  if (who.patient_id) user["patient_id"] = *who.patient_id;
  body["user"] = std::move(user);
  body["csrf_token"] = csrf_token(who.session_id);
  body["expires_at"] = format_rfc3339(*expires);
  body["absolute_expires_at"] = format_rfc3339(from_millis(row->i64(1)));
  body["idle_timeout_seconds"] = row->i64(0) / 1000;
  // The server's clock, so a client can count down whatever its own clock says.
  body["now"] = format_rfc3339(ctx.now);
  done(ok(std::move(body)));
}

bool AuthService::check_csrf(const Principal& who, std::string_view header_value) const {
  if (header_value.empty()) return false;
  std::lock_guard lock(mu_);
  return auth::equal_constant_time(csrf_token(who.session_id), header_value);
}

Result<TimePoint> AuthService::session_expires_at(const std::string& session_id, TimePoint) {
  std::optional<store::Row> row;
  RETURN_IF_ERROR(runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(
        row, tx.query_one("SELECT last_seen_at, idle_ms, absolute_expires_at, ended_at FROM sessions WHERE id = ?",
                          {session_id}));
    return Status::Ok();
  }));
  if (!row || !row->is_null(3)) return Status(Code::unauthenticated, "session ended");
  int64_t last_seen = row->i64(0);
  {
    std::lock_guard lock(mu_);
    if (auto it = last_seen_.find(session_id); it != last_seen_.end()) last_seen = std::max(last_seen, it->second);
  }
  return from_millis(std::min(last_seen + row->i64(1), row->i64(2)));
}

void AuthService::end_session_async(const std::string& session_id, TimePoint now, const char* reason) {
  {
    std::lock_guard lock(mu_);
    last_seen_.erase(session_id);
  }
  std::string why = reason;
  runner_.store().submit(
      store::WriteJob{[session_id, now, why](store::Tx& tx) -> Status {
                        return tx
                            .exec("UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL",
                                  {to_millis(now), why, session_id})
                            .status();
                      },
                      [](const Status&) {
                      }});
}

void AuthService::logout(const RequestContext& ctx, Done done) {
  const std::string session_id = ctx.principal().session_id;
  {
    std::lock_guard lock(mu_);
    last_seen_.erase(session_id);
  }
  std::string clear = cookie("", Millis(0));
  runner_.write(
      ctx,
      [session_id, ctx, clear](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            tx.exec("UPDATE sessions SET ended_at = ?, end_reason = 'logout' WHERE id = ? AND ended_at IS NULL",
                    {to_millis(ctx.now), session_id})
                .status());
        audit.record("logout", "session", session_id, std::nullopt);
        Reply r{204, nullptr, {{"Set-Cookie", clear}}};
        return r;
      },
      std::move(done));
}

void AuthService::activate(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto code = f.string("invite_code", true, {4, 40});
  auto password = f.string("password", true, {1, 1024});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  const std::string addr_key = "activate:" + ctx.client_addr;
  const std::string code_hash = auth::blake2b(auth::normalize_invite_code(*code));
  const int64_t now = to_millis(ctx.now);
  std::optional<int> blocked;
  std::optional<store::Row> user;
  Status st = runner_.store().read([&](store::Tx& tx) -> Status {
    blocked = blocked_seconds(tx, {addr_key}, now);
    ASSIGN_OR_RETURN(user, tx.query_one("SELECT id, username, invite_expires_at, org_id, patient_id FROM users "
                                        "WHERE invite_hash = ? AND active = 1",
                                        {store::Blob{code_hash}}));
    return Status::Ok();
  });
  if (!st.ok()) return done(st);
  if (blocked) return done(Status::TooMany(*blocked, "Too many failed attempts. Try again later."));
  if (!user || user->i64(2) <= now) {
    // Count the failure against the address, so invite codes cannot be guessed.
    runner_.store().submit(store::WriteJob{
        [this, addr_key, now](store::Tx& tx) -> Status { return record_failure(tx, addr_key, now, true); },
        [done](const Status& s) {
          if (!s.ok()) return done(s);
          done(Status::Invalid({{"invite_code", "is not valid or has expired", "invalid_code"}}));
        }});
    return;
  }
  if (auto why = domain::check_password(*password, user->text(1)))
    return done(Status::Invalid({password_error("password", *why)}));
  RequestContext c = ctx;
  std::string user_id = user->text(0), org = user->text(3), patient_id = user->text(4), username = user->text(1);
  bool posted = hash_pool_.post([this, c, pw = *password, user_id, org, patient_id, username, code_hash, done]() {
    std::string hash = hash_password(pw);
    auto reply = std::make_shared<Result<Reply>>(Status::Internal("not run"));
    runner_.store().submit(store::WriteJob{
        [this, c, hash, user_id, org, patient_id, username, code_hash, reply](store::Tx& tx) -> Status {
          const int64_t now = to_millis(c.now);
          ASSIGN_OR_RETURN(int64_t n,
                           tx.exec("UPDATE users SET password_hash = ?, invite_hash = NULL, invite_expires_at = NULL, "
                                   "password_changed_at = ?, updated_at = ?, version = version + 1 "
                                   "WHERE id = ? AND invite_hash = ?",
                                   {hash, now, now, user_id, store::Blob{code_hash}}));
          std::vector<Audit::Entry> e{{"account_activate", "user", user_id, patient_id, n == 1 ? "success" : "failed",
                                       std::nullopt, std::nullopt}};
          RETURN_IF_ERROR(Runner::append_audit(runner_.chain(), tx, c, org, e, user_id, std::string("patient")));
          if (n != 1) {
            *reply = Status::Invalid({{"invite_code", "is not valid or has expired", "invalid_code"}});
          } else {
            json::object b;
            b["username"] = username;
            b["activated"] = true;
            *reply = Reply{200, std::move(b), {}};
          }
          return Status::Ok();
        },
        [reply, done](const Status& s) {
          if (!s.ok()) return done(s);
          done(std::move(*reply));
        }});
  });
  if (!posted) done(busy());
}

void AuthService::me(const RequestContext& ctx, Done done) {
  const Principal who = ctx.principal();
  auto build = [who](store::Tx& tx) -> Result<json::object> {
    ASSIGN_OR_RETURN(auto u, tx.query_one("SELECT id, username, role, display_name, language, licensed, patient_id, "
                                          "email, phone FROM users WHERE id = ?",
                                          {who.user_id}));
    if (!u) return Status(Code::unauthenticated, "You are not logged in.");
    json::object me = user_json(*u, 0);
    if (!u->is_null(7)) me["email"] = u->text(7);
    if (!u->is_null(8)) me["phone"] = u->text(8);
    if (who.role != domain::Role::patient) {
      ASSIGN_OR_RETURN(
          auto programs,
          tx.query("SELECT program_id FROM staff_programs WHERE user_id = ? ORDER BY program_id", {who.user_id}));
      json::array ids;
      for (const auto& p : programs) ids.emplace_back(p.text(0));
      me["program_ids"] = std::move(ids);
      return me;
    }
    ASSIGN_OR_RETURN(auto ep, tx.query_one("SELECT e.id, e.program_id, p.settings, p.name, p.time_zone FROM episodes e "
                                           "JOIN programs p ON p.id = e.program_id "
                                           "WHERE e.patient_id = ? AND e.status = 'active'",
                                           {*who.patient_id}));
    me["episode_id"] = ep ? json::value(ep->text(0)) : json::value(nullptr);
    me["program_id"] = ep ? json::value(ep->text(1)) : json::value(nullptr);
    json::array resources;
    if (ep) {
      me["program_name"] = ep->text(3);
      me["time_zone"] = ep->text(4);
      boost::system::error_code ec;
      auto settings = json::parse(ep->text(2), ec);
      if (!ec && settings.is_object()) {
        if (auto* cr = settings.as_object().if_contains("crisis_resources"); cr && cr->is_array())
          resources = localized_resources(cr->as_array(), u->text(4));
      }
    }
    me["crisis_resources"] = std::move(resources);
    return me;
  };
  if (who.role != domain::Role::patient) {
    auto r = runner_.read([&](store::Tx& tx) -> Result<Reply> {
      ASSIGN_OR_RETURN(auto me, build(tx));
      return ok(std::move(me));
    });
    return done(std::move(r));
  }
  // A patient's own episode and program are patient data: read and audited in one transaction.
  runner_.write(
      ctx,
      [build, who](store::Tx& tx, Audit& audit) -> Result<Reply> {
        audit.record("patient_read", "me", who.user_id, who.patient_id, "patient.self");
        ASSIGN_OR_RETURN(auto me, build(tx));
        return ok(std::move(me));
      },
      std::move(done));
}

void AuthService::patch_me(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto language = f.one_of("language", false, {"en", "pl", "de"});
  auto current = f.string("current_password", false, {1, 1024});
  auto next = f.string("new_password", false, {1, 1024});
  f.reject_unknown();
  if (current.has_value() != next.has_value())
    f.fail(current ? "new_password" : "current_password", "is required to change the password");
  if (!language && !next && f.ok())
    f.fail("language", "nothing to change: send language or current_password and new_password");
  if (next) {
    if (auto why = domain::check_password(*next, ctx.principal().username))
      f.errors().push_back(password_error("new_password", *why));
  }
  if (!f.ok()) return done(f.status());
  const Principal who = ctx.principal();
  if (!next) {
    runner_.write(
        ctx,
        [who, language, ctx](store::Tx& tx, Audit& audit) -> Result<Reply> {
          RETURN_IF_ERROR(tx.exec("UPDATE users SET language = ?, updated_at = ? WHERE id = ?",
                                  {*language, to_millis(ctx.now), who.user_id})
                              .status());
          audit.record("user_update", "user", who.user_id, who.patient_id, std::nullopt, "language");
          json::object b;
          b["language"] = *language;
          return ok(std::move(b));
        },
        std::move(done));
    return;
  }
  std::string stored;
  Status st = runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto u, tx.query_one("SELECT password_hash FROM users WHERE id = ?", {who.user_id}));
    if (u && !u->is_null(0)) stored = u->text(0);
    return Status::Ok();
  });
  if (!st.ok()) return done(st);
  RequestContext c = ctx;
  bool posted = hash_pool_.post([this, c, who, stored, cur = *current, nxt = *next, language, done]() {
    if (stored.empty() || !auth::verify_password(stored, cur)) {
      const int64_t now = to_millis(c.now);
      runner_.write(
          c,
          [this, who, now](store::Tx& tx, Audit& audit) -> Result<Reply> {
            RETURN_IF_ERROR(record_failure(tx, account_throttle_key(who.username), now, false));
            audit.record("password_change", "user", who.user_id, who.patient_id);
            audit.entries().back().outcome = "failed";
            return Reply{0, nullptr, {}};
          },
          [done](Result<Reply> r) {
            if (!r.ok()) return done(r.status());
            done(Status::Invalid({{"current_password", "is not correct", "incorrect"}}));
          });
      return;
    }
    std::string hash = hash_password(nxt);
    runner_.write(
        c,
        [who, hash, language, c](store::Tx& tx, Audit& audit) -> Result<Reply> {
          const int64_t now = to_millis(c.now);
          RETURN_IF_ERROR(tx.exec("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
                                  "language = COALESCE(?, language) WHERE id = ?",
                                  {hash, now, now, language, who.user_id})
                              .status());
          // Other sessions end: whoever knew the old password is signed out everywhere else.
          RETURN_IF_ERROR(tx.exec("UPDATE sessions SET ended_at = ?, end_reason = 'password_change' WHERE user_id = ? "
                                  "AND id <> ? AND ended_at IS NULL",
                                  {now, who.user_id, who.session_id})
                              .status());
          audit.record("password_change", "user", who.user_id, who.patient_id);
          json::object b;
          b["password_changed"] = true;
          return ok(std::move(b));
        },
        done);
  });
  if (!posted) done(busy());
}

int64_t AuthService::active_sessions(TimePoint now_tp) {
  const int64_t now = to_millis(now_tp);
  int64_t n = 0;
  (void)runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT count(*) FROM sessions WHERE ended_at IS NULL AND "
                                            "absolute_expires_at > ? AND last_seen_at + idle_ms > ?",
                                            {now, now - options_.touch_interval.count()}));
    if (row) n = row->i64(0);
    return Status::Ok();
  });
  return n;
}

}  // namespace pomost::service
