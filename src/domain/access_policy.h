// The one access policy of rules.md: (role, action, relationship to the patient or program) ->
// allow, deny by default. Pure data and one decision function; the service layer computes the
// relationships from the record and calls decide() for every request, for SQLite and PostgreSQL
// alike.
#pragma once
#include <cstdint>
#include <string_view>

#include "domain/roles.h"

namespace pomost::domain {

enum class Action : uint8_t {
  // About one patient.
  patient_read,    // demographics, episodes, care team
  patient_update,  // demographics
  episode_admit,   // admit into a program (create an episode)
  episode_update,  // care team, discharge
  account_create,  // the patient's own login
  schedule_read,   // sessions and appointments
  attendance_read,
  attendance_write,
  census_row,  // appears in the census
  checkin_read,
  checkin_write,  // also on the patient's behalf
  risk_read,      // latest risk level
  alert_read,
  alert_ack_low,   // acknowledge warning/info
  alert_ack_high,  // acknowledge high/imminent
  alert_resolve,
  alert_seen,
  chart_read,   // the whole chart: notes, measures, plans, medications
  chart_write,  // individual notes, treatment plan
  group_note_write,
  checkin_note_write,
  safety_plan_read,
  safety_plan_write,
  medication_write,
  treatment_plan_read,
  treatment_plan_ack,
  measure_submit,
  meetings_read,
  meetings_write,
  hours_read,
  crisis_manage,
  break_glass,  // ask for emergency access to this patient
  // About the organization or one program (relationship: program membership, or none).
  patient_create,
  patient_search,
  patient_list,        // list the patients within reach (a patient: only themself)
  notifications_read,  // one's own notifications
  staff_read,
  staff_manage,
  program_read,
  program_manage,
  settings_read,
  settings_write,
  roster_read,
  roster_write,
  census_read,
  rooms_manage,
  tracks_manage,
  groups_manage,
  groups_read,
  audit_read,
  metrics_read,
  count_,
};

std::string_view to_string(Action a);

// Relationships of rules.md, as bit flags.
enum Rel : uint32_t {
  kNone = 0,
  kSelf = 1u << 0,        // the patient themself
  kCareTeam = 1u << 1,    // on the active episode's care team
  kProgram = 1u << 2,     // assigned to the patient's (or the named) program
  kGroup = 1u << 3,       // leads or co-leads a group the patient is in
  kOnCall = 1u << 4,      // on the program's roster now, or holding the patient's open alert/crisis
  kIntake = 1u << 5,      // created the record; no episode yet
  kFormer = 1u << 6,      // care team of an episode discharged within 90 days
  kBreakGlass = 1u << 7,  // an unexpired break-glass grant for this patient
  kOrg = 1u << 8,         // same organization (for organization-wide actions)
};
using RelSet = uint32_t;

struct Subject {
  Role role;
  bool licensed = false;
};

struct Decision {
  bool allowed = false;
  // 403 when no relationship could ever allow the action for this role; otherwise 404.
  bool role_never = false;
  std::string_view rule;  // the rule that allowed, or the reason for the denial
};

Decision decide(Subject who, Action action, RelSet relationships);

// True when some relationship could allow `action` for this subject (used to answer 403 before
// any record is looked up, so that 403 never reveals whether a patient exists).
bool role_may_ever(Subject who, Action action);

}  // namespace pomost::domain
