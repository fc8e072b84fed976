#include "service/setup.h"

#include "core/time.h"
#include "domain/password_policy.h"
#include "service/runner.h"

namespace pomost::service {

Result<InstallState> install_state(store::Store& store) {
  InstallState s;
  RETURN_IF_ERROR(store.read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT count(*), COALESCE(min(demo), 0) FROM organizations"));
    s.has_organization = row && row->i64(0) > 0;
    s.demo = s.has_organization && row->i64(1) == 1;
    return Status::Ok();
  }));
  return s;
}

Status init_organization(store::Store& store, const audit::Chain& chain, const Clock& clock, const InitRequest& req,
                         auth::HashCost cost) {
  if (auto why = domain::check_password(req.admin_password, req.admin_username))
    return Status::Invalid({password_error("password", *why)});
  if (!is_valid_time_zone(req.time_zone)) return Status::Invalid({{"time_zone", "is not an IANA time zone"}});
  const std::string hash = auth::hash_password(req.admin_password, cost);
  const TimePoint now = clock.now();
  const int64_t ms = to_millis(now);
  return store.write_sync([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto existing, tx.query_one("SELECT id FROM organizations LIMIT 1"));
    if (existing)
      return Status::ConflictWith({"state", existing->text(0)}, "This database already holds an organization.");
    const std::string org = auth::new_id("org"), site = auth::new_id("sit"), admin = auth::new_id("usr");
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO organizations (id, name, demo, created_at) VALUES (?, ?, 0, ?)", {org, req.org_name, ms}));
    RETURN_IF_ERROR(tx.exec("INSERT INTO sites (org_id, id, name, time_zone, created_at) VALUES (?, ?, ?, ?, ?)",
                            {org, site, req.site_name, req.time_zone, ms}));
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO users (org_id, id, username, password_hash, role, display_name, language, licensed, "
                "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, 'admin', ?, 'en', 0, ?, ?, ?)",
                {org, admin, req.admin_username, hash, req.admin_username, ms, ms, ms}));
    RequestContext ctx;
    ctx.now = now;
    ctx.request_id = "cli-init";
    ctx.client_addr = "local";
    std::vector<Audit::Entry> e{
        {"organization_init", "organization", org, std::nullopt, "success", std::nullopt, "admin=" + admin}};
    return Runner::append_audit(chain, tx, ctx, org, e, std::nullopt, std::string("system"));
  });
}

}  // namespace pomost::service
