// Raw SQLite: the rows of one acknowledged patient write (patient + audit record), inserted with
// WAL and synchronous=FULL, in batches of 1, 64 and 256 per commit. The server's throughput is
// reported as a ratio to the best of these (bench/README in docs/performance.md).
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace {

std::string temp_db() {
  std::random_device rd;
  auto p = std::filesystem::temp_directory_path() / ("pomost-bench-" + std::to_string(rd()) + ".db");
  return p.string();
}

void check(int rc, sqlite3* db) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db));
}

void BM_DurableInsert(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const std::string path = temp_db();
  {
    // The server's own schema, from its migrations.
    pomost::store::StoreOptions o;
    o.path = path;
    auto s = pomost::store::open_sqlite(o);
    if (!s.ok() || !(*s)->migrate().ok()) {
      state.SkipWithError("cannot create the schema");
      return;
    }
    (void)(*s)->write_sync([](pomost::store::Tx& tx) {
      RETURN_IF_ERROR(tx.exec("INSERT INTO organizations (id, name, created_at) VALUES ('org_bench', 'Bench', 0)"));
      return tx
          .exec(
              "INSERT INTO users (org_id, id, username, role, display_name, language, created_at, updated_at) "
              "VALUES ('org_bench', 'usr_bench', 'bench', 'therapist', 'Bench', 'en', 0, 0)")
          .status();
    });
    (*s)->close();
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;", nullptr, nullptr,
                     nullptr),
        db);
  sqlite3_stmt* patient = nullptr;
  sqlite3_stmt* audit = nullptr;
  check(sqlite3_prepare_v2(db,
                           "INSERT INTO patients (org_id, id, given_name, family_name, name_key, birth_date, sex, "
                           "preferred_language, phone, email, emergency_contact, created_by, created_at, updated_at) "
                           "VALUES ('org_bench', ?, 'Bench', ?, ?, '1990-01-01', 'unknown', 'en', NULL, NULL, NULL, "
                           "'usr_bench', ?, ?)",
                           -1, &patient, nullptr),
        db);
  check(
      sqlite3_prepare_v2(db,
                         "INSERT INTO audit_log (org_id, seq, at, user_id, role, action, resource_type, resource_id, "
                         "patient_id, outcome, rule, request_id, client_addr, detail, prev_hash, hash) VALUES "
                         "('org_bench', ?, ?, 'usr_bench', 'therapist', 'patient_create', 'patient', ?, ?, 'success', "
                         "'staff.intake.create', 'req-0000', '127.0.0.1', NULL, ?, ?)",
                         -1, &audit, nullptr),
      db);
  const std::string hash(32, 'h');
  int64_t n = 0;
  for (auto _ : state) {
    check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db);
    for (int i = 0; i < batch; ++i, ++n) {
      const std::string id = "pat_bench" + std::to_string(n);
      const std::string family = "Writer" + std::to_string(n);
      sqlite3_bind_text(patient, 1, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(patient, 2, family.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(patient, 3, ("bench " + family).c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(patient, 4, n);
      sqlite3_bind_int64(patient, 5, n);
      check(sqlite3_step(patient), db);
      sqlite3_reset(patient);
      sqlite3_bind_int64(audit, 1, n + 1);
      sqlite3_bind_int64(audit, 2, n);
      sqlite3_bind_text(audit, 3, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(audit, 4, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(audit, 5, hash.data(), 32, SQLITE_TRANSIENT);
      sqlite3_bind_blob(audit, 6, hash.data(), 32, SQLITE_TRANSIENT);
      check(sqlite3_step(audit), db);
      sqlite3_reset(audit);
    }
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db);
  }
  state.SetItemsProcessed(n);  // items = acknowledged writes (patient + audit row each)
  sqlite3_finalize(patient);
  sqlite3_finalize(audit);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

BENCHMARK(BM_DurableInsert)->Arg(1)->Arg(64)->Arg(256)->MinTime(3.0)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
