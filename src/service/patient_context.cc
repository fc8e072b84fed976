#include "service/patient_context.h"

#include <date/date.h>

#include <unordered_map>

#include "core/time.h"

namespace pomost::service {

ProgramSettings ProgramSettings::parse(const std::string& text) {
  // Every check-in reads its program's settings; parsing the same JSON again each time was a
  // measurable share of the writer's work. Keyed by the exact text, so a changed setting is a
  // new entry and nothing needs invalidating; per thread, so nothing needs locking.
  thread_local std::unordered_map<std::string, ProgramSettings> cache;
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  if (cache.size() > 256) cache.clear();
  ProgramSettings parsed = parse_uncached(text);
  cache.emplace(text, parsed);
  return parsed;
}

ProgramSettings ProgramSettings::parse_uncached(const std::string& text) {
  ProgramSettings s;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return s;
  const auto& o = v.as_object();
  if (auto* cr = o.if_contains("crisis_resources"); cr && cr->is_array()) s.crisis_resources = cr->as_array();
  if (auto* ms = o.if_contains("measurement_schedule"); ms && ms->is_object()) {
    const auto& m = ms->as_object();
    if (auto* c = m.if_contains("checkin_cutoff"); c && c->is_string() && c->as_string().size() == 5) {
      std::string hhmm(c->as_string());
      s.checkin_cutoff_minutes = std::stoi(hhmm.substr(0, 2)) * 60 + std::stoi(hhmm.substr(3, 2));
    }
    if (auto* a = m.if_contains("audit_c_cutoffs"); a && a->is_string())
      s.audit_c_cutoffs = std::string(a->as_string());
    if (auto* p = m.if_contains("pcl5"); p && p->is_bool()) s.pcl5 = p->as_bool();
  }
  if (auto* ack = o.if_contains("ack_deadlines_minutes"); ack && ack->is_object())
    for (const auto& kv : ack->as_object())
      if (kv.value().is_int64()) s.ack_minutes[std::string(kv.key())] = static_cast<int>(kv.value().as_int64());
  // Safety floors (rules.md ⚑): whatever is stored, never slower than 15 and 60 minutes.
  s.ack_minutes["imminent"] = std::min(s.ack_minutes["imminent"], 15);
  s.ack_minutes["high"] = std::min(s.ack_minutes["high"], 60);
  if (auto* rt = o.if_contains("rule_thresholds"); rt && rt->is_object())
    s.thresholds = domain::RuleThresholds::from(rt->as_object(), nullptr);
  if (auto* wh = o.if_contains("webhooks"); wh && wh->is_array())
    for (const auto& h : wh->as_array())
      if (h.is_object() && h.as_object().contains("url") && h.as_object().contains("secret"))
        s.webhooks.push_back(
            {std::string(h.as_object().at("url").as_string()), std::string(h.as_object().at("secret").as_string())});
  if (auto* cl = o.if_contains("closures"); cl && cl->is_array())
    for (const auto& c : cl->as_array())
      if (c.is_object() && c.as_object().contains("date"))
        s.closures.insert(std::string(c.as_object().at("date").as_string()));
  return s;
}

std::optional<int> ProgramSettings::ack_deadline(const std::string& severity) const {
  auto it = ack_minutes.find(severity);
  if (severity == "info" || it == ack_minutes.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<ProgramInfo>> load_program(store::Tx& tx, const std::string& program_id) {
  ASSIGN_OR_RETURN(
      auto row,
      tx.query_one("SELECT id, name, focus, time_zone, language, settings FROM programs WHERE id = ?", {program_id}));
  if (!row) return std::optional<ProgramInfo>();
  ProgramInfo p{row->text(0), row->text(1), row->text(2),
                row->text(3), row->text(4), ProgramSettings::parse(row->text(5))};
  return std::optional<ProgramInfo>(std::move(p));
}

Result<std::optional<PatientContext>> load_patient_context(store::Tx& tx, const std::string& org_id,
                                                           const std::string& patient_id) {
  ASSIGN_OR_RETURN(auto p, tx.query_one("SELECT given_name, family_name, sex, preferred_language FROM patients "
                                        "WHERE id = ? AND org_id = ?",
                                        {patient_id, org_id}));
  if (!p) return std::optional<PatientContext>();
  PatientContext c;
  c.org_id = org_id;
  c.patient_id = patient_id;
  c.given_name = p->text(0);
  c.family_name = p->text(1);
  c.sex = p->text(2);
  c.language = p->text(3);
  ASSIGN_OR_RETURN(auto e, tx.query_one("SELECT id, program_id, admitted_on, primary_therapist_id, psychiatrist_id, "
                                        "planned_discharge_on FROM episodes WHERE patient_id = ? AND status = 'active'",
                                        {patient_id}));
  if (e) {
    c.episode_id = e->text(0);
    c.admitted_on = e->text(2);
    c.therapist_id = e->opt_text(3);
    c.psychiatrist_id = e->opt_text(4);
    c.planned_discharge_on = e->opt_text(5);
    ASSIGN_OR_RETURN(auto staff, tx.query("SELECT user_id FROM episode_staff WHERE episode_id = ?", {e->text(0)}));
    for (const auto& s : staff) c.program_staff_ids.push_back(s.text(0));
    ASSIGN_OR_RETURN(c.program, load_program(tx, e->text(1)));
  }
  return std::optional<PatientContext>(std::move(c));
}

int weekday_of(int days) {
  return static_cast<int>((date::weekday(date::sys_days(date::days(days))).iso_encoding() - 1));
}

Result<std::set<int>> program_days(store::Tx& tx, const std::string& program_id, const std::string& patient_id) {
  auto parse = [](const std::string& s, std::set<int>& out) {
    static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0; d < 7; ++d)
      if (s.find(kDays[d]) != std::string::npos) out.insert(d);
  };
  std::set<int> days;
  ASSIGN_OR_RETURN(auto mine, tx.query("SELECT t.weekdays FROM group_members m JOIN groups g ON g.id = m.group_id "
                                       "JOIN tracks t ON t.id = g.track_id WHERE m.patient_id = ? AND g.program_id = ?",
                                       {patient_id, program_id}));
  for (const auto& r : mine) parse(r.text(0), days);
  if (days.empty()) {
    ASSIGN_OR_RETURN(auto all, tx.query("SELECT weekdays FROM tracks WHERE program_id = ?", {program_id}));
    for (const auto& r : all) parse(r.text(0), days);
  }
  if (days.empty()) days = {0, 1, 2, 3, 4};
  return days;
}

json::array localized_resources(const json::array& resources, const std::string& lang) {
  json::array out;
  for (const auto& r : resources) {
    if (!r.is_object()) continue;
    json::object o = r.as_object();
    if (auto* tr = o.if_contains("translations"); tr && tr->is_object()) {
      if (auto* t = tr->as_object().if_contains(lang); t && t->is_object())
        for (const char* k : {"name", "description"})
          if (auto* v = t->as_object().if_contains(k); v && v->is_string()) o[k] = *v;
      o.erase("translations");
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace pomost::service
