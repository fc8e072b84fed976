#include "service/audit_service.h"

#include "core/text.h"
#include "core/time.h"
#include "service/registry_common.h"

namespace pomost::service {

void AuditService::search(const RequestContext& ctx, const Query& q, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, domain::Action::audit_read, "audit"), done);
  std::optional<int64_t> from, to, before;
  for (const char* k : {"from", "to"}) {
    if (auto v = q.get(k)) {
      auto t = parse_rfc3339(*v);
      if (!t) return done(Status(Code::bad_request, std::string("`") + k + "` must be an RFC 3339 timestamp."));
      (std::string(k) == "from" ? from : to) = to_millis(*t);
    }
  }
  int64_t limit = 100;
  if (auto l = q.get("limit")) {
    try {
      limit = std::stoll(*l);
    } catch (const std::exception&) {
      limit = 0;
    }
    if (limit < 1 || limit > 1000) return done(Status(Code::bad_request, "`limit` must be an integer from 1 to 1000."));
  }
  if (auto c = q.get("cursor")) {
    try {
      before = std::stoll(*c);
    } catch (const std::exception&) {
      return done(Status(Code::bad_request, "`cursor` is not valid."));
    }
  }
  auto patient = q.get("patient_id"), user = q.get("user_id"), action = q.get("action"), outcome = q.get("outcome");
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(
            auto rows,
            tx.query("SELECT seq, at, user_id, role, action, resource_type, resource_id, patient_id, outcome, rule, "
                     "request_id, client_addr, detail FROM audit_log WHERE org_id = ? "
                     "AND (? IS NULL OR patient_id = ?) AND (? IS NULL OR user_id = ?) "
                     "AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) AND (? IS NULL OR action = ?) "
                     "AND (? IS NULL OR outcome = ?) AND (? IS NULL OR seq < ?) ORDER BY seq DESC LIMIT ?",
                     {ctx.principal().org_id, patient, patient, user, user, from, from, to, to, action, action, outcome,
                      outcome, before, before, limit}));
        json::array items;
        int64_t last = 0;
        for (const auto& r : rows) {
          json::object o;
          o["seq"] = r.i64(0);
          o["at"] = registry::ts(r.i64(1));
          o["user_id"] = opt(r.opt_text(2));
          o["role"] = opt(r.opt_text(3));
          o["action"] = r.text(4);
          o["resource_type"] = opt(r.opt_text(5));
          o["resource_id"] = opt(r.opt_text(6));
          o["patient_id"] = opt(r.opt_text(7));
          o["outcome"] = r.text(8);
          o["rule"] = opt(r.opt_text(9));
          o["request_id"] = opt(r.opt_text(10));
          o["client_addr"] = opt(r.opt_text(11));
          o["detail"] = opt(r.opt_text(12));
          items.push_back(std::move(o));
          last = r.i64(0);
        }
        // Reading the trail is itself on the trail.
        audit.record("audit_read", "audit", std::nullopt, std::nullopt, "admin.org", patient ? "patient filter" : "");
        json::object out;
        bool more = static_cast<int64_t>(items.size()) == limit;
        out["items"] = std::move(items);
        out["next_cursor"] = more ? json::value(std::to_string(last)) : json::value(nullptr);
        return ok(std::move(out));
      },
      std::move(done));
}

}  // namespace pomost::service
