#include "service/registry_common.h"

#include "core/time.h"

namespace pomost::service::registry {

std::string ts(int64_t ms) {
  return format_rfc3339(from_millis(ms));
}

Result<std::string> resolve_site(store::Tx& tx, const std::string& org_id, const std::optional<std::string>& site_id) {
  if (site_id) {
    ASSIGN_OR_RETURN(auto s, tx.query_one("SELECT id FROM sites WHERE id = ? AND org_id = ?", {*site_id, org_id}));
    if (!s) return Status::Invalid({{"site_id", "is not a site of this organization", "unknown_site"}});
    return *site_id;
  }
  ASSIGN_OR_RETURN(auto sites, tx.query("SELECT id FROM sites WHERE org_id = ? ORDER BY created_at LIMIT 2", {org_id}));
  if (sites.size() != 1)
    return Status::Invalid({{"site_id", "is required when the organization has several sites", "required"}});
  return sites[0].text(0);
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
  o["planned_discharge_on"] = opt(r.opt_text(15));
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

Result<std::optional<int>> last_attended_day(store::Tx& tx, const std::string& group_id, const std::string& time_zone) {
  // Group sessions are "gs_<group>_<YYYYMMDD>"; attendance keeps the session's start.
  ASSIGN_OR_RETURN(auto held, tx.query_one("SELECT max(session_starts_at) FROM attendance WHERE session_id LIKE ?",
                                           {"gs_" + group_id + "_%"}));
  if (!held || held->is_null(0)) return std::optional<int>();
  return std::optional<int>(local_date(from_millis(held->i64(0)), time_zone));
}

Result<ScheduleFloor> schedule_change_floor(store::Tx& tx, const std::string& group_id, const std::string& time_zone,
                                            TimePoint now) {
  ScheduleFloor floor{local_date(now, time_zone), "past"};
  ASSIGN_OR_RETURN(auto held, last_attended_day(tx, group_id, time_zone));
  if (held && *held + 1 > floor.date) floor = {*held + 1, "before_attendance"};
  ASSIGN_OR_RETURN(auto changed,
                   tx.query_one("SELECT max(through_date) FROM group_schedule_history WHERE group_id = ?", {group_id}));
  if (changed && !changed->is_null(0))
    if (auto d = parse_date(changed->text(0)); d && *d + 1 > floor.date) floor = {*d + 1, "before_change"};
  return floor;
}

FieldError schedule_floor_error(const ScheduleFloor& floor) {
  const std::string day = format_date(floor.date);
  std::string why = floor.why == "before_attendance" ? "attendance is recorded up to the day before"
                    : floor.why == "before_change"   ? "an earlier schedule change takes effect then"
                                                     : "a schedule change cannot reach into the past";
  return {"effective_from", "must be " + day + " or later: " + why, floor.why, {{"date", day}}};
}

Status keep_schedule_before(store::Tx& tx, const std::string& org_id, const std::string& group_id, int effective_from,
                            TimePoint now) {
  // A second change on the same day replaces the first, which never took effect: the pattern
  // already kept for the days before stays as it is.
  return status_of(tx.exec(
      "INSERT INTO group_schedule_history (org_id, group_id, through_date, track_id, weekdays, start_time, end_time, "
      "created_at) SELECT ?, g.id, ?, t.id, t.weekdays, t.start_time, t.end_time, ? FROM groups g JOIN tracks t ON "
      "t.id = g.track_id WHERE g.id = ? AND NOT EXISTS (SELECT 1 FROM group_schedule_history h WHERE h.group_id = g.id "
      "AND h.through_date = ?)",
      {org_id, format_date(effective_from - 1), to_millis(now), group_id, format_date(effective_from - 1)}));
}

}  // namespace pomost::service::registry
