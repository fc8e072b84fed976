#include "service/alerts.h"

#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/time.h"

namespace pomost::service {

struct AlertEngine::AlertRow {
  std::string id, org_id, patient_id, program_id, rule, severity, status, params;
  std::optional<std::string> episode_id, assignee_id, acknowledged_by, resolved_by;
  int64_t raised_at = 0, last_fired_at = 0;
  std::optional<int64_t> deadline_at, acknowledged_at, resolved_at;
  int64_t escalation_step = 0, last_event_seq = 0, version = 1;
};

namespace {

constexpr const char* kAlertCols =
    "id, org_id, patient_id, program_id, rule, severity, status, params, episode_id, assignee_id, acknowledged_by, "
    "resolved_by, raised_at, last_fired_at, deadline_at, acknowledged_at, resolved_at, escalation_step, "
    "last_event_seq, "
    "version";

std::string ts(int64_t ms) {
  return format_rfc3339(from_millis(ms));
}

void add_unique(std::vector<std::string>& v, const std::optional<std::string>& x) {
  if (x && std::find(v.begin(), v.end(), *x) == v.end()) v.push_back(*x);
}
void add_all(std::vector<std::string>& v, const std::vector<std::string>& xs) {
  for (const auto& x : xs) add_unique(v, x);
}

Result<std::vector<std::string>> ids(store::Tx& tx, std::string_view sql, const store::Params& p) {
  ASSIGN_OR_RETURN(auto rows, tx.query(sql, p));
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.text(0));
  return out;
}

Result<std::vector<std::string>> on_call(store::Tx& tx, const std::string& program, const char* tier, int64_t now) {
  return ids(tx,
             "SELECT s.staff_id FROM on_call_shifts s JOIN users u ON u.id = s.staff_id WHERE s.program_id = ? AND "
             "s.tier = ? AND s.starts_at <= ? AND s.ends_at > ? AND u.active = 1 ORDER BY s.starts_at",
             {program, tier, now, now});
}

Result<std::vector<std::string>> directors(store::Tx& tx, const std::string& program) {
  return ids(tx,
             "SELECT u.id FROM users u JOIN staff_programs sp ON sp.user_id = u.id WHERE sp.program_id = ? AND "
             "u.role = 'clinical_director' AND u.active = 1 ORDER BY u.id",
             {program});
}

Result<std::vector<std::string>> licensed_clinicians(store::Tx& tx, const std::string& program) {
  return ids(tx,
             "SELECT u.id FROM users u JOIN staff_programs sp ON sp.user_id = u.id WHERE sp.program_id = ? AND "
             "u.licensed = 1 AND u.active = 1 AND u.role NOT IN ('admin', 'patient') ORDER BY u.id",
             {program});
}

}  // namespace

int AlertEngine::severity_rank(const std::string& s) {
  if (s == "imminent") return 4;
  if (s == "high") return 3;
  if (s == "warning") return 2;
  return 1;
}

Result<std::optional<AlertEngine::AlertRow>> AlertEngine::load(store::Tx& tx, const std::string& alert_id) const {
  ASSIGN_OR_RETURN(auto r, tx.query_one(std::string("SELECT ") + kAlertCols + " FROM alerts WHERE id = ?", {alert_id}));
  if (!r) return std::optional<AlertRow>();
  AlertRow a;
  a.id = r->text(0);
  a.org_id = r->text(1);
  a.patient_id = r->text(2);
  a.program_id = r->text(3);
  a.rule = r->text(4);
  a.severity = r->text(5);
  a.status = r->text(6);
  a.params = r->text(7);
  a.episode_id = r->opt_text(8);
  a.assignee_id = r->opt_text(9);
  a.acknowledged_by = r->opt_text(10);
  a.resolved_by = r->opt_text(11);
  a.raised_at = r->i64(12);
  a.last_fired_at = r->i64(13);
  a.deadline_at = r->opt_i64(14);
  a.acknowledged_at = r->opt_i64(15);
  a.resolved_at = r->opt_i64(16);
  a.escalation_step = r->i64(17);
  a.last_event_seq = r->i64(18);
  a.version = r->i64(19);
  return std::optional<AlertRow>(std::move(a));
}

Status AlertEngine::history(store::Tx& tx, const AlertRow& a, const std::string& kind,
                            const std::optional<std::string>& user, const std::optional<std::string>& recipient,
                            const std::string& channels, const std::string& detail, TimePoint now) const {
  return tx
      .exec(
          "INSERT INTO alert_history (org_id, id, alert_id, ord, at, kind, user_id, recipient_id, channels, detail) "
          "VALUES (?, ?, ?, (SELECT count(*) + 1 FROM alert_history WHERE alert_id = ?), ?, ?, ?, ?, ?, ?)",
          {a.org_id, auth::new_id("ahi"), a.id, a.id, to_millis(now), kind, user, recipient,
           channels.empty() ? std::nullopt : std::optional<std::string>(channels),
           detail.empty() ? std::nullopt : std::optional<std::string>(detail)})
      .status();
}

Status AlertEngine::stream(store::Tx& tx, const AlertRow& a, const std::string& kind, TimePoint now) const {
  RETURN_IF_ERROR(tx.exec(
      "INSERT INTO stream_events (org_id, program_id, patient_id, alert_id, kind, at) VALUES (?, ?, ?, ?, ?, ?)",
      {a.org_id, a.program_id, a.patient_id, a.id, kind, to_millis(now)}));
  // The id of the row just inserted; portable: the highest seq, read inside the same transaction.
  ASSIGN_OR_RETURN(auto seq, tx.query_one("SELECT max(seq) FROM stream_events"));
  return tx.exec("UPDATE alerts SET last_event_seq = ? WHERE id = ?", {seq->i64(0), a.id}).status();
}

Status AlertEngine::outbox_webhooks(store::Tx& tx, const AlertRow& a, const std::optional<std::string>& recipient,
                                    TimePoint now) const {
  ASSIGN_OR_RETURN(auto program, load_program(tx, a.program_id));
  if (!program) return {};
  ASSIGN_OR_RETURN(auto fresh, load(tx, a.id));
  const AlertRow& cur = fresh ? *fresh : a;
  for (const auto& hook : program->settings.webhooks) {
    const std::string event_id = auth::new_id("evt");
    // No patient names and no clinical text leave the clinic (rules.md, 42 CFR Part 2).
    json::object p;
    p["event_id"] = event_id;
    p["alert_id"] = cur.id;
    p["program_id"] = cur.program_id;
    p["severity"] = cur.severity;
    p["status"] = cur.status;
    p["raised_at"] = ts(cur.raised_at);
    p["deadline"] = cur.deadline_at ? json::value(ts(*cur.deadline_at)) : json::value(nullptr);
    if (recipient) p["recipient"] = *recipient;
    p["link"] = o_.public_url + "/alerts/" + cur.id;
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO outbox (org_id, id, program_id, kind, target, payload, created_at, next_attempt_at) "
                "VALUES (?, ?, ?, 'webhook', ?, ?, ?, ?)",
                {cur.org_id, event_id, cur.program_id, hook.url, json::serialize(p), to_millis(now), to_millis(now)}));
  }
  return {};
}

Status AlertEngine::notify(store::Tx& tx, const AlertRow& a, const std::vector<std::string>& recipients,
                           const std::string& why, TimePoint now) const {
  ASSIGN_OR_RETURN(auto program, load_program(tx, a.program_id));
  const bool hooks = program && !program->settings.webhooks.empty();
  for (const auto& r : recipients) {
    ASSIGN_OR_RETURN(auto u, tx.query_one("SELECT email FROM users WHERE id = ?", {r}));
    std::string channels = "stream";
    if (hooks) channels += ",webhook";
    const bool mail = o_.email && u && !u->is_null(0);
    if (mail) channels += ",email";
    RETURN_IF_ERROR(history(tx, a, "notified", std::nullopt, r, channels, why, now));
    json::object n;
    n["alert_id"] = a.id;
    n["severity"] = a.severity;
    n["rule"] = a.rule;
    n["why"] = why;
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO notifications (org_id, id, user_id, kind, patient_id, body, created_at) "
                "VALUES (?, ?, ?, 'alert', ?, ?, ?)",
                {a.org_id, auth::new_id("ntf"), r, a.patient_id, json::serialize(n), to_millis(now)}));
    if (hooks) RETURN_IF_ERROR(outbox_webhooks(tx, a, r, now));
    if (mail) {
      json::object m;
      m["to"] = u->text(0);
      m["subject"] = "Pomost: " + a.severity + " alert needs attention";
      m["body"] = "A " + a.severity + " alert in " + (program ? program->name : std::string("your program")) +
                  " needs attention. Open it in Pomost: " + o_.public_url + "/alerts/" + a.id +
                  "\n\nThis message carries no patient details.";
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO outbox (org_id, id, program_id, kind, target, payload, created_at, next_attempt_at) "
                  "VALUES (?, ?, ?, 'email', ?, ?, ?, ?)",
                  {a.org_id, auth::new_id("eml"), a.program_id, u->text(0), json::serialize(m), to_millis(now),
                   to_millis(now)}));
    }
  }
  return {};
}

namespace {

Status set_step(store::Tx& tx, const std::string& alert_id, int64_t step) {
  if (step == 0) return Status::Ok();
  return tx.exec("UPDATE alerts SET escalation_step = ? WHERE id = ?", {step, alert_id}).status();
}

}  // namespace

Result<std::vector<std::string>> AlertEngine::first_recipients(store::Tx& tx, const AlertRow& a, TimePoint now,
                                                               int64_t& start_step) const {
  start_step = 0;
  const int64_t t = to_millis(now);
  std::optional<store::Row> ep;
  if (a.episode_id) {
    ASSIGN_OR_RETURN(
        ep, tx.query_one("SELECT primary_therapist_id, psychiatrist_id FROM episodes WHERE id = ?", {*a.episode_id}));
  }
  std::optional<std::string> therapist = ep ? ep->opt_text(0) : std::nullopt;
  std::vector<std::string> out;
  if (a.severity == "imminent" || a.severity == "high") {
    ASSIGN_OR_RETURN(auto clinicians, on_call(tx, a.program_id, "clinician", t));
    add_all(out, clinicians);
    add_unique(out, therapist);
    bool tier_empty = clinicians.empty();
    if (a.severity == "imminent") {
      ASSIGN_OR_RETURN(auto psych, on_call(tx, a.program_id, "psychiatrist", t));
      add_all(out, psych);
      tier_empty = tier_empty || psych.empty();
    }
    ASSIGN_OR_RETURN(
        auto anyone,
        tx.query_one("SELECT 1 FROM on_call_shifts WHERE program_id = ? AND starts_at <= ? AND ends_at > ? LIMIT 1",
                     {a.program_id, t, t}));
    if (!anyone) {
      // Nobody at all on call: the clinical director and every licensed clinician, at once.
      ASSIGN_OR_RETURN(auto dirs, directors(tx, a.program_id));
      ASSIGN_OR_RETURN(auto lic, licensed_clinicians(tx, a.program_id));
      add_all(out, dirs);
      add_all(out, lic);
    } else if (tier_empty) {
      // A tier with nobody on call is skipped at once: the next step of the chain that reaches
      // someone hears now, and the chain goes on from there.
      for (int step = 1;; ++step) {
        bool exists = false;
        ASSIGN_OR_RETURN(auto next, escalation_step(tx, a, step, now, exists));
        if (!exists) break;
        start_step = step;
        if (!next.empty()) {
          add_all(out, next);
          break;
        }
      }
    }
  } else {
    add_unique(out, therapist);
    if (ep) add_unique(out, ep->opt_text(1));
    if (a.episode_id) {
      ASSIGN_OR_RETURN(auto staff, ids(tx, "SELECT user_id FROM episode_staff WHERE episode_id = ? ORDER BY user_id",
                                       {*a.episode_id}));
      add_all(out, staff);
    }
  }
  return out;
}

// The escalation chains of rules.md: imminent -> director, then every licensed clinician; high ->
// on-call psychiatrist, then director; warning -> director. Steps past the chain repeat.
Result<std::vector<std::string>> AlertEngine::escalation_step(store::Tx& tx, const AlertRow& a, int step, TimePoint now,
                                                              bool& exists) const {
  exists = true;
  const int64_t t = to_millis(now);
  if (a.severity == "imminent") {
    if (step == 1) return directors(tx, a.program_id);
    if (step == 2) return licensed_clinicians(tx, a.program_id);
  } else if (a.severity == "high") {
    if (step == 1) return on_call(tx, a.program_id, "psychiatrist", t);
    if (step == 2) return directors(tx, a.program_id);
  } else if (a.severity == "warning") {
    if (step == 1) return directors(tx, a.program_id);
  }
  exists = false;
  return std::vector<std::string>{};
}

Result<std::vector<RaisedAlert>> AlertEngine::raise(store::Tx& tx, const PatientContext& patient,
                                                    const std::string& program_id,
                                                    const std::vector<domain::Reason>& reasons,
                                                    const std::string& source_type,
                                                    const std::optional<std::string>& source_id, TimePoint now) const {
  std::vector<RaisedAlert> out;
  // A calm check-in has nothing to raise: skip the program lookup.
  if (std::none_of(reasons.begin(), reasons.end(), [](const auto& r) { return r.level != domain::RiskLevel::none; }))
    return out;
  const int64_t t = to_millis(now);
  ASSIGN_OR_RETURN(auto program, load_program(tx, program_id));
  if (!program) return Status::Internal("alert for an unknown program");
  for (const auto& r : reasons) {
    if (r.level == domain::RiskLevel::none) continue;
    const std::string severity(domain::severity_of(r.level));
    json::object params;
    for (const auto& [k, v] : r.params) params[k] = v;
    const std::string params_text = json::serialize(params);
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO risk_events (org_id, id, patient_id, episode_id, program_id, source_type, source_id, "
                "rule, level, params, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {patient.org_id, auth::new_id("rev"), patient.patient_id, patient.episode_id, program_id, source_type,
                 source_id, r.rule, std::string(domain::to_string(r.level)), params_text, t}));
    auto deadline_for = [&](const std::string& sev) -> std::optional<int64_t> {
      auto m = program->settings.ack_deadline(sev);
      if (!m) return std::nullopt;
      return t + int64_t(*m) * 60 * 1000;
    };
    const auto family = domain::rule_family(r.rule);
    std::string sql = "SELECT id FROM alerts WHERE patient_id = ? AND status <> 'resolved' AND rule IN (";
    store::Params args{patient.patient_id};
    for (size_t i = 0; i < family.size(); ++i) {
      sql += i ? ", ?" : "?";
      args.emplace_back(family[i]);
    }
    ASSIGN_OR_RETURN(auto existing, tx.query_one(sql + ")", args));
    if (existing) {
      ASSIGN_OR_RETURN(auto cur, load(tx, existing->text(0)));
      AlertRow a = *cur;
      std::vector<std::string> recipients;
      std::string why;
      if (severity_rank(severity) > severity_rank(a.severity)) {
        // A rise in severity restarts the chain at the new severity's first step.
        RETURN_IF_ERROR(
            tx.exec("UPDATE alerts SET severity = ?, rule = ?, status = 'open', params = ?, last_fired_at = ?, "
                    "deadline_at = ?, escalation_step = 0, acknowledged_by = NULL, acknowledged_at = NULL, "
                    "version = version + 1 WHERE id = ?",
                    {severity, r.rule, params_text, t, deadline_for(severity), a.id}));
        a.severity = severity;
        a.rule = r.rule;
        RETURN_IF_ERROR(history(tx, a, "severity_raised", std::nullopt, std::nullopt, "", severity, now));
        int64_t start_step = 0;
        ASSIGN_OR_RETURN(recipients, first_recipients(tx, a, now, start_step));
        RETURN_IF_ERROR(set_step(tx, a.id, start_step));
        why = "severity_raised";
      } else {
        // A repeat: on record, the acknowledger and the first-notified hear again, a new deadline.
        RETURN_IF_ERROR(
            tx.exec("UPDATE alerts SET status = 'open', params = ?, last_fired_at = ?, deadline_at = ?, "
                    "escalation_step = 0, version = version + 1 WHERE id = ?",
                    // A lower grade of the same finding keeps the words of the higher one.
                    {r.rule == a.rule ? params_text : a.params, t, deadline_for(a.severity), a.id}));
        RETURN_IF_ERROR(history(tx, a, "repeat", std::nullopt, std::nullopt, "", source_type, now));
        int64_t start_step = 0;
        ASSIGN_OR_RETURN(recipients, first_recipients(tx, a, now, start_step));
        RETURN_IF_ERROR(set_step(tx, a.id, start_step));
        add_unique(recipients, a.acknowledged_by);
        why = "repeat";
      }
      ASSIGN_OR_RETURN(auto updated, load(tx, a.id));
      RETURN_IF_ERROR(notify(tx, *updated, recipients, why, now));
      RETURN_IF_ERROR(stream(tx, *updated, "alert", now));
      out.push_back({updated->id, updated->rule, updated->severity, updated->status});
      continue;
    }
    AlertRow a;
    a.id = auth::new_id("alr");
    a.org_id = patient.org_id;
    a.patient_id = patient.patient_id;
    a.episode_id = patient.episode_id;
    a.program_id = program_id;
    a.rule = r.rule;
    a.severity = severity;
    a.status = "open";
    a.params = params_text;
    a.raised_at = t;
    a.last_fired_at = t;
    a.deadline_at = deadline_for(severity);
    int64_t start_step = 0;
    ASSIGN_OR_RETURN(auto recipients, first_recipients(tx, a, now, start_step));
    if (!recipients.empty()) a.assignee_id = recipients.front();
    a.escalation_step = start_step;
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO alerts (org_id, id, patient_id, episode_id, program_id, rule, severity, status, params, "
                "raised_at, last_fired_at, deadline_at, assignee_id, escalation_step) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)",
                {a.org_id, a.id, a.patient_id, a.episode_id, a.program_id, a.rule, a.severity, a.params, t, t,
                 a.deadline_at, a.assignee_id, start_step}));
    RETURN_IF_ERROR(history(tx, a, "raised", std::nullopt, std::nullopt, "", source_type, now));
    RETURN_IF_ERROR(notify(tx, a, recipients, "raised", now));
    RETURN_IF_ERROR(stream(tx, a, "alert", now));
    out.push_back({a.id, a.rule, a.severity, a.status});
  }
  return out;
}

Result<std::vector<AlertEngine::Escalated>> AlertEngine::escalate_due(store::Tx& tx, TimePoint now) const {
  const int64_t t = to_millis(now);
  ASSIGN_OR_RETURN(auto due, tx.query("SELECT id FROM alerts WHERE deadline_at IS NOT NULL AND deadline_at <= ? AND "
                                      "status IN ('open', 'escalated') ORDER BY deadline_at LIMIT 200",
                                      {t}));
  std::vector<Escalated> escalated;
  for (const auto& d : due) {
    ASSIGN_OR_RETURN(auto cur, load(tx, d.text(0)));
    AlertRow a = *cur;
    ASSIGN_OR_RETURN(auto program, load_program(tx, a.program_id));
    auto minutes = program ? program->settings.ack_deadline(a.severity) : std::nullopt;
    if (!minutes) {
      RETURN_IF_ERROR(tx.exec("UPDATE alerts SET deadline_at = NULL WHERE id = ?", {a.id}));
      continue;
    }
    // Walk the chain: a step with nobody to notify is skipped at once.
    int step = static_cast<int>(a.escalation_step);
    std::vector<std::string> recipients;
    bool exists = true;
    std::string kind = "escalated";
    while (recipients.empty()) {
      ++step;
      ASSIGN_OR_RETURN(recipients, escalation_step(tx, a, step, now, exists));
      if (!exists) break;
    }
    if (!exists) {
      // After the last step the notifications repeat every deadline, to everyone notified so far.
      kind = "escalation_repeat";
      step = static_cast<int>(a.escalation_step);
      ASSIGN_OR_RETURN(recipients, ids(tx,
                                       "SELECT DISTINCT recipient_id FROM alert_history WHERE alert_id = ? AND "
                                       "kind = 'notified' AND recipient_id IS NOT NULL ORDER BY recipient_id",
                                       {a.id}));
    }
    const int64_t next = t + int64_t(*minutes) * 60 * 1000;
    RETURN_IF_ERROR(
        tx.exec("UPDATE alerts SET status = 'escalated', escalation_step = ?, deadline_at = ?, version = version + 1 "
                "WHERE id = ?",
                {step, next, a.id}));
    a.status = "escalated";
    a.escalation_step = step;
    a.deadline_at = next;
    RETURN_IF_ERROR(history(tx, a, kind, std::nullopt, std::nullopt, "", "step " + std::to_string(step), now));
    RETURN_IF_ERROR(notify(tx, a, recipients, kind, now));
    RETURN_IF_ERROR(stream(tx, a, "alert", now));
    escalated.push_back({a.org_id, a.id, a.patient_id});
  }
  return escalated;
}

Status AlertEngine::acknowledge(store::Tx& tx, const std::string& alert_id, const std::string& user_id,
                                const std::optional<std::string>& note, TimePoint now) const {
  ASSIGN_OR_RETURN(auto cur, load(tx, alert_id));
  if (!cur) return Status::NotFound();
  AlertRow a = *cur;
  if (a.status == "acknowledged" || a.status == "resolved")
    return Status::ConflictWith({"state", a.id}, "The alert is already " + a.status + ".");
  RETURN_IF_ERROR(tx.exec(
      "UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, deadline_at = NULL, "
      "assignee_id = ?, version = version + 1 WHERE id = ?",
      {user_id, to_millis(now), user_id, a.id}));
  a.status = "acknowledged";
  RETURN_IF_ERROR(history(tx, a, "acknowledged", user_id, std::nullopt, "", note.value_or(""), now));
  RETURN_IF_ERROR(stream(tx, a, "alert", now));
  return outbox_webhooks(tx, a, std::nullopt, now);
}

Status AlertEngine::resolve(store::Tx& tx, const std::string& alert_id, const std::string& user_id,
                            const std::string& note, TimePoint now) const {
  ASSIGN_OR_RETURN(auto cur, load(tx, alert_id));
  if (!cur) return Status::NotFound();
  AlertRow a = *cur;
  if (a.status == "resolved") return Status::ConflictWith({"state", a.id}, "The alert is already resolved.");
  RETURN_IF_ERROR(
      tx.exec("UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, deadline_at = NULL, "
              "version = version + 1 WHERE id = ?",
              {user_id, to_millis(now), a.id}));
  a.status = "resolved";
  RETURN_IF_ERROR(history(tx, a, "resolved", user_id, std::nullopt, "", note, now));
  RETURN_IF_ERROR(stream(tx, a, "alert", now));
  return outbox_webhooks(tx, a, std::nullopt, now);
}

Status AlertEngine::resolve_done(store::Tx& tx, const std::string& patient_id, const std::string& rule,
                                 const std::string& user_id, const std::string& note, TimePoint now) const {
  ASSIGN_OR_RETURN(auto open, tx.query_one("SELECT id FROM alerts WHERE patient_id = ? AND rule = ? AND "
                                           "status <> 'resolved'",
                                           {patient_id, rule}));
  if (!open) return Status::Ok();
  return resolve(tx, open->text(0), user_id, note, now);
}

Status AlertEngine::seen(store::Tx& tx, const std::string& alert_id, const std::string& user_id, TimePoint now) const {
  ASSIGN_OR_RETURN(auto cur, load(tx, alert_id));
  if (!cur) return Status::NotFound();
  if (cur->severity != "high" && cur->severity != "imminent")
    return Status::ConflictWith({"state", cur->id},
                                "Only high and imminent alerts are marked seen; acknowledge this one.");
  if (cur->status == "resolved") return Status::ConflictWith({"state", cur->id}, "The alert is already resolved.");
  // Seen stops nothing: no status change, the deadline stays.
  return history(tx, *cur, "seen", user_id, std::nullopt, "", "", now);
}

Result<json::object> AlertEngine::to_json(store::Tx& tx, const std::string& alert_id, const std::string& lang,
                                          bool with_history) const {
  ASSIGN_OR_RETURN(auto cur, load(tx, alert_id));
  if (!cur) return Status::NotFound();
  const AlertRow& a = *cur;
  json::object o;
  o["id"] = a.id;
  o["patient_id"] = a.patient_id;
  ASSIGN_OR_RETURN(auto p, tx.query_one("SELECT given_name, family_name FROM patients WHERE id = ?", {a.patient_id}));
  if (p) {
    json::object pn;
    pn["given_name"] = p->text(0);
    pn["family_name"] = p->text(1);
    o["patient"] = std::move(pn);
  }
  o["program_id"] = a.program_id;
  o["episode_id"] = opt(a.episode_id);
  o["severity"] = a.severity;
  o["status"] = a.status;
  o["rule"] = a.rule;
  std::map<std::string, std::string> params;
  boost::system::error_code ec;
  auto pv = json::parse(a.params, ec);
  if (!ec && pv.is_object())
    for (const auto& kv : pv.as_object())
      params[std::string(kv.key())] =
          kv.value().is_string() ? std::string(kv.value().as_string()) : json::serialize(kv.value());
  o["reasons"] = json::array({json::value(reasons_.render(a.rule, params, lang))});
  o["raised_at"] = ts(a.raised_at);
  o["last_fired_at"] = ts(a.last_fired_at);
  o["deadline"] = a.deadline_at ? json::value(ts(*a.deadline_at)) : json::value(nullptr);
  o["escalation_step"] = a.escalation_step;
  o["assignee_id"] = opt(a.assignee_id);
  o["acknowledged_by"] = opt(a.acknowledged_by);
  o["acknowledged_at"] = a.acknowledged_at ? json::value(ts(*a.acknowledged_at)) : json::value(nullptr);
  o["resolved_by"] = opt(a.resolved_by);
  o["resolved_at"] = a.resolved_at ? json::value(ts(*a.resolved_at)) : json::value(nullptr);
  o["last_event_id"] = std::to_string(a.last_event_seq);
  o["version"] = a.version;
  if (with_history) {
    ASSIGN_OR_RETURN(auto rows, tx.query("SELECT at, kind, user_id, recipient_id, channels, detail FROM alert_history "
                                         "WHERE alert_id = ? ORDER BY ord",
                                         {a.id}));
    json::array h;
    for (const auto& r : rows) {
      json::object e;
      e["at"] = ts(r.i64(0));
      e["kind"] = r.text(1);
      e["user_id"] = opt(r.opt_text(2));
      e["recipient_id"] = opt(r.opt_text(3));
      json::array ch;
      if (auto c = r.opt_text(4)) {
        size_t i = 0;
        while (i <= c->size()) {
          size_t j = c->find(',', i);
          if (j == std::string::npos) j = c->size();
          ch.emplace_back(c->substr(i, j - i));
          i = j + 1;
        }
      }
      e["channels"] = std::move(ch);
      e["detail"] = opt(r.opt_text(5));
      h.push_back(std::move(e));
    }
    o["history"] = std::move(h);
  }
  return o;
}

}  // namespace pomost::service
