// Helpers shared by the registry use cases (JSON shapes of rows, lookups, validations).
#pragma once
#include <string>

#include "service/context.h"
#include "store/db.h"

namespace pomost::service::registry {

inline const char* kProgramCols =
    "id, site_id, name, focus, population, level_of_care, days_per_week, hours_per_day, min_hours_per_week, "
    "time_zone, language, version, created_at, updated_at";
json::object program_json(const store::Row& r);

inline const char* kPatientCols =
    "id, given_name, family_name, birth_date, sex, preferred_language, phone, email, emergency_contact, version, "
    "created_at, updated_at";
json::object patient_json(const store::Row& r);

inline const char* kEpisodeCols =
    "id, patient_id, program_id, status, referral_source, admitted_on, primary_therapist_id, psychiatrist_id, "
    "previous_episode_id, discharged_on, discharge_reason, aftercare, version, created_at, updated_at, "
    "planned_discharge_on";
Result<json::object> episode_json(store::Tx& tx, const store::Row& r);

inline const char* kStaffCols =
    "id, username, display_name, role, licensed, language, email, phone, active, version, created_at, updated_at";
Result<json::object> staff_json(store::Tx& tx, const store::Row& r);

inline const char* kGroupCols =
    "id, program_id, track_id, name, kind, leader_id, co_leader_id, room_id, capacity, version, created_at, "
    "updated_at, "
    "ends_on";
json::object group_json(const store::Row& r);

std::string ts(int64_t ms);  // RFC 3339 of stored milliseconds

// The site a new program or room belongs to: the one named, or the organization's only site
// (422 `required` when there are several, `unknown_site` when the named one is not ours).
Result<std::string> resolve_site(store::Tx& tx, const std::string& org_id, const std::optional<std::string>& site_id);

// A staff member of the organization usable in a role (e.g. a care team slot); adds a field
// error and returns false when not.
struct StaffCheck {
  bool must_be_licensed = false;
  std::vector<std::string> roles;         // empty: any staff role except admin
  std::optional<std::string> program_id;  // must be assigned to this program
};
Result<bool> check_staff(store::Tx& tx, const std::string& org_id, const std::string& user_id, const StaffCheck& check,
                         const std::string& field, std::vector<FieldError>& errors);

// A change of a group's weekly schedule (another track, or its track's pattern) takes effect on
// a program-local date. The earliest allowed: today, after the last day with attendance (sessions
// held keep their times), and not before an earlier change took effect. Returns that date and,
// through `why`, the code of the bound that set it ("past", "before_attendance", "before_change").
struct ScheduleFloor {
  int date = 0;
  std::string why;
};
Result<ScheduleFloor> schedule_change_floor(store::Tx& tx, const std::string& group_id, const std::string& time_zone,
                                            TimePoint now);
// The program-local date of the group's last session with attendance on record, if any.
Result<std::optional<int>> last_attended_day(store::Tx& tx, const std::string& group_id, const std::string& time_zone);
FieldError schedule_floor_error(const ScheduleFloor& floor);
// Keeps the group's current pattern for the days before `effective_from`.
Status keep_schedule_before(store::Tx& tx, const std::string& org_id, const std::string& group_id, int effective_from,
                            TimePoint now);

}  // namespace pomost::service::registry

// In callback-style use cases: answer `done` with the error and return.
#define RETURN_IF_ERROR_DONE(expr, done)                    \
  do {                                                      \
    const auto& _st = (expr);                               \
    if (!_st.ok()) return (done)(::pomost::status_of(_st)); \
  } while (0)
