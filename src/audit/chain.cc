#include "audit/chain.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "auth/crypto.h"
#include "core/text.h"
#include "core/time.h"

namespace pomost::audit {
namespace {

const std::string kZeroHash(32, '\0');

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += ';';
}
void put_opt(std::string& out, const std::optional<std::string>& field) {
  if (!field) {
    out += "-;";
    return;
  }
  put(out, std::string_view(*field));
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

constexpr const char* kSelectHead = "SELECT seq, hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1";

}  // namespace

Chain::Chain(std::string key, std::string anchor_path) : key_(std::move(key)), anchor_path_(std::move(anchor_path)) {}

std::string Chain::hash_record(const Record& r) const {
  // Length-prefixed fields: no two different records serialize alike.
  std::string msg = "pomost-audit-v1;";
  put(msg, r.org_id);
  put(msg, std::to_string(r.seq));
  put(msg, std::to_string(to_millis(r.at)));
  put_opt(msg, r.user_id);
  put_opt(msg, r.role);
  put(msg, r.action);
  put_opt(msg, r.resource_type);
  put_opt(msg, r.resource_id);
  put_opt(msg, r.patient_id);
  put(msg, r.outcome);
  put_opt(msg, r.rule);
  put_opt(msg, r.request_id);
  put_opt(msg, r.client_addr);
  put_opt(msg, r.detail);
  put(msg, r.prev_hash);
  return auth::blake2b_keyed(key_, msg);
}

Status Chain::append(store::Tx& tx, Record& r) const {
  ASSIGN_OR_RETURN(auto head, tx.query_one(kSelectHead, {r.org_id}));
  r.seq = head ? head->i64(0) + 1 : 1;
  r.prev_hash = head ? head->text(1) : kZeroHash;
  r.hash = hash_record(r);
  return tx
      .exec(
          "INSERT INTO audit_log (org_id, seq, at, user_id, role, action, resource_type, resource_id, patient_id, "
          "outcome, rule, request_id, client_addr, detail, prev_hash, hash) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {r.org_id, r.seq, to_millis(r.at), r.user_id, r.role, r.action, r.resource_type, r.resource_id, r.patient_id,
           r.outcome, r.rule, r.request_id, r.client_addr, r.detail, store::Blob{r.prev_hash}, store::Blob{r.hash}})
      .status();
}

Result<std::map<std::string, Head>> Chain::read_anchor(const std::string& path) {
  std::map<std::string, Head> heads;
  std::ifstream in(path);
  if (!in) return heads;
  std::string line;
  if (!std::getline(in, line) || line != "pomost-audit-anchor v1")
    return Status::Internal("the audit anchor file " + path + " is not an anchor file");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream ls(line);
    std::string org, hex;
    int64_t count = -1;
    ls >> org >> count >> hex;
    auto hash = from_hex(hex);
    if (org.empty() || count < 0 || !hash || hash->size() != 32)
      return Status::Internal("the audit anchor file " + path + " is damaged");
    heads[org] = Head{count, *hash};
  }
  return heads;
}

Status Chain::write_anchor_file(const std::string& path, const std::map<std::string, Head>& heads) {
  std::string body = "pomost-audit-anchor v1\n";
  for (const auto& [org, h] : heads) body += org + " " + std::to_string(h.count) + " " + hex_encode(h.hash) + "\n";
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Internal("cannot write the audit anchor " + tmp);
  bool good = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size()) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!good || std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::Internal("cannot write the audit anchor " + path);
  return {};
}

Status Chain::write_anchor(store::Store& store) {
  std::map<std::string, Head> heads;
  RETURN_IF_ERROR(store.read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto orgs, tx.query("SELECT id FROM organizations ORDER BY id"));
    for (const auto& o : orgs) {
      ASSIGN_OR_RETURN(auto head, tx.query_one(kSelectHead, {o.text(0)}));
      if (head) heads[o.text(0)] = Head{head->i64(0), head->text(1)};
    }
    return Status::Ok();
  }));
  std::lock_guard lock(mu_);
  bool same = heads.size() == last_written_.size();
  for (auto it = heads.begin(); same && it != heads.end(); ++it) {
    auto old = last_written_.find(it->first);
    same = old != last_written_.end() && old->second.count == it->second.count;
  }
  if (same) return {};
  RETURN_IF_ERROR(write_anchor_file(anchor_path_, heads));
  last_written_ = std::move(heads);
  return {};
}

VerifyReport Chain::verify(store::Store& store) const {
  VerifyReport report;
  // The anchor is read before the database so the snapshot can only be newer than it.
  auto anchor = read_anchor(anchor_path_);
  if (!anchor.ok()) return {false, 0, anchor.status().message()};
  auto fail = [&](std::string msg) {
    if (report.ok) {
      report.ok = false;
      report.problem = std::move(msg);
    }
  };
  Status st = store.read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto orgs, tx.query("SELECT DISTINCT org_id FROM audit_log UNION SELECT id FROM organizations"));
    for (const auto& o : orgs) {
      std::string org = o.text(0);
      std::string prev = kZeroHash;
      int64_t expected = 1;
      std::optional<std::string> hash_at_anchor;
      auto a = anchor->find(org);
      const int64_t page = 5000;
      for (;;) {
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT seq, at, user_id, role, action, resource_type, resource_id, patient_id, "
                                  "outcome, rule, request_id, client_addr, detail, prev_hash, hash FROM audit_log "
                                  "WHERE org_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
                                  {org, expected, page}));
        for (const auto& row : rows) {
          Record r;
          r.org_id = org;
          r.seq = row.i64(0);
          r.at = from_millis(row.i64(1));
          r.user_id = row.opt_text(2);
          r.role = row.opt_text(3);
          r.action = row.text(4);
          r.resource_type = row.opt_text(5);
          r.resource_id = row.opt_text(6);
          r.patient_id = row.opt_text(7);
          r.outcome = row.text(8);
          r.rule = row.opt_text(9);
          r.request_id = row.opt_text(10);
          r.client_addr = row.opt_text(11);
          r.detail = row.opt_text(12);
          r.prev_hash = row.text(13);
          std::string stored = row.text(14);
          std::string where = "organization " + org + ", audit record " + std::to_string(r.seq);
          if (r.seq != expected) {
            fail("organization " + org + ": audit record " + std::to_string(expected) +
                 " is missing (deleted); the chain continues at record " + std::to_string(r.seq));
            return Status::Ok();
          }
          if (r.prev_hash != prev) {
            fail(where + ": does not link to the record before it (a record was deleted or inserted)");
            return Status::Ok();
          }
          if (!auth::equal_constant_time(hash_record(r), stored)) {
            fail(where + ": its contents do not match its hash (changed or inserted)");
            return Status::Ok();
          }
          if (a != anchor->end() && r.seq == a->second.count) hash_at_anchor = stored;
          prev = stored;
          ++expected;
          ++report.records;
        }
        if (static_cast<int64_t>(rows.size()) < page) break;
      }
      int64_t count = expected - 1;
      if (a != anchor->end()) {
        if (count < a->second.count) {
          fail("organization " + org + ": the anchor records " + std::to_string(a->second.count) +
               " audit records but the database holds " + std::to_string(count) +
               " (records were cut off the end); first missing record: " + std::to_string(count + 1));
          return Status::Ok();
        }
        if (!hash_at_anchor || *hash_at_anchor != a->second.hash) {
          fail("organization " + org + ", audit record " + std::to_string(a->second.count) +
               ": does not match the anchor file (the chain was rewritten)");
          return Status::Ok();
        }
      } else if (count > 0 && anchor->empty()) {
        fail("the audit anchor file " + anchor_path_ + " is missing although the database holds audit records");
        return Status::Ok();
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) fail("cannot read the audit log: " + st.message());
  return report;
}

}  // namespace pomost::audit
