// The Store interface: the only way the service layer reaches the database.
//
// SQL text is shared between dialects (`?` placeholders, portable types); only DDL differs per
// dialect (migrations/<dialect>/). Writes are group-committed by one writer: each WriteJob runs in
// its own savepoint inside a shared transaction and learns its outcome only after the transaction
// holding it is durable. Reads run concurrently on the calling thread in a snapshot.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace pomost::store {

enum class Dialect { sqlite, postgres };

struct Blob {
  std::string bytes;
};

// A bound parameter or a column value.
class Value {
 public:
  using Variant = std::variant<std::monostate, int64_t, double, std::string, Blob>;
  Value() = default;
  Value(std::nullopt_t) {}                             // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}        // NOLINT
  Value(int64_t v) : v_(v) {}                          // NOLINT
  Value(long long v) : v_(static_cast<int64_t>(v)) {}  // NOLINT
  Value(bool v) : v_(static_cast<int64_t>(v)) {}       // NOLINT
  Value(double v) : v_(v) {}                           // NOLINT
  Value(std::string v) : v_(std::move(v)) {}           // NOLINT
  Value(std::string_view v) : v_(std::string(v)) {}    // NOLINT
  Value(const char* v) : v_(std::string(v)) {}         // NOLINT
  Value(Blob v) : v_(std::move(v)) {}                  // NOLINT
  template <class T>
  Value(const std::optional<T>& o) {  // NOLINT
    if (o) *this = Value(*o);
  }
  const Variant& get() const { return v_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

 private:
  Variant v_;
};

using Params = std::vector<Value>;

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool is_null(size_t i) const { return cols_.at(i).is_null(); }
  int64_t i64(size_t i) const;
  double f64(size_t i) const;
  bool boolean(size_t i) const { return i64(i) != 0; }
  std::string text(size_t i) const;  // TEXT or BLOB bytes; "" for NULL
  std::optional<std::string> opt_text(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;

 private:
  std::vector<Value> cols_;
};

using Rows = std::vector<Row>;

// One transaction (or a savepoint inside one). Not thread-safe; used by one job at a time.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement; returns the number of rows it changed. Unique or primary-key violations
  // answer Code::conflict; other failures Code::internal.
  virtual Result<int64_t> exec(std::string_view sql, const Params& params = {}) = 0;
  virtual Result<Rows> query(std::string_view sql, const Params& params = {}) = 0;
  // The first row, or nullopt.
  Result<std::optional<Row>> query_one(std::string_view sql, const Params& params = {});
};

struct WriteJob {
  // Runs on the writer thread inside its own savepoint; a non-ok status rolls back only this job.
  std::function<Status(Tx&)> run;
  // Called once the transaction holding the job is durable (with run's status), or with the
  // failure that lost it. Runs on the writer thread: keep it short, post elsewhere.
  std::function<void(const Status&)> done;
};

struct StoreOptions {
  std::string path;            // database file (SQLite) or connection string (PostgreSQL)
  size_t max_batch = 1024;     // jobs per group commit; more batching, longer worst-case wait
  int read_connections = 8;    // concurrent readers
  int busy_timeout_ms = 5000;  // waiting on another process (backup, migrate)
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;

  // Runs fn in a consistent read-only snapshot on the calling thread.
  virtual Status read(const std::function<Status(Tx&)>& fn) = 0;
  // Queues a write job for the next group commit.
  virtual void submit(WriteJob job) = 0;
  // Submits and waits: for tools, migrations and start-up, never on an I/O thread.
  Status write_sync(std::function<Status(Tx&)> fn);

  // Called on the writer thread after every committed batch (e.g. to write the audit anchor).
  virtual void set_after_commit(std::function<void()> hook) = 0;
  // Called after every batch with its size and commit latency, for metrics.
  virtual void set_batch_observer(std::function<void(size_t jobs, double seconds)> observer) = 0;

  // Applies pending numbered migrations in order; returns the names applied.
  virtual Result<std::vector<std::string>> migrate() = 0;
  // An online, consistent copy of the whole database.
  virtual Status backup(const std::string& path) = 0;
  // Finishes every queued write, then stops the writer. Idempotent.
  virtual void close() = 0;
};

}  // namespace pomost::store
