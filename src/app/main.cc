// The composition root: options, wiring and the commands of shared/spec/api.md. The only place
// that knows the concrete store, the Beast server and the clock.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/config.h"
#include "audit/chain.h"
#include "auth/crypto.h"
#include "core/text.h"
#include "core/time.h"
#include "core/work_queue.h"
#include "http/api.h"
#include "http/metrics.h"
#include "http/server.h"
#include "notify/curl_sender.h"
#include "service/access.h"
#include "service/alerts.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/documentation.h"
#include "service/event_hub.h"
#include "service/monitoring.h"
#include "service/operations.h"
#include "service/outbox.h"
#include "service/registry_service.h"
#include "service/setup.h"
#include "store/sqlite/sqlite_store.h"

namespace pomost::app {
namespace {

#ifdef POMOST_TESTING
constexpr auth::HashCost kHashCost = auth::HashCost::minimal;  // test builds only
#else
constexpr auth::HashCost kHashCost = auth::HashCost::interactive;
#endif

int fail(const std::string& what, const Status& st) {
  std::cerr << "pomost: " << what << ": " << st.message() << "\n";
  for (const auto& e : st.errors()) std::cerr << "  " << e.field << ": " << e.message << "\n";
  return 1;
}

// The audit chain key lives outside the database. It is created with the database and never
// afterwards: a missing key for a database with audit records is an error, not a new key.
Result<std::string> load_secret(const Config& c, bool may_create) {
  std::ifstream in(c.secret_file);
  if (in) {
    std::string hex;
    in >> hex;
    if (hex.size() != 64)
      return Status::Internal("the secret file " + c.secret_file + " is damaged (want 64 hex digits)");
    std::string key;
    for (size_t i = 0; i < 64; i += 2) key += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return key;
  }
  if (!may_create)
    return Status::Internal("the secret file " + c.secret_file + " is missing; it holds the audit chain key");
  std::string key = auth::random_bytes(32);
  std::string tmp = c.secret_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << hex_encode(key) << "\n";
    if (!out) return Status::Internal("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, c.secret_file);
  spdlog::info("created the audit chain key in {}", c.secret_file);
  return key;
}

struct Opened {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<audit::Chain> chain;
  std::string key;  // the installation secret (audit chain key; other keys are derived from it)
};

Result<Opened> open_store(const Config& c) {
  store::StoreOptions so;
  so.path = c.db;
  so.max_batch = c.max_batch;
  ASSIGN_OR_RETURN(auto st, store::open_sqlite(so));
  ASSIGN_OR_RETURN(auto applied, st->migrate());
  for (const auto& m : applied) spdlog::info("applied migration {}", m);
  ASSIGN_OR_RETURN(auto state, service::install_state(*st));
  ASSIGN_OR_RETURN(std::string key, load_secret(c, !state.has_organization));
  Opened o;
  o.chain = std::make_unique<audit::Chain>(key, c.anchor_file);
  o.key = key;
  o.store = std::move(st);
  return o;
}

std::string default_data_dir() {
#ifdef POMOST_SOURCE_DIR
  return (std::filesystem::path(POMOST_SOURCE_DIR) / "data").string();
#else
  return "data";
#endif
}

Status load_nicknames(const Config& c, domain::NicknameTable& nicknames) {
  const std::string path = (c.data_dir.empty() ? default_data_dir() : c.data_dir) + "/names/nicknames.json";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  auto o = parse_object(ss.str());
  if (!o.ok()) return Status::Internal(path + " is missing or not JSON");
  std::map<std::string, std::vector<std::string>> table;
  for (const auto& [given, list] : *o) {
    if (given.starts_with("_")) continue;  // comments
    if (!list.is_array()) return Status::Internal(path + ": each name needs a list of short forms");
    for (const auto& n : list.as_array()) {
      if (!n.is_string()) return Status::Internal(path + ": short forms are strings");
      table[std::string(given)].emplace_back(n.as_string());
    }
  }
  nicknames.load(table);
  return {};
}

Status load_catalogs(const Config& c, domain::InstrumentCatalog& instruments, domain::ReasonCatalog& reasons) {
  const std::string dir = c.data_dir.empty() ? default_data_dir() : c.data_dir;
  RETURN_IF_ERROR(instruments.load_directory(dir + "/instruments"));
  RETURN_IF_ERROR(instruments.load_directory(dir + "/checkin-forms"));
  if (!c.instruments_dir.empty()) RETURN_IF_ERROR(instruments.load_directory(c.instruments_dir));
  std::ifstream in(dir + "/i18n/reasons.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto o = parse_object(ss.str());
  if (!o.ok()) return Status::Internal(dir + "/i18n/reasons.json is missing or not JSON");
  return reasons.load(*o);
}

std::string default_web_root() {
#ifdef POMOST_SOURCE_DIR
  std::filesystem::path p = std::filesystem::path(POMOST_SOURCE_DIR) / "web" / "dist";
  if (std::filesystem::exists(p / "index.html")) return p.string();
#endif
  return "";
}

int serve(const Config& c, bool demo_flag, const std::string& simulated_clock) {
  auto opened = open_store(c);
  if (!opened.ok()) return fail("cannot open the store", opened.status());
  auto& store = *opened->store;
  auto& chain = *opened->chain;
  const std::string chain_key = opened->key;

  RealClock real_clock;
  std::unique_ptr<SimulatedClock> sim;
  const Clock* clock = &real_clock;
#ifdef POMOST_TESTING
  if (!simulated_clock.empty()) {
    auto t = parse_rfc3339(simulated_clock);
    if (!t) return fail("bad --simulated-clock", Status(Code::invalid, "want an RFC 3339 timestamp"));
    sim = std::make_unique<SimulatedClock>(*t);
    clock = sim.get();
  }
#else
  (void)simulated_clock;
#endif

  domain::InstrumentCatalog instruments;
  domain::ReasonCatalog reasons;
  if (auto st = load_catalogs(c, instruments, reasons); !st.ok()) return fail("cannot load instruments", st);
  auto state = service::install_state(store);
  if (!state.ok()) return fail("cannot read the database", state.status());
  if (demo_flag) {
    if (state->has_organization && !state->demo) {
      std::cerr << "pomost: refusing --demo: the database " << c.db << " holds real (non-demo) data\n";
      return 2;
    }
    if (!state->has_organization) {
      auto logins = service::seed_demo(store, chain, *clock, kHashCost, instruments);
      if (!logins.ok()) return fail("cannot seed the demo clinic", logins.status());
      if (auto st = chain.write_anchor(store); !st.ok()) return fail("cannot write the audit anchor", st);
      std::cout << "\nDemo clinic seeded with synthetic data. Logins (synthetic, for this demo only):\n";
      for (const auto& l : *logins)
        std::cout << "  " << l.username << std::string(l.username.size() < 16 ? 16 - l.username.size() : 1, ' ')
                  << l.password << "   " << l.role << " - " << l.note << "\n";
      std::cout << std::endl;
    }
  } else if (!state->has_organization) {
    std::cerr << "pomost: the database " << c.db
              << " is empty: run `pomost init --admin NAME` or `pomost serve --demo`\n";
    return 2;
  }
  const bool demo = demo_flag || state->demo;
  if (demo) spdlog::warn("DEMO MODE: this server holds synthetic demo data only");

  domain::NicknameTable nicknames;
  if (auto st = load_nicknames(c, nicknames); !st.ok()) return fail("cannot load nicknames", st);

  notify::init_curl();
  auto sender = notify::make_curl_sender({c.smtp_url, c.smtp_from, c.smtp_user, c.smtp_password});
  service::OutboxWorker outbox(store, *clock, *sender);
  service::EventHub hub;
  hub.after_commit(store);

  http::Metrics metrics;
  store.set_batch_observer([&metrics](size_t jobs, double secs) { metrics.commit_batch(jobs, secs); });
  store.set_after_commit([&store, &chain, &hub, &outbox] {
    if (auto st = chain.write_anchor(store); !st.ok()) spdlog::error("audit anchor: {}", st.message());
    hub.after_commit(store);
    outbox.wake();
  });

  WorkQueue hash_pool(c.hash_threads, 256);
  service::AuthOptions auth_options = c.auth;
  auth_options.csrf_key = auth::blake2b_keyed(chain_key, "pomost-csrf-key-v1");
  service::Runner runner(store, chain);
  service::Access access;
  service::AuthService auth(runner, *clock, hash_pool, auth_options);
  service::RegistryService registry(runner, access, auth, hash_pool, !c.smtp_url.empty());
  service::AuditService audit_service(runner, access);
  const std::string public_url = !c.public_url.empty()
                                     ? c.public_url
                                     : std::string(c.server.tls_cert.empty() ? "http" : "https") + "://" +
                                           c.server.host + ":" + std::to_string(c.server.port);
  service::AlertEngine alert_engine(reasons, {public_url, !c.smtp_url.empty()});
  WorkQueue feed_pool(1, 100000);
  service::Monitoring monitoring(runner, access, *clock, instruments, reasons, alert_engine, hub, auth, feed_pool);
  service::Operations operations(runner, access, alert_engine);
  service::Documentation documentation(runner, access, nicknames, alert_engine);
  metrics.gauge("pomost_active_sessions", "Sessions not ended and not expired.",
                [&auth, clock] { return static_cast<double>(auth.active_sessions(clock->now())); });

  http::ApiOptions api_options;
  api_options.web_root = c.web_root.empty() ? default_web_root() : c.web_root;
  api_options.demo = demo;
  api_options.tls = !c.server.tls_cert.empty();
  api_options.test_clock = sim.get();
  http::Api api(
      http::Services{store, *clock, auth, registry, audit_service, monitoring, operations, documentation, hub, metrics},
      api_options);
  http::Server server(c.server, api);
  if (auto st = server.bind(); !st.ok()) return fail("cannot start", st);
  std::cout << "pomost: listening on " << (api_options.tls ? "https" : "http") << "://" << c.server.host << ":"
            << server.port() << std::endl;
  spdlog::info("listening on {}:{} (database {})", c.server.host, server.port(), c.db);
  outbox.start();
  // The time-driven work: escalation deadlines, missed check-ins, stream heartbeats and expiry.
  std::atomic<bool> ticking{true};
  std::thread ticker([&] {
    while (ticking) {
      try {
        monitoring.tick(clock->now());
        if (auto st = operations.tick(clock->now()); !st.ok()) spdlog::error("operations: {}", st.message());
      } catch (const std::exception& e) {
        spdlog::error("time-driven work: {}", e.what());
      }
      hub.tick();
      for (int i = 0; i < 5 && ticking; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  server.run();
  spdlog::info("stopped accepting; closing the store");
  ticking = false;
  ticker.join();
  outbox.stop();
  feed_pool.stop();
  hash_pool.stop();
  store.close();
  (void)chain.write_anchor(store);
  spdlog::info("stopped cleanly");
  return 0;
}

int init(const Config& c, const std::string& admin, const std::string& org_name, const std::string& tz) {
  auto opened = open_store(c);
  if (!opened.ok()) return fail("cannot open the store", opened.status());
  std::string password;
  if (!std::getline(std::cin, password))
    return fail("init", Status(Code::invalid, "read the administrator's password from standard input"));
  if (!password.empty() && password.back() == '\r') password.pop_back();
  service::InitRequest req;
  req.admin_username = ascii_lower(trim(admin));
  req.admin_password = password;
  req.org_name = org_name;
  req.time_zone = tz;
  RealClock clock;
  if (auto st = service::init_organization(*opened->store, *opened->chain, clock, req, kHashCost); !st.ok())
    return fail("init", st);
  if (auto st = opened->chain->write_anchor(*opened->store); !st.ok()) return fail("init", st);
  opened->store->close();
  std::cout << "pomost: initialized " << c.db << " with administrator " << req.admin_username << "\n";
  return 0;
}

}  // namespace
}  // namespace pomost::app

int main(int argc, char** argv) {
  using namespace pomost;
  using namespace pomost::app;
  auth::init_crypto();
  auto logger = spdlog::stderr_color_mt("pomost");
  spdlog::set_default_logger(logger);

  CLI::App cli{"Pomost: an intensive outpatient program, run on one server"};
  cli.require_subcommand(1);
  std::optional<std::string> config_file;
  std::map<std::string, std::string> overrides;
  std::string db, listen, web_root, log_level;
  std::vector<std::string> sets;
  auto common = [&](CLI::App* sub) {
    sub->add_option("--config", config_file, "TOML configuration file")->envname("POMOST_CONFIG");
    sub->add_option("--db", db, "database file");
    sub->add_option("--log-level", log_level, "trace, debug, info, warn, error");
    sub->add_option("--set", sets, "any setting as section.key=value (see docs/configuration.md)");
  };

  auto* serve_cmd = cli.add_subcommand("serve", "run the server");
  common(serve_cmd);
  bool demo = false;
  std::string simulated_clock;
  serve_cmd->add_option("--listen", listen, "HOST:PORT");
  serve_cmd->add_option("--web-root", web_root, "directory of the built web app");
  serve_cmd->add_flag("--demo", demo, "seed and serve a synthetic demo clinic");
#ifdef POMOST_TESTING
  serve_cmd->add_option("--simulated-clock", simulated_clock, "test builds: start a controllable clock at this time");
#endif

  auto* init_cmd =
      cli.add_subcommand("init", "create the organization and its first administrator (password on stdin)");
  common(init_cmd);
  std::string admin, org_name = "Pomost Clinic", tz = "Europe/Warsaw";
  init_cmd->add_option("--admin", admin, "administrator username")->required();
  init_cmd->add_option("--org-name", org_name, "organization name");
  init_cmd->add_option("--time-zone", tz, "the site's IANA time zone");

  auto* migrate_cmd = cli.add_subcommand("migrate", "apply pending schema migrations");
  common(migrate_cmd);

  auto* audit_cmd = cli.add_subcommand("audit", "audit trail tools");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "check the hash chain and its anchor");
  common(verify_cmd);

  auto* backup_cmd = cli.add_subcommand("backup", "write an online, consistent copy of the database");
  common(backup_cmd);
  std::string backup_path;
  backup_cmd->add_option("PATH", backup_path, "destination file (must not exist)")->required();

  auto* version_cmd = cli.add_subcommand("version", "print the version");
  common(version_cmd);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }

  if (version_cmd->parsed()) {
    std::cout << "pomost " << POMOST_VERSION
#ifdef POMOST_TESTING
              << " (test build)"
#endif
              << "\n";
    return 0;
  }

  if (!db.empty()) overrides["store.db"] = db;
  if (!listen.empty()) overrides["server.listen"] = listen;
  if (!web_root.empty()) overrides["server.web_root"] = web_root;
  if (!log_level.empty()) overrides["log.level"] = log_level;
  for (const auto& s : sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos) {
      std::cerr << "pomost: --set wants section.key=value, got " << s << "\n";
      return 2;
    }
    overrides[s.substr(0, eq)] = s.substr(eq + 1);
  }
  for (const auto& [k, v] : overrides) {
    bool ok = false;
    for (const auto& st : settings()) ok = ok || st.key == k;
    if (!ok) {
      std::cerr << "pomost: unknown setting " << k << "\n";
      return 2;
    }
  }
  auto config = load_config(config_file, overrides);
  if (!config.ok()) return fail("configuration", config.status());
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  if (serve_cmd->parsed()) return serve(*config, demo, simulated_clock);
  if (init_cmd->parsed()) return init(*config, admin, org_name, tz);
  if (migrate_cmd->parsed()) {
    store::StoreOptions so;
    so.path = config->db;
    auto st = store::open_sqlite(so);
    if (!st.ok()) return fail("migrate", st.status());
    auto applied = (*st)->migrate();
    if (!applied.ok()) return fail("migrate", applied.status());
    std::cout << "pomost: " << applied->size() << " migrations applied\n";
    for (const auto& m : *applied) std::cout << "  " << m << "\n";
    return 0;
  }
  if (verify_cmd->parsed()) {
    if (!std::filesystem::exists(config->db))
      return fail("audit verify", Status::NotFound("no database at " + config->db));
    auto opened = open_store(*config);
    if (!opened.ok()) return fail("audit verify", opened.status());
    auto report = opened->chain->verify(*opened->store);
    if (!report.ok) {
      std::cerr << "pomost: audit chain BROKEN: " << report.problem << "\n";
      return 1;
    }
    std::cout << "pomost: audit chain intact (" << report.records << " records)\n";
    return 0;
  }
  if (backup_cmd->parsed()) {
    if (std::filesystem::exists(backup_path)) return fail("backup", Status::Invalid({{"PATH", "already exists"}}));
    auto opened = open_store(*config);
    if (!opened.ok()) return fail("backup", opened.status());
    // The anchor is copied first: the copy of the database can only be newer than it.
    auto heads = audit::Chain::read_anchor(config->anchor_file);
    if (!heads.ok()) return fail("backup", heads.status());
    if (auto st = opened->store->backup(backup_path); !st.ok()) return fail("backup", st);
    if (auto st = audit::Chain::write_anchor_file(backup_path + ".audit-anchor", *heads); !st.ok())
      return fail("backup", st);
    std::cout << "pomost: backup written to " << backup_path << " (audit anchor: " << backup_path << ".audit-anchor)\n";
    return 0;
  }
  return 0;
}
