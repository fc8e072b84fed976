#include "domain/access_policy.h"

#include <array>
#include <initializer_list>
#include <vector>

namespace pomost::domain {
namespace {

using RoleMask = uint32_t;
constexpr RoleMask bit(Role r) {
  return 1u << static_cast<uint32_t>(r);
}
constexpr RoleMask kAdmin = bit(Role::admin);
constexpr RoleMask kDirector = bit(Role::clinical_director);
constexpr RoleMask kPsychiatrist = bit(Role::psychiatrist);
constexpr RoleMask kTherapist = bit(Role::therapist);
constexpr RoleMask kGroupLeader = bit(Role::group_leader);
constexpr RoleMask kProgramStaff = bit(Role::program_staff);
constexpr RoleMask kPatient = bit(Role::patient);
constexpr RoleMask kClinicalStaff = kDirector | kPsychiatrist | kTherapist | kGroupLeader | kProgramStaff;

struct Rule {
  std::string_view id;
  RoleMask roles;
  bool licensed_only;
  RelSet rels;  // any one of these relationships suffices
  std::vector<Action> actions;
};

using A = Action;

// What a break-glass grant opens: reading, never writing.
const std::vector<Action> kBreakGlassReads = {
    A::patient_read,     A::chart_read,          A::checkin_read,  A::risk_read,     A::alert_read,
    A::safety_plan_read, A::treatment_plan_read, A::schedule_read, A::meetings_read, A::hours_read};

// Ordered; the first rule that matches allows. Anything not allowed here is denied.
const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      // Patients: only their own.
      {"patient.self",
       kPatient,
       false,
       kSelf,
       {A::patient_read, A::schedule_read, A::hours_read, A::checkin_read, A::checkin_write, A::measure_submit,
        A::meetings_read, A::meetings_write, A::safety_plan_read, A::treatment_plan_read, A::treatment_plan_ack,
        A::risk_read}},

      // High and imminent alerts are acknowledged only by licensed clinicians (rules.md).
      {"clinician.licensed.care_team.ack_high",
       kTherapist | kPsychiatrist | kDirector,
       true,
       kCareTeam,
       {A::alert_ack_high, A::alert_resolve}},
      {"clinician.licensed.on_call.ack_high", kClinicalStaff, true, kOnCall, {A::alert_ack_high, A::alert_resolve}},
      {"director.licensed.ack_high", kDirector, true, kProgram, {A::alert_ack_high, A::alert_resolve}},

      {"program_staff.program_or_care_team",
       kProgramStaff,
       false,
       kProgram | kCareTeam,
       {A::patient_read, A::patient_update, A::schedule_read, A::attendance_read, A::attendance_write, A::census_row,
        A::checkin_read, A::checkin_write, A::risk_read, A::alert_read, A::alert_ack_low, A::alert_seen,
        A::safety_plan_read, A::checkin_note_write, A::hours_read, A::meetings_read}},
      {"program_staff.care_team.admit", kProgramStaff, false, kCareTeam | kIntake, {A::episode_admit}},

      {"group_leader.group",
       kGroupLeader,
       false,
       kGroup,
       {A::patient_read, A::risk_read, A::schedule_read, A::attendance_read, A::attendance_write, A::group_note_write,
        A::census_row}},
      {"group_leader.program", kGroupLeader, false, kProgram, {A::patient_read, A::schedule_read, A::census_row}},
      // Any staff member may lead a group; leaders of other roles get the same group rights.
      {"staff.group_leader",
       kTherapist | kPsychiatrist | kProgramStaff | kDirector,
       false,
       kGroup,
       {A::patient_read, A::risk_read, A::schedule_read, A::attendance_read, A::attendance_write, A::group_note_write}},

      {"therapist.care_team",
       kTherapist,
       false,
       kCareTeam,
       {A::patient_read,        A::patient_update,   A::episode_admit,      A::episode_update,   A::account_create,
        A::schedule_read,       A::attendance_read,  A::attendance_write,   A::census_row,       A::checkin_read,
        A::checkin_write,       A::risk_read,        A::alert_read,         A::alert_ack_low,    A::chart_read,
        A::chart_write,         A::group_note_write, A::checkin_note_write, A::safety_plan_read, A::safety_plan_write,
        A::treatment_plan_read, A::measure_submit,   A::meetings_read,      A::meetings_write,   A::hours_read,
        A::crisis_manage}},
      {"therapist.program",
       kTherapist,
       false,
       kProgram,
       {A::patient_read, A::schedule_read, A::census_row, A::checkin_read, A::risk_read, A::alert_read, A::chart_read,
        A::safety_plan_read, A::treatment_plan_read, A::meetings_read, A::hours_read, A::episode_admit}},

      {"psychiatrist.program_or_care_team",
       kPsychiatrist,
       false,
       kProgram | kCareTeam,
       {A::patient_read,     A::patient_update,   A::schedule_read,       A::census_row,     A::checkin_read,
        A::risk_read,        A::alert_read,       A::alert_ack_low,       A::chart_read,     A::chart_write,
        A::medication_write, A::safety_plan_read, A::treatment_plan_read, A::measure_submit, A::meetings_read,
        A::hours_read,       A::attendance_read,  A::episode_admit,       A::episode_update, A::account_create}},

      {"director.program",
       kDirector,
       false,
       kProgram | kCareTeam,
       {A::patient_read,      A::patient_update,   A::episode_admit,       A::episode_update,     A::account_create,
        A::schedule_read,     A::attendance_read,  A::attendance_write,    A::census_row,         A::checkin_read,
        A::checkin_write,     A::risk_read,        A::alert_read,          A::alert_ack_low,      A::alert_seen,
        A::chart_read,        A::chart_write,      A::group_note_write,    A::checkin_note_write, A::safety_plan_read,
        A::safety_plan_write, A::medication_write, A::treatment_plan_read, A::measure_submit,     A::meetings_read,
        A::meetings_write,    A::hours_read,       A::crisis_manage}},

      // Any licensed clinician on call: the whole chart of the program's patients and the crisis
      // workflow.
      {"clinician.licensed.on_call",
       kClinicalStaff,
       true,
       kOnCall,
       {A::patient_read, A::schedule_read, A::checkin_read, A::risk_read, A::alert_read, A::alert_ack_low,
        A::chart_read, A::safety_plan_read, A::safety_plan_write, A::treatment_plan_read, A::crisis_manage,
        A::meetings_read, A::hours_read}},

      // Intake: the creating clinician and directors, until admission.
      {"staff.intake",
       kDirector | kTherapist | kPsychiatrist | kProgramStaff,
       false,
       kIntake,
       {A::patient_read, A::patient_update, A::episode_admit}},

      // Former care team: what they could read before, read-only, for 90 days.
      {"staff.former.clinician",
       kTherapist | kPsychiatrist | kDirector,
       false,
       kFormer,
       {A::patient_read, A::chart_read, A::safety_plan_read, A::treatment_plan_read, A::checkin_read, A::risk_read,
        A::alert_read, A::schedule_read, A::attendance_read, A::meetings_read, A::hours_read}},
      {"staff.former.program_staff",
       kProgramStaff,
       false,
       kFormer,
       {A::patient_read, A::safety_plan_read, A::checkin_read, A::risk_read, A::schedule_read, A::attendance_read,
        A::hours_read}},
      // Readmission opens a new episode (the old one stays as it was): the former clinicians and
      // the director of the program may admit again.
      {"staff.former.readmit", kTherapist | kPsychiatrist | kDirector, false, kFormer, {A::episode_admit}},

      // Break-glass: one patient, read-only, time-limited, audited (the service notifies directors).
      {"break_glass.grant.clinician", kClinicalStaff, true, kBreakGlass, kBreakGlassReads},
      {"break_glass.grant.admin", kAdmin, false, kBreakGlass, kBreakGlassReads},
      {"break_glass.request.clinician", kClinicalStaff, true, kOrg, {A::break_glass}},
      {"break_glass.request.admin", kAdmin, false, kOrg, {A::break_glass}},

      // Scheduling and recovery support (program operations).
      {"patient.self.availability", kPatient, false, kSelf, {A::availability_write}},
      {"program_staff.booking",
       kProgramStaff,
       false,
       kProgram | kCareTeam,
       {A::meetings_write, A::appointment_book, A::availability_write}},
      {"therapist.care_team.booking", kTherapist, false, kCareTeam, {A::appointment_book, A::availability_write}},
      {"psychiatrist.booking",
       kPsychiatrist,
       false,
       kProgram | kCareTeam,
       {A::appointment_book, A::certification_write}},
      {"director.booking",
       kDirector,
       false,
       kProgram | kCareTeam,
       {A::appointment_book, A::availability_write, A::certification_write}},
      // Co-signing unlicensed colleagues' notes: any licensed clinician of the program.
      {"clinician.licensed.cosign", kClinicalStaff, true, kProgram | kCareTeam, {A::note_cosign}},
      {"admin.schedule", kAdmin, false, kOrg, {A::schedule_manage}},
      // Moving or cancelling a group session: the program's director and coordinators (program
      // staff), not every clinician; group leaders ask them.
      {"staff.program.schedule", kDirector | kProgramStaff, false, kProgram, {A::schedule_manage}},

      // Organization and program administration.
      {"staff.intake.create",
       kDirector | kTherapist | kPsychiatrist | kProgramStaff,
       false,
       kOrg,
       {A::patient_create, A::patient_search}},
      {"admin.org",
       kAdmin,
       false,
       kOrg,
       {A::staff_read, A::staff_manage, A::program_read, A::program_manage, A::settings_read, A::settings_write,
        A::roster_read, A::roster_write, A::rooms_manage, A::tracks_manage, A::groups_manage, A::groups_read,
        A::audit_read, A::metrics_read}},
      {"director.programs",
       kDirector,
       false,
       kProgram,
       {A::settings_read, A::settings_write, A::roster_read, A::roster_write, A::census_read, A::tracks_manage,
        A::groups_manage, A::groups_read}},
      {"staff.program", kClinicalStaff, false, kProgram, {A::roster_read, A::census_read, A::groups_read}},
      {"staff.org", kClinicalStaff, false, kOrg, {A::program_read, A::staff_read, A::patient_list}},
      {"staff.notifications", kClinicalStaff | kAdmin, false, kOrg, {A::notifications_read}},
      {"patient.list_self", kPatient, false, kOrg, {A::patient_list}},
  };
  return kRules;
}

bool matches_subject(const Rule& r, Subject who, Action action) {
  if (!(r.roles & bit(who.role))) return false;
  if (r.licensed_only && !who.licensed) return false;
  for (auto a : r.actions)
    if (a == action) return true;
  return false;
}

constexpr std::array<std::string_view, static_cast<size_t>(Action::count_)> kActionNames = {
#define POMOST_ACTION_NAME(name) #name,
    POMOST_ACTIONS(POMOST_ACTION_NAME)
#undef POMOST_ACTION_NAME
};

}  // namespace

std::string_view to_string(Action a) {
  return kActionNames.at(static_cast<size_t>(a));
}

Decision decide(Subject who, Action action, RelSet have) {
  bool possible = false;
  for (const auto& r : rules()) {
    if (!matches_subject(r, who, action)) continue;
    possible = true;
    if (r.rels & have) return {true, false, r.id};
  }
  if (!possible) return {false, true, "deny.role_never"};
  return {false, false, "deny.no_relationship"};
}

bool role_may_ever(Subject who, Action action) {
  for (const auto& r : rules())
    if (matches_subject(r, who, action)) return true;
  return false;
}

}  // namespace pomost::domain
