#include "app/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>

#include "core/duration.h"

namespace pomost::app {

const std::vector<Setting>& settings() {
  static const std::vector<Setting> kSettings = {
      {"server.listen", "POMOST_LISTEN", "HOST:PORT to listen on (default 127.0.0.1:8080)"},
      {"server.threads", "POMOST_THREADS", "I/O threads (default 2)"},
      {"server.body_limit", "POMOST_BODY_LIMIT", "largest request body in bytes (default 1048576)"},
      {"server.header_limit", "POMOST_HEADER_LIMIT", "largest request header block in bytes (default 16384)"},
      {"server.idle_timeout", "POMOST_IDLE_TIMEOUT", "keep-alive idle time, e.g. 60s"},
      {"server.request_timeout", "POMOST_REQUEST_TIMEOUT", "time to read a request or write a response, e.g. 30s"},
      {"server.tls_cert", "POMOST_TLS_CERT", "PEM certificate chain; enables TLS with tls_key"},
      {"server.tls_key", "POMOST_TLS_KEY", "PEM private key"},
      {"server.web_root", "POMOST_WEB_ROOT", "directory of the built web app"},
      {"server.max_connections", "POMOST_MAX_CONNECTIONS", "open connections at most (default 4096)"},
      {"store.db", "POMOST_DB", "SQLite database file (default pomost.db)"},
      {"store.max_batch", "POMOST_MAX_BATCH", "write requests per group commit at most (default 1024)"},
      {"security.secret_file", "POMOST_SECRET_FILE", "file holding the audit chain key (default <db>.secret)"},
      {"security.anchor_file", "POMOST_ANCHOR_FILE", "audit chain anchor file (default <db>.audit-anchor)"},
      {"security.hash_threads", "POMOST_HASH_THREADS", "password hashing threads (default 1)"},
      {"auth.staff_idle", "POMOST_AUTH_STAFF_IDLE", "staff session idle timeout (default 15m)"},
      {"auth.staff_absolute", "POMOST_AUTH_STAFF_ABSOLUTE", "staff session lifetime (default 12h)"},
      {"auth.patient_idle", "POMOST_AUTH_PATIENT_IDLE", "remembered patient device idle timeout (default 7d)"},
      {"auth.patient_absolute", "POMOST_AUTH_PATIENT_ABSOLUTE", "remembered patient device lifetime (default 30d)"},
      {"auth.throttle_base", "POMOST_AUTH_THROTTLE_BASE", "first delay after a failed login (default 1s)"},
      {"auth.throttle_max", "POMOST_AUTH_THROTTLE_MAX", "longest delay (default 15m)"},
      {"auth.address_failures", "POMOST_AUTH_ADDRESS_FAILURES",
       "failures per address in the window before delays (default 50)"},
      {"auth.address_window", "POMOST_AUTH_ADDRESS_WINDOW", "window for address failures (default 15m)"},
      {"auth.touch_interval", "POMOST_AUTH_TOUCH_INTERVAL", "how often session activity is written (default 60s)"},
      {"log.level", "POMOST_LOG_LEVEL", "trace, debug, info, warn, error (default info)"},
      {"data.dir", "POMOST_DATA_DIR", "instruments, check-in forms and translations (default: data/ of the sources)"},
      {"data.instruments_dir", "POMOST_INSTRUMENTS_DIR",
       "the clinic's own instrument definitions (e.g. a licensed C-SSRS)"},
      {"notify.public_url", "POMOST_PUBLIC_URL", "address staff use to reach Pomost, for links in webhooks and e-mail"},
      {"notify.smtp_url", "POMOST_SMTP_URL",
       "smtp://host:port or smtps://...; e-mail notifications are off without it"},
      {"notify.smtp_from", "POMOST_SMTP_FROM", "sender address of notification e-mails"},
      {"notify.smtp_user", "POMOST_SMTP_USER", "SMTP login"},
      {"notify.smtp_password", "POMOST_SMTP_PASSWORD", "SMTP password (prefer the environment over the file)"},
  };
  return kSettings;
}

namespace {

bool known(const std::string& key) {
  for (const auto& s : settings())
    if (s.key == key) return true;
  return false;
}

Status from_toml(const std::string& path, std::map<std::string, std::string>& values) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::Invalid({{path, std::string(e.description())}}, "The configuration file is not valid TOML.");
  }
  std::vector<FieldError> errors;
  for (auto&& [section, node] : t) {
    const auto* tbl = node.as_table();
    if (!tbl) {
      errors.push_back({std::string(section.str()), "must be a [section]"});
      continue;
    }
    for (auto&& [key, v] : *tbl) {
      std::string full = std::string(section.str()) + "." + std::string(key.str());
      if (!known(full)) {
        errors.push_back({full, "is not a known setting"});
        continue;
      }
      if (auto s = v.value<std::string>())
        values[full] = *s;
      else if (auto i = v.value<int64_t>())
        values[full] = std::to_string(*i);
      else if (auto b = v.value<bool>())
        values[full] = *b ? "true" : "false";
      else
        errors.push_back({full, "must be a string, an integer or a boolean"});
    }
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "The configuration file has bad settings.");
  return {};
}

}  // namespace

Result<Config> load_config(const std::optional<std::string>& file,
                           const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> v;
  if (file) RETURN_IF_ERROR(from_toml(*file, v));
  for (const auto& s : settings())
    if (const char* e = std::getenv(s.env.c_str()); e && *e) v[s.key] = e;
  for (const auto& [k, val] : overrides) v[k] = val;

  Config c;
  std::vector<FieldError> errors;
  auto get = [&](const std::string& k) -> std::optional<std::string> {
    auto it = v.find(k);
    if (it == v.end()) return std::nullopt;
    return it->second;
  };
  auto integer = [&](const std::string& k, int64_t min, int64_t max, auto& out) {
    if (auto s = get(k)) {
      try {
        size_t used = 0;
        int64_t n = std::stoll(*s, &used);
        if (used != s->size() || n < min || n > max) throw std::out_of_range(k);
        out = static_cast<std::remove_reference_t<decltype(out)>>(n);
      } catch (const std::exception&) {
        errors.push_back({k, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
      }
    }
  };
  auto duration = [&](const std::string& k, Millis min, Millis& out) {
    if (auto s = get(k)) {
      auto d = parse_duration(*s);
      if (!d || *d < min)
        errors.push_back({k, "must be a duration such as 500ms, 30s, 15m, 12h or 7d"});
      else
        out = *d;
    }
  };
  auto seconds = [&](const std::string& k, std::chrono::seconds& out) {
    Millis m{out};
    duration(k, Millis(1000), m);
    out = std::chrono::duration_cast<std::chrono::seconds>(m);
  };

  if (auto listen = get("server.listen")) {
    auto colon = listen->rfind(':');
    int64_t port = -1;
    if (colon != std::string::npos) {
      try {
        port = std::stoll(listen->substr(colon + 1));
      } catch (const std::exception&) {
      }
    }
    if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
      errors.push_back({"server.listen", "must be HOST:PORT, e.g. 127.0.0.1:8080"});
    } else {
      c.server.host = listen->substr(0, colon);
      if (c.server.host.size() > 2 && c.server.host.front() == '[')
        c.server.host = c.server.host.substr(1, c.server.host.size() - 2);
      c.server.port = static_cast<uint16_t>(port);
    }
  }
  integer("server.threads", 1, 64, c.server.threads);
  integer("server.body_limit", 1024, 64LL * 1024 * 1024, c.server.body_limit);
  integer("server.header_limit", 1024, 1024 * 1024, c.server.header_limit);
  integer("server.max_connections", 1, 1000000, c.server.max_connections);
  seconds("server.idle_timeout", c.server.idle_timeout);
  seconds("server.request_timeout", c.server.request_timeout);
  if (auto s = get("server.tls_cert")) c.server.tls_cert = *s;
  if (auto s = get("server.tls_key")) c.server.tls_key = *s;
  if (auto s = get("server.web_root")) c.web_root = *s;
  if (auto s = get("store.db")) c.db = *s;
  integer("store.max_batch", 1, 100000, c.max_batch);
  if (auto s = get("security.secret_file")) c.secret_file = *s;
  if (auto s = get("security.anchor_file")) c.anchor_file = *s;
  integer("security.hash_threads", 1, 16, c.hash_threads);
  duration("auth.staff_idle", Millis(1000), c.auth.staff_idle);
  duration("auth.staff_absolute", Millis(1000), c.auth.staff_absolute);
  duration("auth.patient_idle", Millis(1000), c.auth.patient_idle);
  duration("auth.patient_absolute", Millis(1000), c.auth.patient_absolute);
  duration("auth.throttle_base", Millis(1), c.auth.throttle_base);
  duration("auth.throttle_max", Millis(1), c.auth.throttle_max);
  integer("auth.address_failures", 1, 100000, c.auth.address_failures);
  duration("auth.address_window", Millis(1000), c.auth.address_window);
  duration("auth.touch_interval", Millis(0), c.auth.touch_interval);
  if (auto s = get("data.dir")) c.data_dir = *s;
  if (auto s = get("data.instruments_dir")) c.instruments_dir = *s;
  if (auto s = get("notify.public_url")) c.public_url = *s;
  if (auto s = get("notify.smtp_url")) c.smtp_url = *s;
  if (auto s = get("notify.smtp_from")) c.smtp_from = *s;
  if (auto s = get("notify.smtp_user")) c.smtp_user = *s;
  if (auto s = get("notify.smtp_password")) c.smtp_password = *s;
  if (auto s = get("log.level")) {
    if (*s != "trace" && *s != "debug" && *s != "info" && *s != "warn" && *s != "error")
      errors.push_back({"log.level", "must be trace, debug, info, warn or error"});
    c.log_level = *s;
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "The configuration has bad settings.");

  if (c.secret_file.empty()) c.secret_file = c.db + ".secret";
  if (c.anchor_file.empty()) c.anchor_file = c.db + ".audit-anchor";
  c.server.max_connections = std::max<size_t>(c.server.max_connections, 1);
  c.auth.secure_cookies = !c.server.tls_cert.empty();
  return c;
}

}  // namespace pomost::app
