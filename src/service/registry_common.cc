#include "service/registry_common.h"

#include "core/time.h"

namespace pomost::service::registry {

std::string ts(int64_t ms) {
  return format_rfc3339(from_millis(ms));
}

json::object program_json(const store::Row& r) {
  json::object o;
  o["id"] = r.text(0);
  o["site_id"] = r.text(1);
  o["name"] = r.text(2);
  o["focus"] = r.text(3);
  o["population"] = r.text(4);
  o["level_of_care"] = r.text(5);
  o["days_per_week"] = r.i64(6);
  o["hours_per_day"] = r.f64(7);
  o["min_hours_per_week"] = r.f64(8);
  o["time_zone"] = r.text(9);
  o["language"] = r.text(10);
  o["version"] = r.i64(11);
  o["created_at"] = ts(r.i64(12));
  o["updated_at"] = ts(r.i64(13));
  return o;
}

json::object patient_json(const store::Row& r) {
  json::object o;
  o["id"] = r.text(0);
  o["given_name"] = r.text(1);
  o["family_name"] = r.text(2);
  o["birth_date"] = r.text(3);
  o["sex"] = r.text(4);
  o["preferred_language"] = r.text(5);
  o["phone"] = opt(r.opt_text(6));
  o["email"] = opt(r.opt_text(7));
  json::value ec = nullptr;
  if (!r.is_null(8)) {
    boost::system::error_code e;
    ec = json::parse(r.text(8), e);
    if (e) ec = nullptr;
  }
  o["emergency_contact"] = ec;
  o["version"] = r.i64(9);
  o["created_at"] = ts(r.i64(10));
  o["updated_at"] = ts(r.i64(11));
  return o;
}

Result<json::object> episode_json(store::Tx& tx, const store::Row& r) {
  json::object o;
  o["id"] = r.text(0);
  o["patient_id"] = r.text(1);
  o["program_id"] = r.text(2);
  o["status"] = r.text(3);
  o["referral_source"] = r.text(4);
  o["admitted_on"] = r.text(5);
  json::object team;
  team["primary_therapist_id"] = opt(r.opt_text(6));
  team["psychiatrist_id"] = opt(r.opt_text(7));
  ASSIGN_OR_RETURN(auto staff,
                   tx.query("SELECT user_id FROM episode_staff WHERE episode_id = ? ORDER BY user_id", {r.text(0)}));
  json::array ids;
  for (const auto& s : staff) ids.emplace_back(s.text(0));
  team["program_staff_ids"] = ids;
  o["care_team"] = std::move(team);
  o["program_staff_ids"] = std::move(ids);  // api.md names it at the top level too
  o["primary_therapist_id"] = opt(r.opt_text(6));
  o["psychiatrist_id"] = opt(r.opt_text(7));
  o["previous_episode_id"] = opt(r.opt_text(8));
  if (r.is_null(9)) {
    o["discharge"] = nullptr;
    o["discharged_on"] = nullptr;
    o["reason"] = nullptr;
    o["aftercare"] = nullptr;
  } else {
    json::object d;
    d["discharged_on"] = r.text(9);
    d["reason"] = r.text(10);
    boost::system::error_code e;
    json::value after = r.is_null(11) ? json::value(nullptr) : json::parse(r.text(11), e);
    d["aftercare"] = e ? json::value(nullptr) : after;
    // api.md's discharge fields, also at the top level.
    o["discharged_on"] = d["discharged_on"];
    o["reason"] = d["reason"];
    o["aftercare"] = d["aftercare"];
    o["discharge"] = std::move(d);
  }
  o["version"] = r.i64(12);
  o["created_at"] = ts(r.i64(13));
  o["updated_at"] = ts(r.i64(14));
  return o;
}

Result<json::object> staff_json(store::Tx& tx, const store::Row& r) {
  json::object o;
  o["id"] = r.text(0);
  o["username"] = r.text(1);
  o["display_name"] = r.text(2);
  o["role"] = r.text(3);
  o["licensed"] = r.boolean(4);
  o["language"] = r.text(5);
  o["email"] = opt(r.opt_text(6));
  o["phone"] = opt(r.opt_text(7));
  o["active"] = r.boolean(8);
  o["version"] = r.i64(9);
  o["created_at"] = ts(r.i64(10));
  o["updated_at"] = ts(r.i64(11));
  ASSIGN_OR_RETURN(
      auto programs,
      tx.query("SELECT program_id FROM staff_programs WHERE user_id = ? ORDER BY program_id", {r.text(0)}));
  json::array ids;
  for (const auto& p : programs) ids.emplace_back(p.text(0));
  o["program_ids"] = std::move(ids);
  return o;
}

json::object group_json(const store::Row& r) {
  json::object o;
  o["id"] = r.text(0);
  o["program_id"] = r.text(1);
  o["track_id"] = r.text(2);
  o["name"] = r.text(3);
  o["kind"] = r.text(4);
  o["leader_id"] = r.text(5);
  o["co_leader_id"] = opt(r.opt_text(6));
  o["room_id"] = opt(r.opt_text(7));
  o["capacity"] = r.i64(8);
  o["version"] = r.i64(9);
  o["created_at"] = ts(r.i64(10));
  o["updated_at"] = ts(r.i64(11));
  o["ends_on"] = opt(r.opt_text(12));
  return o;
}

Result<bool> check_staff(store::Tx& tx, const std::string& org_id, const std::string& user_id, const StaffCheck& check,
                         const std::string& field, std::vector<FieldError>& errors) {
  ASSIGN_OR_RETURN(
      auto u, tx.query_one("SELECT role, licensed, active FROM users WHERE id = ? AND org_id = ?", {user_id, org_id}));
  if (!u || u->text(0) == "patient" || !u->boolean(2)) {
    errors.push_back({field, "is not an active staff member", "not_staff"});
    return false;
  }
  const std::string role = u->text(0);
  if (check.roles.empty() ? role == "admin"
                          : std::find(check.roles.begin(), check.roles.end(), role) == check.roles.end()) {
    std::string list;
    for (const auto& r : check.roles) list += (list.empty() ? "" : ", ") + r;
    if (check.roles.empty()) {
      errors.push_back({field, "must be a clinical staff member, not an admin", "not_clinical"});
    } else {
      json::array roles;
      for (const auto& r : check.roles) roles.emplace_back(r);
      errors.push_back({field, "must be a staff member with role " + list, "role", {{"allowed", std::move(roles)}}});
    }
    return false;
  }
  if (check.must_be_licensed && !u->boolean(1)) {
    errors.push_back({field, "must be a licensed clinician", "not_licensed"});
    return false;
  }
  if (check.program_id) {
    ASSIGN_OR_RETURN(auto a, tx.query_one("SELECT 1 FROM staff_programs WHERE user_id = ? AND program_id = ?",
                                          {user_id, *check.program_id}));
    if (!a) {
      errors.push_back({field, "is not assigned to this program", "not_assigned"});
      return false;
    }
  }
  return true;
}

}  // namespace pomost::service::registry
