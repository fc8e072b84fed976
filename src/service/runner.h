// Runs use cases against the store: authorize -> transaction -> audit, in one place.
//
// `write` runs a use case on the group-committing writer inside its own savepoint. The audit
// entries it gathered are appended to the organization's chain in the same transaction (after
// rolling back the use case's own changes when it failed, so denials are on record too), and the
// caller is answered only once that transaction is durable. Idempotency keys are honoured here.
#pragma once
#include <functional>

#include "audit/chain.h"
#include "service/context.h"
#include "store/db.h"

namespace pomost::service {

using WriteBody = std::function<Result<Reply>(store::Tx&, Audit&)>;

class Runner {
 public:
  Runner(store::Store& store, const audit::Chain& chain) : store_(store), chain_(chain) {}

  // Use cases that touch patient data or change anything. `done` runs on the writer thread.
  void write(const RequestContext& ctx, WriteBody body, Done done);
  // Reads that touch no patient data (nothing to audit). Runs on the calling thread.
  Result<Reply> read(const std::function<Result<Reply>(store::Tx&)>& body);

  // Appends audit records outside any use case (login, logout), in a write of its own.
  static Status append_audit(const audit::Chain& chain, store::Tx& tx, const RequestContext& ctx,
                             const std::string& org_id, std::vector<Audit::Entry>& entries,
                             const std::optional<std::string>& user_id, const std::optional<std::string>& role);

  store::Store& store() { return store_; }
  const audit::Chain& chain() const { return chain_; }

 private:
  store::Store& store_;
  const audit::Chain& chain_;
};

// The outcome recorded for a request that failed with this status.
std::string outcome_for(const Status& st);

}  // namespace pomost::service
