#include "service/runner.h"

#include <spdlog/spdlog.h>

#include "auth/crypto.h"
#include "core/time.h"

namespace pomost::service {

std::string outcome_for(const Status& st) {
  switch (st.code()) {
    case Code::ok:
      return "success";
    case Code::permission_denied:
    case Code::not_found:
    case Code::unauthenticated:
      return st.rule().empty() ? "failed" : "denied";
    case Code::too_many_requests:
      return "throttled";
    default:
      return "failed";
  }
}

Status Runner::append_audit(const audit::Chain& chain, store::Tx& tx, const RequestContext& ctx,
                            const std::string& org_id, std::vector<Audit::Entry>& entries,
                            const std::optional<std::string>& user_id, const std::optional<std::string>& role) {
  for (auto& e : entries) {
    audit::Record r;
    r.org_id = org_id;
    r.at = ctx.now;
    r.user_id = user_id;
    r.role = role;
    r.action = e.action;
    r.resource_type = e.resource_type;
    r.resource_id = e.resource_id;
    r.patient_id = e.patient_id;
    r.outcome = e.outcome;
    r.rule = e.rule;
    r.request_id = ctx.request_id;
    r.client_addr = ctx.client_addr;
    r.detail = e.detail;
    RETURN_IF_ERROR(chain.append(tx, r));
  }
  return {};
}

namespace {

// The status column's value for a stored refusal; its problem is in response.problem.
constexpr int64_t kStoredProblem = 0;

std::string fingerprint(const RequestContext& ctx) {
  return auth::blake2b(ctx.method + "\n" + ctx.path + "\n" + ctx.body);
}

}  // namespace

void Runner::write(const RequestContext& ctx, WriteBody body, Done done) {
  auto result = std::make_shared<Result<Reply>>(Status::Internal("not run"));
  auto job_ctx = std::make_shared<RequestContext>(ctx);
  store::WriteJob job;
  job.run = [this, job_ctx, result, body = std::move(body)](store::Tx& tx) -> Status {
    const RequestContext& c = *job_ctx;
    const bool idempotent = c.idempotency_key && c.who && c.method == "POST";
    if (idempotent) {
      ASSIGN_OR_RETURN(auto prior,
                       tx.query_one("SELECT request_hash, status, response FROM idempotency_keys "
                                    "WHERE user_id = ? AND key = ? AND created_at > ?",
                                    {c.who->user_id, *c.idempotency_key, to_millis(c.now) - 24 * 3600 * 1000}));
      if (prior) {
        if (prior->text(0) != fingerprint(c)) {
          *result = Status::Invalid({{"Idempotency-Key", "was already used with a different request"}});
        } else {
          boost::system::error_code ec;
          json::value stored = json::parse(prior->text(2), ec);
          if (prior->i64(1) == kStoredProblem) {
            const json::value* problem =
                !ec && stored.is_object() ? stored.as_object().if_contains("problem") : nullptr;
            *result = problem && problem->is_object() ? Status::from_json(problem->as_object()).as_replayed()
                                                      : Status::Internal("a stored answer could not be read");
          } else {
            *result =
                Reply{static_cast<int>(prior->i64(1)), ec ? json::value() : stored, {{"Idempotent-Replayed", "true"}}};
          }
        }
        return Status::Ok();
      }
    }
    Audit audit;
    RETURN_IF_ERROR(tx.exec("SAVEPOINT use_case").status());
    Result<Reply> r = Status::Internal("not run");
    try {
      r = body(tx, audit);
    } catch (const std::exception& e) {
      spdlog::error("request {}: use case threw: {}", c.request_id, e.what());
      r = Status::Internal("the use case failed");
    }
    if (!r.ok() && !r.status().keep_writes()) {
      RETURN_IF_ERROR(tx.exec("ROLLBACK TO use_case").status());
      for (auto& e : audit.entries()) {
        if (e.outcome == "success") {
          e.outcome = outcome_for(r.status());
          if (!e.rule && !r.status().rule().empty()) e.rule = r.status().rule();
        }
      }
    }
    RETURN_IF_ERROR(tx.exec("RELEASE use_case").status());
    // A refusal that kept its writes (a safety answer in an incomplete submission) is stored too:
    // a retry must not record the risk event twice.
    const bool kept_refusal = !r.ok() && r.status().keep_writes();
    if (idempotent && (r.ok() || kept_refusal)) {
      RETURN_IF_ERROR(
          tx.exec("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ?", {c.who->user_id, *c.idempotency_key})
              .status());
      const int64_t status = r.ok() ? r->status : kStoredProblem;
      const std::string response =
          r.ok() ? json::serialize(r->body) : json::serialize(json::object{{"problem", r.status().to_json()}});
      RETURN_IF_ERROR(tx.exec("INSERT INTO idempotency_keys (org_id, user_id, key, request_hash, status, response, "
                              "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                              {c.who->org_id, c.who->user_id, *c.idempotency_key, store::Blob{fingerprint(c)}, status,
                               response, to_millis(c.now)})
                          .status());
    }
    if (c.who && !audit.entries().empty()) {
      RETURN_IF_ERROR(append_audit(chain_, tx, c, c.who->org_id, audit.entries(), c.who->user_id,
                                   std::string(domain::to_string(c.who->role))));
    }
    *result = std::move(r);
    return Status::Ok();
  };
  job.done = [result, done = std::move(done)](const Status& st) {
    if (!st.ok()) {
      done(st);
      return;
    }
    done(std::move(*result));
  };
  store_.submit(std::move(job));
}

Result<Reply> Runner::read(const std::function<Result<Reply>(store::Tx&)>& body) {
  Result<Reply> out = Status::Internal("not run");
  Status st = store_.read([&](store::Tx& tx) -> Status {
    out = body(tx);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace pomost::service
