#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "store/migrations.h"

namespace pomost::store {
namespace {

// One SQLite connection with its prepared-statement cache.
class Conn {
 public:
  Conn() = default;
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_) sqlite3_close_v2(db_);
  }

  Status open(const StoreOptions& o, bool read_only) {
    int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX;  // each connection is used by one thread at a time
    if (sqlite3_open_v2(o.path.c_str(), &db_, flags, nullptr) != SQLITE_OK)
      return Status::Internal("cannot open database " + o.path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    sqlite3_busy_timeout(db_, o.busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    // A page cache that holds the hot tables and indexes (SQLite's default is 2 MB): the writer
    // otherwise re-reads pages from the OS on every batch.
    const char* pragmas = read_only ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON; PRAGMA cache_size=-16384;"
                                    : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                                      "PRAGMA cache_size=-65536;";
    return exec_script(pragmas);
  }

  Status exec_script(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Internal("sqlite: " + msg);
    }
    return {};
  }

  sqlite3* db() { return db_; }

  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK)
      return Status::Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) + " in: " + key);
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Status error_status(sqlite3* db, int rc) {
  std::string msg = sqlite3_errmsg(db);
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
    return Status(Code::conflict, "unique constraint: " + msg);
  if ((rc & 0xFF) == SQLITE_CONSTRAINT) return Status(Code::invalid, "constraint: " + msg);
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_FULL || (rc & 0xFF) == SQLITE_IOERR)
    return Status(Code::unavailable, "sqlite: " + msg);
  return Status::Internal("sqlite: " + msg);
}

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Conn& c) : c_(c) {}
  Dialect dialect() const override { return Dialect::sqlite; }

  Result<int64_t> exec(std::string_view sql, const Params& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.prepare(sql));
    StmtGuard guard{stmt};
    RETURN_IF_ERROR(bind(stmt, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return error_status(c_.db(), sqlite3_extended_errcode(c_.db()));
    return static_cast<int64_t>(sqlite3_changes(c_.db()));
  }

  Result<Rows> query(std::string_view sql, const Params& params) override {
    ASSIGN_OR_RETURN(sqlite3_stmt * stmt, c_.prepare(sql));
    StmtGuard guard{stmt};
    RETURN_IF_ERROR(bind(stmt, params));
    Rows rows;
    int rc;
    int n = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<Value> cols;
      cols.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            cols.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_FLOAT:
            cols.emplace_back(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_TEXT:
            cols.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                          static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
            break;
          case SQLITE_BLOB: {
            const void* p = sqlite3_column_blob(stmt, i);
            size_t len = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
            cols.emplace_back(Blob{std::string(static_cast<const char*>(p), len)});
            break;
          }
          default:
            cols.emplace_back();
            break;
        }
      }
      rows.emplace_back(std::move(cols));
    }
    if (rc != SQLITE_DONE) return error_status(c_.db(), sqlite3_extended_errcode(c_.db()));
    return rows;
  }

 private:
  struct StmtGuard {
    sqlite3_stmt* s;
    ~StmtGuard() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  };

  Status bind(sqlite3_stmt* stmt, const Params& params) {
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt))
      return Status::Internal("wrong number of SQL parameters: " + std::string(sqlite3_sql(stmt)));
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      int rc = std::visit(
          [&](const auto& v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>)
              return sqlite3_bind_null(stmt, idx);
            else if constexpr (std::is_same_v<T, int64_t>)
              return sqlite3_bind_int64(stmt, idx, v);
            else if constexpr (std::is_same_v<T, double>)
              return sqlite3_bind_double(stmt, idx, v);
            else if constexpr (std::is_same_v<T, std::string>)
              return sqlite3_bind_text(stmt, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
            else
              return sqlite3_bind_blob(stmt, idx, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_TRANSIENT);
          },
          params[i].get());
      if (rc != SQLITE_OK) return error_status(c_.db(), rc);
    }
    return {};
  }

  Conn& c_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(StoreOptions o) : options_(std::move(o)) {}
  ~SqliteStore() override { close(); }

  Status start() {
    writer_ = std::make_unique<Conn>();
    RETURN_IF_ERROR(writer_->open(options_, false));
    thread_ = std::thread([this] { writer_loop(); });
    return {};
  }

  Dialect dialect() const override { return Dialect::sqlite; }

  Status read(const std::function<Status(Tx&)>& fn) override {
    std::unique_ptr<Conn> conn;
    {
      std::lock_guard lock(pool_mu_);
      if (!pool_.empty()) {
        conn = std::move(pool_.back());
        pool_.pop_back();
      }
    }
    if (!conn) {
      conn = std::make_unique<Conn>();
      RETURN_IF_ERROR(conn->open(options_, true));
    }
    Status st = conn->exec_script("BEGIN");
    if (st.ok()) {
      SqliteTx tx(*conn);
      try {
        st = fn(tx);
      } catch (const std::exception& e) {
        st = Status::Internal(std::string("read failed: ") + e.what());
      }
      (void)conn->exec_script("ROLLBACK");  // read-only: nothing to keep
    }
    std::lock_guard lock(pool_mu_);
    if (static_cast<int>(pool_.size()) < options_.read_connections) pool_.push_back(std::move(conn));
    return st;
  }

  void submit(WriteJob job) override {
    {
      std::lock_guard lock(mu_);
      if (!stopping_) {
        queue_.push_back(std::move(job));
        cv_.notify_one();
        return;
      }
    }
    job.done(Status(Code::unavailable, "the store is shutting down"));
  }

  void set_after_commit(std::function<void()> hook) override {
    std::lock_guard lock(mu_);
    after_commit_ = std::move(hook);
  }
  void set_batch_observer(std::function<void(size_t, double)> observer) override {
    std::lock_guard lock(mu_);
    observer_ = std::move(observer);
  }

  Result<std::vector<std::string>> migrate() override {
    std::vector<std::string> applied;
    Status st = write_sync([&](Tx& tx) -> Status {
      RETURN_IF_ERROR(tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER "
                              "NOT NULL) STRICT")
                          .status());
      ASSIGN_OR_RETURN(Rows done, tx.query("SELECT name FROM schema_migrations"));
      std::vector<std::string> have;
      for (const auto& r : done) have.push_back(r.text(0));
      for (const auto& m : embedded_migrations(Dialect::sqlite)) {
        if (std::find(have.begin(), have.end(), m.name) != have.end()) continue;
        RETURN_IF_ERROR(writer_->exec_script(m.sql));
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO schema_migrations(name, applied_at) VALUES (?, strftime('%s','now'))", {m.name})
                .status());
        applied.push_back(m.name);
      }
      return {};
    });
    if (!st.ok()) return st;
    return applied;
  }

  // VACUUM INTO reads one snapshot and writes a compact, consistent copy while writers go on.
  Status backup(const std::string& path) override { return backup_into(path); }

  void close() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
    writer_.reset();
    std::lock_guard lock(pool_mu_);
    pool_.clear();
  }

 private:
  Status backup_into(const std::string& path) {
    Conn c;
    RETURN_IF_ERROR(c.open(options_, false));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(c.db(), "VACUUM INTO ?", -1, &stmt, nullptr) != SQLITE_OK)
      return Status::Internal(sqlite3_errmsg(c.db()));
    sqlite3_bind_text(stmt, 1, path.c_str(), -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    Status st = rc == SQLITE_DONE ? Status() : Status::Internal(std::string("backup: ") + sqlite3_errmsg(c.db()));
    sqlite3_finalize(stmt);
    return st;
  }

  void writer_loop() {
    std::vector<WriteJob> batch;
    std::vector<Status> results;
    for (;;) {
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) break;  // stopping and drained
        while (!queue_.empty() && batch.size() < options_.max_batch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      auto t0 = std::chrono::steady_clock::now();
      run_batch(batch, results);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
      std::function<void()> hook;
      std::function<void(size_t, double)> observer;
      {
        std::lock_guard lock(mu_);
        hook = after_commit_;
        observer = observer_;
      }
      if (observer) observer(batch.size(), secs);
      if (hook) hook();
      batch.clear();
      results.clear();
    }
  }

  void run_batch(std::vector<WriteJob>& batch, std::vector<Status>& results) {
    results.assign(batch.size(), Status());
    Status begun = writer_->exec_script("BEGIN IMMEDIATE");
    if (!begun.ok()) {
      spdlog::error("store: cannot begin a write transaction: {}", begun.message());
      results.assign(batch.size(), Status(Code::unavailable, "the store cannot take writes right now"));
      return;
    }
    SqliteTx tx(*writer_);
    for (size_t i = 0; i < batch.size(); ++i) {
      Status sp = writer_->exec_script("SAVEPOINT job");
      if (!sp.ok()) {
        results[i] = sp;
        continue;
      }
      Status st;
      try {
        st = batch[i].run(tx);
      } catch (const std::exception& e) {
        st = Status::Internal(std::string("write job threw: ") + e.what());
      }
      if (sqlite3_get_autocommit(writer_->db())) {
        // SQLite rolled the whole transaction back (disk full, I/O error): nothing in it survives.
        spdlog::error("store: transaction lost mid-batch: {}", st.message());
        results.assign(batch.size(), Status(Code::unavailable, "the store cannot take writes right now"));
        return;
      }
      if (!st.ok()) (void)writer_->exec_script("ROLLBACK TO job");
      (void)writer_->exec_script("RELEASE job");
      results[i] = std::move(st);
    }
    Status committed = writer_->exec_script("COMMIT");
    if (!committed.ok()) {
      spdlog::error("store: commit failed: {}", committed.message());
      (void)writer_->exec_script("ROLLBACK");
      results.assign(batch.size(), Status(Code::unavailable, "the store cannot take writes right now"));
    }
  }

  StoreOptions options_;
  std::unique_ptr<Conn> writer_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<WriteJob> queue_;
  bool stopping_ = false;
  std::function<void()> after_commit_;
  std::function<void(size_t, double)> observer_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Conn>> pool_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const StoreOptions& options) {
  auto store = std::make_unique<SqliteStore>(options);
  RETURN_IF_ERROR(store->start());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace pomost::store
