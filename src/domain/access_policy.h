// The one access policy of rules.md: (role, action, relationship to the patient or program) ->
// allow, deny by default. Pure data and one decision function; the service layer computes the
// relationships from the record and calls decide() for every request, for SQLite and PostgreSQL
// alike.
#pragma once
#include <cstdint>
#include <string_view>

#include "domain/roles.h"

namespace pomost::domain {

// Every action, once: the enum and its names come from this list.
#define POMOST_ACTIONS(X)                                                                             \
  /* About one patient. */                                                                            \
  X(patient_read)   /* demographics, episodes, care team */                                           \
  X(patient_update) /* demographics */                                                                \
  X(episode_admit)  /* admit into a program (create an episode) */                                    \
  X(episode_update) /* care team, discharge */                                                        \
  X(account_create) /* the patient's own login */                                                     \
  X(schedule_read)  /* sessions and appointments */                                                   \
  X(attendance_read)                                                                                  \
  X(attendance_write)                                                                                 \
  X(census_row) /* appears in the census */                                                           \
  X(checkin_read)                                                                                     \
  X(checkin_write) /* also on the patient's behalf */                                                 \
  X(risk_read)     /* latest risk level */                                                            \
  X(alert_read)                                                                                       \
  X(alert_ack_low)  /* acknowledge warning/info */                                                    \
  X(alert_ack_high) /* acknowledge high/imminent */                                                   \
  X(alert_resolve)                                                                                    \
  X(alert_seen)                                                                                       \
  X(chart_read)  /* the whole chart: notes, measures, plans, medications */                           \
  X(chart_write) /* individual notes, treatment plan */                                               \
  X(group_note_write)                                                                                 \
  X(checkin_note_write)                                                                               \
  X(safety_plan_read)                                                                                 \
  X(safety_plan_write)                                                                                \
  X(medication_write)                                                                                 \
  X(treatment_plan_read)                                                                              \
  X(treatment_plan_ack)                                                                               \
  X(measure_submit)                                                                                   \
  X(meetings_read)                                                                                    \
  X(meetings_write)                                                                                   \
  X(hours_read)                                                                                       \
  X(crisis_manage)                                                                                    \
  X(break_glass)         /* ask for emergency access to this patient */                               \
  X(appointment_book)    /* book, move or cancel an individual, psychiatrist or family appointment */ \
  X(availability_write)  /* the patient's unavailable hours */                                        \
  X(certification_write) /* the physician's certification of need */                                  \
  X(note_cosign)         /* co-sign an unlicensed colleague's note */                                 \
  /* About the organization or one program (relationship: program membership, or none). */            \
  X(patient_create)                                                                                   \
  X(patient_search)                                                                                   \
  X(patient_list)       /* list the patients within reach (a patient: only themself) */               \
  X(notifications_read) /* one's own notifications */                                                 \
  X(staff_read)                                                                                       \
  X(staff_manage)                                                                                     \
  X(program_read)                                                                                     \
  X(program_manage)                                                                                   \
  X(settings_read)                                                                                    \
  X(settings_write)                                                                                   \
  X(roster_read)                                                                                      \
  X(roster_write)                                                                                     \
  X(census_read)                                                                                      \
  X(rooms_manage)                                                                                     \
  X(tracks_manage)                                                                                    \
  X(groups_manage)                                                                                    \
  X(groups_read)                                                                                      \
  X(audit_read)                                                                                       \
  X(metrics_read)                                                                                     \
  X(schedule_manage) /* move or cancel a group session of a program */

enum class Action : uint8_t {
#define POMOST_ACTION_ENUM(name) name,
  POMOST_ACTIONS(POMOST_ACTION_ENUM)
#undef POMOST_ACTION_ENUM
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
