// The policy table of rules.md as data: role x licensed x action x relationship -> verdict.
#include <gtest/gtest.h>

#include "domain/access_policy.h"

namespace pomost::domain {
namespace {

enum Verdict { kAllow, k403, k404 };

struct Case {
  Role role;
  bool licensed;
  Action action;
  RelSet rels;
  Verdict expect;
};

Verdict verdict(const Decision& d) {
  return d.allowed ? kAllow : d.role_never ? k403 : k404;
}

class PolicyMatrix : public ::testing::TestWithParam<Case> {};

TEST_P(PolicyMatrix, Decides) {
  const Case& c = GetParam();
  Decision d = decide({c.role, c.licensed}, c.action, c.rels);
  EXPECT_EQ(verdict(d), c.expect) << to_string(c.role) << (c.licensed ? " (licensed) " : " ") << to_string(c.action)
                                  << " rels=" << c.rels << " rule=" << d.rule;
  EXPECT_FALSE(d.rule.empty());
}

constexpr RelSet kAll = kCareTeam | kProgram | kGroup | kOnCall | kIntake | kFormer | kBreakGlass | kOrg;

INSTANTIATE_TEST_SUITE_P(RulesMd, PolicyMatrix,
                         ::testing::Values(
                             // Patients: only their own, and never the staff side of the chart.
                             Case{Role::patient, false, Action::checkin_write, kSelf, kAllow},
                             Case{Role::patient, false, Action::checkin_write, kNone, k404},
                             Case{Role::patient, false, Action::safety_plan_read, kSelf, kAllow},
                             Case{Role::patient, false, Action::safety_plan_write, kSelf, k403},
                             Case{Role::patient, false, Action::chart_read, kSelf, k403},
                             Case{Role::patient, false, Action::alert_read, kSelf, k403},
                             Case{Role::patient, false, Action::patient_create, kOrg, k403},
                             // Program staff: program and care team; alerts only low severities; no chart.
                             Case{Role::program_staff, false, Action::checkin_read, kProgram, kAllow},
                             Case{Role::program_staff, false, Action::checkin_write, kCareTeam, kAllow},
                             Case{Role::program_staff, false, Action::checkin_read, kGroup, k404},
                             Case{Role::program_staff, false, Action::alert_ack_low, kProgram, kAllow},
                             Case{Role::program_staff, false, Action::alert_ack_high, kProgram | kCareTeam, k403},
                             Case{Role::program_staff, false, Action::alert_seen, kProgram, kAllow},
                             Case{Role::program_staff, false, Action::chart_read, kProgram | kCareTeam, k403},
                             Case{Role::program_staff, false, Action::safety_plan_read, kProgram, kAllow},
                             Case{Role::program_staff, false, Action::safety_plan_write, kProgram, k403},
                             // Group leaders: their group; program demographics; the chart only on call and licensed.
                             Case{Role::group_leader, false, Action::attendance_write, kGroup, kAllow},
                             Case{Role::group_leader, false, Action::group_note_write, kGroup, kAllow},
                             Case{Role::group_leader, false, Action::risk_read, kGroup, kAllow},
                             Case{Role::group_leader, false, Action::attendance_write, kProgram, k404},
                             Case{Role::group_leader, false, Action::patient_read, kProgram, kAllow},
                             Case{Role::group_leader, false, Action::chart_read, kGroup | kProgram, k403},
                             Case{Role::group_leader, true, Action::chart_read, kGroup | kProgram, k404},
                             Case{Role::group_leader, true, Action::chart_read, kOnCall, kAllow},
                             // Therapists: whole chart for their care team; reading for the program.
                             Case{Role::therapist, true, Action::chart_write, kCareTeam, kAllow},
                             Case{Role::therapist, true, Action::chart_read, kProgram, kAllow},
                             Case{Role::therapist, true, Action::chart_write, kProgram, k404},
                             Case{Role::therapist, true, Action::alert_ack_high, kCareTeam, kAllow},
                             Case{Role::therapist, false, Action::alert_ack_high, kCareTeam, k403},
                             Case{Role::therapist, true, Action::medication_write, kCareTeam, k403},
                             Case{Role::therapist, true, Action::safety_plan_write, kCareTeam, kAllow},
                             // Psychiatrists: program and care team, medications.
                             Case{Role::psychiatrist, true, Action::medication_write, kProgram, kAllow},
                             Case{Role::psychiatrist, true, Action::chart_read, kProgram, kAllow},
                             Case{Role::psychiatrist, true, Action::medication_write, kGroup, k404},
                             // Clinical directors: every patient of their programs, the settings and rosters.
                             Case{Role::clinical_director, true, Action::chart_read, kProgram, kAllow},
                             Case{Role::clinical_director, true, Action::alert_ack_high, kProgram, kAllow},
                             Case{Role::clinical_director, true, Action::settings_write, kProgram | kOrg, kAllow},
                             Case{Role::clinical_director, true, Action::settings_write, kOrg, k404},
                             Case{Role::clinical_director, true, Action::chart_read, kOrg, k404},
                             Case{Role::clinical_director, true, Action::audit_read, kOrg, k403},
                             // On call: any licensed clinician runs crises and edits safety plans.
                             Case{Role::program_staff, true, Action::crisis_manage, kOnCall, kAllow},
                             Case{Role::program_staff, false, Action::crisis_manage, kOnCall, k403},
                             Case{Role::program_staff, true, Action::alert_ack_high, kOnCall, kAllow},
                             Case{Role::psychiatrist, true, Action::safety_plan_write, kOnCall, kAllow},
                             // Intake and former care team.
                             Case{Role::program_staff, false, Action::episode_admit, kIntake, kAllow},
                             Case{Role::therapist, true, Action::patient_read, kIntake, kAllow},
                             Case{Role::therapist, true, Action::chart_read, kFormer, kAllow},
                             Case{Role::therapist, true, Action::chart_write, kFormer, k404},
                             Case{Role::therapist, true, Action::checkin_read, kFormer, kAllow},
                             Case{Role::therapist, true, Action::checkin_write, kFormer, k404},
                             Case{Role::program_staff, false, Action::hours_read, kFormer, kAllow},
                             Case{Role::program_staff, false, Action::chart_read, kFormer, k403},
                             Case{Role::therapist, true, Action::episode_admit, kFormer, kAllow},
                             Case{Role::program_staff, false, Action::episode_admit, kFormer, k404},
                             // Admins: organization, never clinical content except through break-glass (read-only).
                             Case{Role::admin, false, Action::staff_manage, kOrg, kAllow},
                             Case{Role::admin, false, Action::audit_read, kOrg, kAllow},
                             Case{Role::admin, false, Action::chart_read, kOrg | kProgram, k404},
                             Case{Role::admin, false, Action::chart_read, kBreakGlass, kAllow},
                             Case{Role::admin, false, Action::chart_write, kAll, k403},
                             Case{Role::admin, false, Action::checkin_write, kAll, k403},
                             Case{Role::admin, false, Action::break_glass, kOrg, kAllow},
                             Case{Role::therapist, false, Action::break_glass, kOrg, k403},
                             Case{Role::therapist, true, Action::break_glass, kOrg, kAllow},
                             Case{Role::therapist, true, Action::chart_write, kBreakGlass, k404},
                             Case{Role::admin, false, Action::patient_list, kOrg, k403},
                             Case{Role::patient, false, Action::patient_list, kOrg, kAllow},
                             Case{Role::patient, false, Action::notifications_read, kOrg, k403},
                             // Deny by default: no relationship, no access.
                             Case{Role::clinical_director, true, Action::patient_read, kNone, k404},
                             Case{Role::therapist, true, Action::staff_manage, kAll, k403}));

TEST(Policy, EveryActionHasAName) {
  for (int a = 0; a < static_cast<int>(Action::count_); ++a) EXPECT_FALSE(to_string(static_cast<Action>(a)).empty());
}

}  // namespace
}  // namespace pomost::domain
