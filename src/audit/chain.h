// The audit trail: one keyed hash chain per organization.
//
// Each record's hash is BLAKE2b keyed with a secret kept outside the database, over the record's
// fields and the previous record's hash, so someone holding only the database file cannot rewrite
// history. After every commit batch the chain heads are written to an anchor file outside the
// database, so cutting records off the end is detected too. Appends happen inside the caller's
// transaction: if the audit write fails, the operation fails with it.
#pragma once
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/db.h"

namespace pomost::audit {

struct Record {
  std::string org_id;
  int64_t seq = 0;
  TimePoint at;
  std::optional<std::string> user_id;
  std::optional<std::string> role;
  std::string action;
  std::optional<std::string> resource_type;
  std::optional<std::string> resource_id;
  std::optional<std::string> patient_id;
  std::string outcome;  // success, denied, failed, throttled
  std::optional<std::string> rule;
  std::optional<std::string> request_id;
  std::optional<std::string> client_addr;
  std::optional<std::string> detail;  // never clinical free text, never secrets
  std::string prev_hash;              // 32 bytes
  std::string hash;                   // 32 bytes
};

struct Head {
  int64_t count = 0;
  std::string hash;  // 32 bytes; all zero before the first record
};

struct VerifyReport {
  bool ok = true;
  int64_t records = 0;
  std::string problem;  // names the first bad record
};

class Chain {
 public:
  // key: 32 secret bytes; anchor_path: a file outside the database.
  Chain(std::string key, std::string anchor_path);

  // Appends r (seq, prev_hash and hash are filled in) inside tx.
  Status append(store::Tx& tx, Record& r) const;

  // Writes the current heads of every organization to the anchor file when they changed.
  // Called after each commit batch, on the writer thread.
  Status write_anchor(store::Store& store);

  // Recomputes every chain and compares it with the anchor file.
  VerifyReport verify(store::Store& store) const;

  // Reads an anchor file (empty map when the file does not exist).
  static Result<std::map<std::string, Head>> read_anchor(const std::string& path);
  static Status write_anchor_file(const std::string& path, const std::map<std::string, Head>& heads);

  std::string hash_record(const Record& r) const;

 private:
  std::string key_;
  std::string anchor_path_;
  std::mutex mu_;
  std::map<std::string, Head> last_written_;
};

}  // namespace pomost::audit
