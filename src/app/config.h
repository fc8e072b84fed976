// Configuration: defaults, then a TOML file, then POMOST_* environment variables, then flags.
// Read once at start; immutable afterwards.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "http/server.h"
#include "service/auth_service.h"

namespace pomost::app {

struct Config {
  http::ServerOptions server;
  std::string db = "pomost.db";  // SQLite file
  std::string secret_file;       // audit chain key; default: <db>.secret
  std::string anchor_file;       // audit chain anchor; default: <db>.audit-anchor
  std::string web_root;          // built web app; default: web/dist beside the sources, if built
  size_t max_batch = 1024;       // jobs per group commit
  int hash_threads = 1;          // password hashing pool (argon2id is slow by design)
  std::string log_level = "info";
  std::string data_dir;         // instruments, check-in forms, translations; default: data/ of the source tree
  std::string instruments_dir;  // the clinic's own definitions, added to or replacing shipped ones
  std::string public_url;       // how staff reach this server (links in webhooks and e-mail)
  std::string smtp_url, smtp_from, smtp_user, smtp_password;  // e-mail is off without smtp_url
  service::AuthOptions auth;
};

// Every setting by its key ("server.listen"), with its environment variable and default.
struct Setting {
  std::string key;
  std::string env;
  std::string help;
};
const std::vector<Setting>& settings();

// Builds the configuration. `overrides` holds flag values by setting key.
Result<Config> load_config(const std::optional<std::string>& file, const std::map<std::string, std::string>& overrides);

}  // namespace pomost::app
