#include "service/access.h"

namespace pomost::service {

using domain::Action;
using domain::Rel;
using domain::RelSet;

Result<RelSet> Access::patient_relationships(store::Tx& tx, const Principal& who, std::string_view patient_id,
                                             TimePoint now) const {
  RelSet rels = 0;
  if (who.patient_id && *who.patient_id == patient_id) rels |= domain::kSelf;
  if (who.role == domain::Role::patient) return rels;  // patients have no other relationship

  ASSIGN_OR_RETURN(auto patient, tx.query_one("SELECT created_by FROM patients WHERE id = ? AND org_id = ?",
                                              {patient_id, who.org_id}));
  if (!patient) return rels;
  const std::string& me = who.user_id;
  const int64_t now_ms = to_millis(now);

  ASSIGN_OR_RETURN(auto active, tx.query_one("SELECT id, program_id, primary_therapist_id, psychiatrist_id FROM "
                                             "episodes WHERE patient_id = ? AND status = 'active'",
                                             {patient_id}));
  if (active) {
    const std::string episode_id = active->text(0), program_id = active->text(1);
    if (active->opt_text(2) == me || active->opt_text(3) == me) rels |= domain::kCareTeam;
    if (!(rels & domain::kCareTeam)) {
      ASSIGN_OR_RETURN(auto on_team, tx.query_one("SELECT 1 FROM episode_staff WHERE episode_id = ? AND user_id = ?",
                                                  {episode_id, me}));
      if (on_team) rels |= domain::kCareTeam;
    }
    ASSIGN_OR_RETURN(auto assigned, assigned_to_program(tx, who, program_id));
    if (assigned) rels |= domain::kProgram;
    ASSIGN_OR_RETURN(auto leads, tx.query_one("SELECT 1 FROM group_members m JOIN groups g ON g.id = m.group_id "
                                              "WHERE m.patient_id = ? AND (g.leader_id = ? OR g.co_leader_id = ?) "
                                              "LIMIT 1",
                                              {patient_id, me, me}));
    if (leads) rels |= domain::kGroup;
    ASSIGN_OR_RETURN(auto on_call, tx.query_one("SELECT 1 FROM on_call_shifts WHERE program_id = ? AND staff_id = ? "
                                                "AND starts_at <= ? AND ends_at > ? LIMIT 1",
                                                {program_id, me, now_ms, now_ms}));
    if (on_call) rels |= domain::kOnCall;
    // Also on call for a patient whose alert the member acknowledged, or whose crisis they opened
    // or respond to, until it is resolved (rules.md) — and, for a licensed clinician, whose
    // unresolved alert they were notified of: the escalation chain summons them to act on it.
    if (!on_call) {
      ASSIGN_OR_RETURN(auto holding,
                       tx.query_one("SELECT 1 FROM alerts WHERE patient_id = ? AND acknowledged_by = ? AND "
                                    "status <> 'resolved' UNION ALL SELECT 1 FROM crises c WHERE c.patient_id = ? "
                                    "AND c.status = 'open' AND (c.opened_by = ? OR EXISTS (SELECT 1 FROM "
                                    "crisis_responders r WHERE r.crisis_id = c.id AND r.user_id = ?)) "
                                    "UNION ALL SELECT 1 FROM alerts a WHERE ? AND a.patient_id = ? AND "
                                    "a.status <> 'resolved' AND EXISTS (SELECT 1 FROM alert_history h WHERE "
                                    "h.alert_id = a.id AND h.kind = 'notified' AND h.recipient_id = ?) LIMIT 1",
                                    {patient_id, me, patient_id, me, me, who.licensed, patient_id, me}));
      if (holding) rels |= domain::kOnCall;
    }
  } else {
    ASSIGN_OR_RETURN(auto any_episode,
                     tx.query_one("SELECT 1 FROM episodes WHERE patient_id = ? LIMIT 1", {patient_id}));
    if (!any_episode) {
      // Intake: the creating clinician and the clinical directors, until admission.
      if (patient->opt_text(0) == me || who.role == domain::Role::clinical_director) rels |= domain::kIntake;
    }
  }
  // Former: on the care team of an episode discharged within 90 days (a clinical director counts
  // as on the team of every episode of the programs they direct).
  ASSIGN_OR_RETURN(
      auto former,
      tx.query_one("SELECT 1 FROM episodes e WHERE e.patient_id = ? AND e.status = 'discharged' AND "
                   "e.discharged_at > ? AND (e.primary_therapist_id = ? OR e.psychiatrist_id = ? OR "
                   "EXISTS (SELECT 1 FROM episode_staff s WHERE s.episode_id = e.id AND s.user_id = ?) OR "
                   "(? = 'clinical_director' AND EXISTS (SELECT 1 FROM staff_programs sp "
                   "WHERE sp.program_id = e.program_id AND sp.user_id = ?))) LIMIT 1",
                   {patient_id, now_ms - kFormerAccessMs, me, me, me, std::string(domain::to_string(who.role)), me}));
  if (former) rels |= domain::kFormer;
  ASSIGN_OR_RETURN(auto grant, tx.query_one("SELECT 1 FROM break_glass WHERE user_id = ? AND patient_id = ? AND "
                                            "expires_at > ? LIMIT 1",
                                            {me, patient_id, now_ms}));
  if (grant) rels |= domain::kBreakGlass;
  rels |= domain::kOrg;
  return rels;
}

Result<bool> Access::assigned_to_program(store::Tx& tx, const Principal& who, std::string_view program_id) const {
  ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT 1 FROM staff_programs WHERE user_id = ? AND program_id = ?",
                                          {who.user_id, program_id}));
  return row.has_value();
}

namespace {

Status deny(Audit& audit, Action action, std::string_view resource_type, std::string_view resource_id,
            std::optional<std::string> patient_id, const domain::Decision& d) {
  audit.denied(std::string(domain::to_string(action)), std::string(resource_type), std::string(resource_id),
               std::move(patient_id), std::string(d.rule));
  if (d.role_never) return Status(Code::permission_denied, "Your role may not do this.").with_rule(std::string(d.rule));
  return Status::NotFound().with_rule(std::string(d.rule));
}

}  // namespace

Status Access::require_patient(store::Tx& tx, const RequestContext& ctx, Audit& audit, Action action,
                               std::string_view patient_id, std::string_view resource_type,
                               std::string_view resource_id) const {
  const Principal& who = ctx.principal();
  domain::Subject subject{who.role, who.licensed};
  if (!domain::role_may_ever(subject, action))
    return deny(audit, action, resource_type, resource_id, std::string(patient_id),
                domain::Decision{false, true, "deny.role_never"});
  ASSIGN_OR_RETURN(RelSet rels, patient_relationships(tx, who, patient_id, ctx.now));
  auto d = domain::decide(subject, action, rels);
  if (!d.allowed) return deny(audit, action, resource_type, resource_id, std::string(patient_id), d);
  audit.record(std::string(domain::to_string(action)), std::string(resource_type), std::string(resource_id),
               std::string(patient_id), std::string(d.rule));
  return {};
}

Result<bool> Access::allowed_patient(store::Tx& tx, const RequestContext& ctx, Action action,
                                     std::string_view patient_id) const {
  const Principal& who = ctx.principal();
  ASSIGN_OR_RETURN(RelSet rels, patient_relationships(tx, who, patient_id, ctx.now));
  return domain::decide({who.role, who.licensed}, action, rels).allowed;
}

Status Access::require_program(store::Tx& tx, const RequestContext& ctx, Audit& audit, Action action,
                               std::string_view program_id) const {
  const Principal& who = ctx.principal();
  domain::Subject subject{who.role, who.licensed};
  if (!domain::role_may_ever(subject, action))
    return deny(audit, action, "program", program_id, std::nullopt, {false, true, "deny.role_never"});
  ASSIGN_OR_RETURN(auto program,
                   tx.query_one("SELECT 1 FROM programs WHERE id = ? AND org_id = ?", {program_id, who.org_id}));
  if (!program) return deny(audit, action, "program", program_id, std::nullopt, {false, false, "deny.unknown_program"});
  RelSet rels = domain::kOrg;
  ASSIGN_OR_RETURN(bool assigned, assigned_to_program(tx, who, program_id));
  if (assigned) rels |= domain::kProgram;
  auto d = domain::decide(subject, action, rels);
  if (!d.allowed) return deny(audit, action, "program", program_id, std::nullopt, d);
  audit.record(std::string(domain::to_string(action)), "program", std::string(program_id), std::nullopt,
               std::string(d.rule));
  return {};
}

Status Access::require_org(const RequestContext& ctx, Audit* audit, Action action,
                           std::string_view resource_type) const {
  const Principal& who = ctx.principal();
  auto d = domain::decide({who.role, who.licensed}, action, domain::kOrg);
  if (d.allowed) return {};
  if (audit) return deny(*audit, action, resource_type, "", std::nullopt, {false, true, d.rule});
  return Status(Code::permission_denied, "Your role may not do this.").with_rule(std::string(d.rule));
}

}  // namespace pomost::service
