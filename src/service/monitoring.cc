#include "service/monitoring.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "auth/crypto.h"
#include "core/time.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;
using domain::RiskLevel;

namespace {

json::value condition_json(const json::object& source_item) {
  auto* s = source_item.if_contains("show_if");
  return s ? *s : json::value(nullptr);
}

// An instrument in the reader's language, with what that language's wording is.
json::object localized(const domain::Instrument& ins, const std::string& lang) {
  json::object o;
  o["id"] = ins.id;
  o["version"] = ins.version;
  o["title"] = ins.title.in(lang);
  o["instructions"] = ins.instructions.in(lang);
  o["administration"] = ins.administration;
  o["language"] = lang;
  auto st = ins.language_status.find(lang);
  o["wording"] = st == ins.language_status.end() ? "fallback_en" : st->second;
  o["licence"] = ins.licence;
  o["translation_note"] = ins.translation_note;
  if (!ins.loinc_panel.empty()) o["loinc"] = json::object({{"panel", ins.loinc_panel}, {"total", ins.loinc_total}});
  json::array items;
  const json::array* src_items = ins.source.contains("items") ? &ins.source.at("items").as_array() : nullptr;
  for (size_t i = 0; i < ins.items.size(); ++i) {
    const auto& it = ins.items[i];
    json::object x;
    x["id"] = it.id;
    x["text"] = it.text.in(lang);
    x["type"] = it.type;
    if (it.type == "choice") {
      json::array opts;
      for (const auto& op : it.options)
        opts.push_back(json::object({{"value", op.value}, {"label", op.label.in(lang)}}));
      x["options"] = std::move(opts);
    } else {
      x["min"] = it.min;
      x["max"] = it.max;
      x["integer"] = it.integer;
    }
    x["required"] = it.required;
    x["allow_declined"] = it.allow_declined;
    if (src_items && i < src_items->size()) {
      const auto& so = (*src_items)[i].as_object();
      x["show_if"] = condition_json(so);
      if (auto* a = so.if_contains("anchors"); a && a->is_object()) {
        json::object anchors;
        for (const auto& kv : a->as_object())
          if (kv.value().is_object() && kv.value().as_object().contains("en")) {
            const auto& t = kv.value().as_object();
            anchors[kv.key()] = t.contains(lang) ? t.at(lang) : t.at("en");
          }
        x["anchors"] = std::move(anchors);
      }
    }
    items.push_back(std::move(x));
  }
  o["items"] = std::move(items);
  json::array bands;
  for (const auto& b : ins.bands)
    bands.push_back(json::object({{"id", b.id}, {"min", b.min}, {"max", b.max}, {"label", b.label.in(lang)}}));
  o["bands"] = std::move(bands);
  return o;
}

std::string short_name(const std::string& id) {
  static const std::map<std::string, std::string> k = {
      {"phq9", "PHQ-9"}, {"gad7", "GAD-7"},  {"bam", "BAM"}, {"bam_iop", "BAM-IOP"},      {"audit_c", "AUDIT-C"},
      {"pcl5", "PCL-5"}, {"scoff", "SCOFF"}, {"asq", "ASQ"}, {"cssrs_screener", "C-SSRS"}};
  auto it = k.find(id);
  return it == k.end() ? id : it->second;
}

std::optional<int64_t> column_int(const domain::Score& s, const char* id) {
  auto it = s.answers.find(id);
  if (it == s.answers.end() || !it->second.is_number()) return std::nullopt;
  return static_cast<int64_t>(std::llround(it->second.to_number<double>()));
}
std::optional<double> column_real(const domain::Score& s, const char* id) {
  auto it = s.answers.find(id);
  if (it == s.answers.end() || !it->second.is_number()) return std::nullopt;
  return it->second.to_number<double>();
}

// How many days before the planned discharge the discharge measures open.
constexpr int kDischargeWindowDays = 7;

// Measures on the per-program schedule of rules.md: (instrument, period in days; 0 = at admission).
std::vector<std::pair<std::string, int>> schedule_for(const ProgramInfo& p) {
  std::vector<std::pair<std::string, int>> s = {{"phq9", 7}, {"gad7", 7}, {"audit_c", 0}};
  if (p.focus == "substance_use") {
    s.push_back({"bam", 28});
    s.push_back({"bam_iop", 7});
  }
  if (p.focus == "eating_disorder") s.push_back({"scoff", 0});
  if (p.settings.pcl5) s.push_back({"pcl5", 28});
  return s;
}

int64_t local_midnight(int days, const std::string& tz) {
  return to_millis(local_time_to_utc(days, 0, tz));
}

int local_minutes(TimePoint t, const std::string& tz) {
  const int day = local_date(t, tz);
  return static_cast<int>((to_millis(t) - local_midnight(day, tz)) / 60000);
}

Status audit_system(const Runner& runner, store::Tx& tx, const std::string& org, const std::string& action,
                    const std::string& patient, const std::string& resource_id, TimePoint now) {
  RequestContext ctx;
  ctx.now = now;
  ctx.request_id = "scheduler";
  ctx.client_addr = "local";
  std::vector<Audit::Entry> e{{action, "alert", resource_id, patient, "success", std::nullopt, std::nullopt}};
  return Runner::append_audit(runner.chain(), tx, ctx, org, e, std::nullopt, std::string("system"));
}

}  // namespace

void Monitoring::list_instruments(const RequestContext& ctx, Done done) {
  json::array items;
  for (const auto* i : instruments_.all()) {
    if (i->id.rfind("checkin_", 0) == 0) continue;
    json::object o;
    o["id"] = i->id;
    o["version"] = i->version;
    o["title"] = i->title.in(ctx.lang);
    o["administration"] = i->administration;
    auto st = i->language_status.find(ctx.lang);
    o["wording"] = st == i->language_status.end() ? "fallback_en" : st->second;
    items.push_back(std::move(o));
  }
  done(ok(json::object({{"items", std::move(items)}, {"next_cursor", nullptr}})));
}

void Monitoring::get_instrument(const RequestContext& ctx, const std::string& id, Done done) {
  const domain::Instrument* ins = instruments_.find(id);
  if (!ins) return done(Status::NotFound("No such instrument."));
  done(ok(localized(*ins, ctx.lang)));
}

void Monitoring::checkin_form(const RequestContext& ctx, const Query& q, Done done) {
  auto program_id = q.get("program_id");
  const Principal who = ctx.principal();
  auto r = runner_.read([&](store::Tx& tx) -> Result<Reply> {
    std::string pid;
    if (program_id) {
      pid = *program_id;
    } else if (who.patient_id) {
      ASSIGN_OR_RETURN(auto ep,
                       tx.query_one("SELECT program_id FROM episodes WHERE patient_id = ? AND status = 'active'",
                                    {*who.patient_id}));
      if (!ep) return Status::NotFound("You have no active program.");
      pid = ep->text(0);
    } else {
      return Status(Code::bad_request, "`program_id` is required.");
    }
    ASSIGN_OR_RETURN(auto prog,
                     tx.query_one("SELECT focus FROM programs WHERE id = ? AND org_id = ?", {pid, who.org_id}));
    if (!prog) return Status::NotFound();
    const domain::Instrument* form = instruments_.find("checkin_" + prog->text(0));
    if (!form) return Status::Internal("no check-in form for focus " + prog->text(0));
    json::object o = localized(*form, ctx.lang);
    o["program_id"] = pid;
    return ok(std::move(o));
  });
  done(std::move(r));
}

Result<Reply> Monitoring::submit(store::Tx& tx, Audit& audit, const RequestContext& ctx, const std::string& patient_id,
                                 const std::string& form_id, const json::object& answers, bool checkin) {
  const Principal& who = ctx.principal();
  const domain::Instrument* form = instruments_.find(form_id);
  if (!form) return Status::Internal("no form " + form_id);
  ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, patient_id));
  if (!pc) return Status::NotFound();
  if (!pc->active() || !pc->program)
    return Status::ConflictWith({"state", patient_id}, "The patient has no active episode of care.");
  const ProgramInfo& program = *pc->program;
  const bool patient_self = who.role == domain::Role::patient;
  const int64_t now = to_millis(ctx.now);

  // The patient sees their risk level and, when it is high or a self-harm answer is positive, the
  // program's crisis resources and their safety plan at once — never the staff alert.
  auto patient_view = [&](const std::string& id, const std::vector<domain::Reason>& reasons) -> Result<json::object> {
    json::object o;
    if (!id.empty()) o["id"] = id;
    RiskLevel level = domain::max_level(reasons);
    o["risk"] = json::object({{"level", std::string(domain::to_string(level))}});
    if (level >= RiskLevel::high || domain::self_harm_positive(reasons)) {
      o["crisis_resources"] = localized_resources(program.settings.crisis_resources, ctx.lang);
      ASSIGN_OR_RETURN(auto plan, tx.query_one("SELECT content, version FROM safety_plans WHERE patient_id = ? "
                                               "ORDER BY version DESC LIMIT 1",
                                               {patient_id}));
      if (plan) {
        boost::system::error_code ec;
        json::value content = json::parse(plan->text(0), ec);
        o["safety_plan"] = ec ? json::value(nullptr) : content;
      } else {
        o["safety_plan"] = nullptr;
      }
    }
    return o;
  };
  auto staff_view = [&](const std::string& id, const std::vector<domain::Reason>& reasons,
                        const std::vector<RaisedAlert>& raised) {
    json::object o;
    if (!id.empty()) o["id"] = id;
    json::array rs;
    for (const auto& r : reasons)
      rs.push_back(json::object({{"rule", r.rule},
                                 {"level", std::string(domain::to_string(r.level))},
                                 {"text", reasons_.render(r, ctx.lang)}}));
    o["risk"] = json::object(
        {{"level", std::string(domain::to_string(domain::max_level(reasons)))}, {"reasons", std::move(rs)}});
    json::array al;
    for (const auto& a : raised)
      al.push_back(json::object({{"id", a.id}, {"rule", a.rule}, {"severity", a.severity}, {"status", a.status}}));
    o["alerts"] = std::move(al);
    return o;
  };

  // Follow-up screens the rules put on the due list: C-SSRS the same day after PHQ-9 item 9 ⚑,
  // ASQ after a check-in with self-harm thoughts ⚑ — for refused submissions too.
  auto add_follow_ups = [&](const std::vector<domain::Reason>& reasons) -> Status {
    const int today = local_date(ctx.now, program.time_zone);
    const int64_t end_of_day = local_midnight(today + 1, program.time_zone);
    for (const auto& r : reasons) {
      std::optional<std::string> follow;
      if (r.rule == "phq9_item9") follow = "cssrs_screener";
      if (r.rule == "checkin_self_harm_thoughts" || r.rule == "checkin_self_harm_intent") follow = "asq";
      if (!follow) continue;
      ASSIGN_OR_RETURN(
          auto open,
          tx.query_one("SELECT 1 FROM due_now WHERE patient_id = ? AND instrument_id = ? AND completed_at IS NULL",
                       {patient_id, *follow}));
      if (!open)
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO due_now (org_id, id, patient_id, instrument_id, reason, created_at, due_by) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?)",
                    {who.org_id, auth::new_id("due"), patient_id, *follow, r.rule, now, end_of_day}));
    }
    return Status::Ok();
  };

  domain::ScoringContext sctx{pc->sex, program.settings.audit_c_cutoffs};
  auto scored = domain::score(*form, answers, sctx);
  if (!scored.ok()) {
    // Refused — but a positive safety-critical answer is still recorded and raises its alert ⚑.
    auto signals = domain::safety_signals(*form, answers);
    auto reasons = domain::evaluate_refused(form_id, signals, answers);
    if (reasons.empty()) return scored.status();
    ASSIGN_OR_RETURN(auto raised,
                     alerts_.raise(tx, *pc, program.id, reasons, checkin ? "refused_checkin" : "refused_assessment",
                                   std::nullopt, ctx.now));
    audit.record(checkin ? "checkin_refused_risk_event" : "assessment_refused_risk_event", "risk_event", std::nullopt,
                 patient_id);
    RETURN_IF_ERROR(add_follow_ups(reasons));
    json::object risk_event;
    risk_event["recorded"] = true;
    risk_event["level"] = std::string(domain::to_string(domain::max_level(reasons)));
    json::object extra;
    if (patient_self) {
      ASSIGN_OR_RETURN(auto pv, patient_view("", reasons));
      risk_event["message"] =
          "Some answers are missing, but your answer about your safety was received and your care team has been told.";
      extra = std::move(pv);
      extra.erase("risk");
    } else {
      json::object sv = staff_view("", reasons, raised);
      risk_event["reasons"] = sv["risk"].as_object()["reasons"];
      risk_event["alerts"] = sv["alerts"];
    }
    extra["risk_event"] = std::move(risk_event);
    Status st = scored.status();
    return Status(st).with_extra(std::move(extra)).keeping_writes();
  }
  const domain::Score& s = *scored;
  json::object answers_json;
  for (const auto& [k, v] : s.answers) answers_json[k] = v;
  domain::AssessmentHistory history;
  if (!checkin && s.total) {
    ASSIGN_OR_RETURN(auto first,
                     tx.query_one("SELECT total FROM assessments WHERE episode_id = ? AND instrument_id = ? AND "
                                  "total IS NOT NULL ORDER BY submitted_at LIMIT 1",
                                  {*pc->episode_id, form_id}));
    if (first) history.baseline_total = first->f64(0);
  }
  auto reasons = domain::evaluate(form_id, s, history, program.settings.thresholds);
  const std::string level(domain::to_string(domain::max_level(reasons)));
  const std::string id = auth::new_id(checkin ? "chk" : "asm");
  if (checkin) {
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO checkins (org_id, id, patient_id, episode_id, program_id, form_id, local_date, "
                "submitted_at, submitted_by, "
                "on_behalf, answers, mood, anxiety, craving, used, sleep_hours, medication, self_harm_thoughts, "
                "self_harm_intent, binge, "
                "purge, restrict_episodes, meetings, risk_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {who.org_id,
                 id,
                 patient_id,
                 *pc->episode_id,
                 program.id,
                 form_id,
                 format_date(local_date(ctx.now, program.time_zone)),
                 now,
                 who.user_id,
                 !patient_self,
                 json::serialize(answers_json),
                 column_int(s, "mood"),
                 column_int(s, "anxiety"),
                 column_int(s, "craving"),
                 column_int(s, "used"),
                 column_real(s, "sleep_hours"),
                 column_int(s, "medication"),
                 column_int(s, "self_harm_thoughts"),
                 column_int(s, "self_harm_intent"),
                 column_int(s, "binge"),
                 column_int(s, "purge"),
                 column_int(s, "restrict"),
                 column_int(s, "meetings"),
                 level}));
    // Today's check-in list updates live: the stream carries each check-in (no answers) to staff.
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO stream_events (org_id, program_id, patient_id, alert_id, kind, at) VALUES (?, ?, ?, ?, "
                "'checkin', ?)",
                {who.org_id, program.id, patient_id, id, now}));
  } else {
    json::object subs;
    for (const auto& [k, v] : s.subscales) subs[k] = v;
    RETURN_IF_ERROR(tx.exec(
        "INSERT INTO assessments (org_id, id, patient_id, episode_id, program_id, instrument_id, instrument_version, "
        "submitted_at, submitted_by, on_behalf, answers, total, band, classification, subscales, risk_level) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {who.org_id, id, patient_id, *pc->episode_id, program.id, form_id, form->version, now, who.user_id,
         !patient_self, json::serialize(answers_json), s.total, s.band, s.classification, json::serialize(subs),
         level}));
    RETURN_IF_ERROR(tx.exec(
        "UPDATE due_now SET completed_at = ? WHERE patient_id = ? AND instrument_id = ? AND completed_at IS NULL",
        {now, patient_id, form_id}));
  }
  audit.record(checkin ? "checkin_submit" : "assessment_submit", checkin ? "checkin" : "assessment", id, patient_id);
  ASSIGN_OR_RETURN(auto raised,
                   alerts_.raise(tx, *pc, program.id, reasons, checkin ? "checkin" : "assessment", id, ctx.now));
  RETURN_IF_ERROR(add_follow_ups(reasons));
  if (patient_self) {
    ASSIGN_OR_RETURN(auto pv, patient_view(id, reasons));
    return ok(std::move(pv), 201);
  }
  json::object o = staff_view(id, reasons, raised);
  if (!checkin) {
    o["instrument"] = form_id;
    o["total"] = s.total ? json::value(*s.total) : json::value(nullptr);
    json::object subs;
    for (const auto& [k, v] : s.subscales) subs[k] = v;
    o["subscales"] = std::move(subs);
    o["severity"] = opt(s.band);
    o["classification"] = opt(s.classification);
    json::array critical;
    for (const auto& c : s.safety_classifications) critical.emplace_back(c);
    o["critical_items"] = std::move(critical);
  } else {
    o["local_date"] = format_date(local_date(ctx.now, program.time_zone));
  }
  return ok(std::move(o), 201);
}

void Monitoring::submit_checkin(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                Done done) {
  Fields f(body);
  const json::object* answers = f.object("answers", true);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  json::object a = *answers;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::checkin_write, patient_id, "checkin", ""));
        ASSIGN_OR_RETURN(auto ep, tx.query_one("SELECT p.focus FROM episodes e JOIN programs p ON p.id = e.program_id "
                                               "WHERE e.patient_id = ? AND e.status = 'active'",
                                               {patient_id}));
        if (!ep) return Status::ConflictWith({"state", patient_id}, "The patient has no active episode of care.");
        return submit(tx, audit, ctx, patient_id, "checkin_" + ep->text(0), a, true);
      },
      std::move(done));
}

void Monitoring::submit_assessment(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                   Done done) {
  Fields f(body);
  auto instrument = f.string("instrument", true, {1, 64});
  const json::object* answers = f.object("answers", true);
  f.reject_unknown();
  const domain::Instrument* ins = instrument ? instruments_.find(*instrument) : nullptr;
  if (instrument && (!ins || instrument->rfind("checkin_", 0) == 0))
    f.fail("instrument", "is not a known instrument", "one_of");
  if (!f.ok()) return done(f.status());
  if (ins->administration == "clinician" && ctx.principal().role == domain::Role::patient)
    return done(Status(Code::permission_denied, "This instrument is administered by a clinician."));
  json::object a = *answers;
  const std::string id = *instrument;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::measure_submit, patient_id, "assessment", ""));
        return submit(tx, audit, ctx, patient_id, id, a, false);
      },
      std::move(done));
}

void Monitoring::list_checkins(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done) {
  int64_t limit = 50;
  if (auto l = q.get("limit")) {
    try {
      limit = std::stoll(*l);
    } catch (const std::exception&) {
      limit = 0;
    }
    if (limit < 1 || limit > 500) return done(Status(Code::bad_request, "`limit` must be an integer from 1 to 500."));
  }
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::checkin_read, patient_id, "checkin", ""));
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id, local_date, submitted_at, on_behalf, answers, risk_level FROM checkins "
                                  "WHERE patient_id = ? ORDER BY submitted_at DESC LIMIT ?",
                                  {patient_id, limit}));
        json::array items;
        // Staff see why a check-in was rated as it was; patients see only the level (rules.md).
        const bool staff = ctx.principal().role != domain::Role::patient;
        for (const auto& r : rows) {
          boost::system::error_code ec;
          json::value answers = json::parse(r.text(4), ec);
          json::object risk{{"level", r.text(5)}};
          if (staff) {
            ASSIGN_OR_RETURN(auto events, tx.query("SELECT rule, level, params FROM risk_events WHERE source_type = "
                                                   "'checkin' AND source_id = ? ORDER BY at, id",
                                                   {r.text(0)}));
            json::array reasons;
            for (const auto& e : events) {
              std::map<std::string, std::string> params;
              boost::system::error_code pec;
              json::value pv = json::parse(e.text(2), pec);
              if (!pec && pv.is_object())
                for (const auto& kv : pv.as_object())
                  params[std::string(kv.key())] =
                      kv.value().is_string() ? std::string(kv.value().as_string()) : json::serialize(kv.value());
              reasons.push_back(json::object{
                  {"rule", e.text(0)}, {"level", e.text(1)}, {"text", reasons_.render(e.text(0), params, ctx.lang)}});
            }
            risk["reasons"] = std::move(reasons);
          }
          items.push_back(json::object({{"id", r.text(0)},
                                        {"local_date", r.text(1)},
                                        {"submitted_at", registry::ts(r.i64(2))},
                                        {"on_behalf", r.boolean(3)},
                                        {"answers", ec ? json::value(nullptr) : answers},
                                        {"risk", std::move(risk)}}));
        }
        return ok(json::object({{"items", std::move(items)}, {"next_cursor", nullptr}}));
      },
      std::move(done));
}

void Monitoring::list_assessments(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done) {
  auto instrument = q.get("instrument");
  const bool patient = ctx.principal().role == domain::Role::patient;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, patient ? Action::measure_submit : Action::chart_read,
                                                patient_id, "assessment", ""));
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id, instrument_id, submitted_at, total, band, classification, subscales, "
                                  "risk_level, on_behalf FROM assessments WHERE patient_id = ? AND (? IS NULL OR "
                                  "instrument_id = ?) ORDER BY submitted_at DESC LIMIT 200",
                                  {patient_id, instrument, instrument}));
        json::array items;
        for (const auto& r : rows) {
          json::object o;
          o["id"] = r.text(0);
          o["instrument"] = r.text(1);
          o["submitted_at"] = registry::ts(r.i64(2));
          o["total"] = r.is_null(3) ? json::value(nullptr) : json::value(r.f64(3));
          if (!patient) {
            o["severity"] = opt(r.opt_text(4));
            o["classification"] = opt(r.opt_text(5));
            boost::system::error_code ec;
            json::value subs = json::parse(r.text(6), ec);
            o["subscales"] = ec ? json::value(nullptr) : subs;
            o["risk"] = json::object({{"level", r.text(7)}});
            o["on_behalf"] = r.boolean(8);
          }
          items.push_back(std::move(o));
        }
        return ok(json::object({{"items", std::move(items)}, {"next_cursor", nullptr}}));
      },
      std::move(done));
}

Result<std::vector<Monitoring::ScheduledMeasure>> Monitoring::scheduled_measures(
    store::Tx& tx, const ProgramInfo& p, const std::string& patient_id, const std::string& admitted_on,
    const std::optional<std::string>& planned_discharge_on, int today) const {
  std::vector<ScheduledMeasure> out;
  const std::string& tz = p.time_zone;
  const int admitted = *parse_date(admitted_on);
  for (const auto& [instrument, period] : schedule_for(p)) {
    if (!instruments_.find(instrument)) continue;
    int from = admitted, to = admitted + 7;
    if (period > 0) {
      int k = (today - admitted) / period;
      from = admitted + k * period;
      to = from + period;
    }
    ASSIGN_OR_RETURN(auto last, tx.query_one("SELECT 1 FROM assessments WHERE patient_id = ? AND instrument_id = ? AND "
                                             "submitted_at >= ? AND submitted_at < ? LIMIT 1",
                                             {patient_id, instrument, local_midnight(from, tz),
                                              period > 0 ? local_midnight(to, tz) : INT64_MAX}));
    out.push_back({instrument, period == 0 ? "at_admission" : (period == 7 ? "weekly" : "every_4_weeks"),
                   last ? "done" : (period == 0 && today >= to ? "overdue" : "due"), from, to});
  }
  // rules.md: AUDIT-C at discharge too, due in the week before the planned day. It is a second
  // measurement: it opens once the admission one is given, and only a later answer counts.
  if (auto planned = planned_discharge_on ? parse_date(*planned_discharge_on) : std::nullopt;
      planned && today >= *planned - kDischargeWindowDays && instruments_.find("audit_c")) {
    ASSIGN_OR_RETURN(auto first, tx.query_one("SELECT min(submitted_at) FROM assessments WHERE patient_id = ? AND "
                                              "instrument_id = 'audit_c' AND submitted_at >= ?",
                                              {patient_id, local_midnight(admitted, tz)}));
    if (first && !first->is_null(0)) {
      const int from = std::max(admitted, *planned - kDischargeWindowDays), to = *planned + 1;
      ASSIGN_OR_RETURN(auto last, tx.query_one("SELECT 1 FROM assessments WHERE patient_id = ? AND "
                                               "instrument_id = 'audit_c' AND submitted_at >= ? AND submitted_at > ? "
                                               "LIMIT 1",
                                               {patient_id, local_midnight(from, tz), first->i64(0)}));
      out.push_back({"audit_c", "at_discharge", last ? "done" : (today >= to ? "overdue" : "due"), from, to});
    }
  }
  return out;
}

void Monitoring::due(const RequestContext& ctx, const std::string& patient_id, Done done) {
  const bool patient = ctx.principal().role == domain::Role::patient;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, patient ? Action::measure_submit : Action::checkin_read,
                                                patient_id, "due_list", ""));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, ctx.principal().org_id, patient_id));
        if (!pc) return Status::NotFound();
        json::array items;
        if (pc->active() && pc->program) {
          const ProgramInfo& p = *pc->program;
          const std::string& tz = p.time_zone;
          const int today = local_date(ctx.now, tz);
          const int admitted = *parse_date(pc->admitted_on);
          auto window = [&](json::object& o, int from, int to) {
            o["window_start"] = format_rfc3339_in(from_millis(local_midnight(from, tz)), tz);
            o["window_end"] = format_rfc3339_in(from_millis(local_midnight(to, tz)), tz);
          };
          ASSIGN_OR_RETURN(auto days, program_days(tx, p.id, patient_id));
          if (days.count(weekday_of(today)) && !p.settings.closures.count(format_date(today)) && admitted <= today) {
            ASSIGN_OR_RETURN(auto done_today,
                             tx.query_one("SELECT 1 FROM checkins WHERE patient_id = ? AND local_date = ? LIMIT 1",
                                          {patient_id, format_date(today)}));
            json::object o;
            o["kind"] = "checkin";
            o["form"] = "checkin_" + p.focus;
            o["window_start"] = format_rfc3339_in(from_millis(local_midnight(today, tz)), tz);
            o["window_end"] = format_rfc3339_in(local_time_to_utc(today, p.settings.checkin_cutoff_minutes, tz), tz);
            o["status"] = done_today
                              ? "done"
                              : (local_minutes(ctx.now, tz) < p.settings.checkin_cutoff_minutes ? "due" : "missed");
            items.push_back(std::move(o));
          }
          ASSIGN_OR_RETURN(auto measures,
                           scheduled_measures(tx, p, patient_id, pc->admitted_on, pc->planned_discharge_on, today));
          for (const auto& m : measures) {
            const domain::Instrument* ins = instruments_.find(m.instrument);
            if (patient && ins->administration != "self_report") continue;
            json::object o;
            o["kind"] = "measure";
            o["instrument"] = m.instrument;
            o["title"] = ins->title.in(ctx.lang);
            o["administration"] = ins->administration;
            o["schedule"] = m.schedule;
            window(o, m.from, m.to);
            o["status"] = m.status;
            items.push_back(std::move(o));
          }
        }
        ASSIGN_OR_RETURN(
            auto extra,
            tx.query("SELECT instrument_id, reason, created_at, due_by FROM due_now WHERE patient_id = ? AND "
                     "completed_at IS NULL ORDER BY created_at",
                     {patient_id}));
        for (const auto& r : extra) {
          const domain::Instrument* ins = instruments_.find(r.text(0));
          if (patient && (!ins || ins->administration != "self_report")) continue;
          json::object o;
          o["kind"] = "measure";
          o["instrument"] = r.text(0);
          o["title"] = ins ? ins->title.in(ctx.lang) : r.text(0);
          o["administration"] = ins ? ins->administration : "";
          o["schedule"] = "now";
          if (!patient) o["reason"] = r.text(1);
          const std::string tz = pc->program ? pc->program->time_zone : "UTC";
          o["window_start"] = format_rfc3339_in(from_millis(r.i64(2)), tz);
          o["window_end"] = format_rfc3339_in(from_millis(r.i64(3)), tz);
          o["status"] = to_millis(ctx.now) < r.i64(3) ? "due" : "overdue";
          items.push_back(std::move(o));
        }
        json::object out{{"items", std::move(items)}};
        // Staff screens offer to record on the patient's behalf only what this reader may.
        if (!patient) {
          ASSIGN_OR_RETURN(bool checkin, access_.allowed_patient(tx, ctx, Action::checkin_write, patient_id));
          ASSIGN_OR_RETURN(bool measures, access_.allowed_patient(tx, ctx, Action::measure_submit, patient_id));
          out["may_record"] =
              json::object{{"checkin", checkin && pc->active()}, {"measures", measures && pc->active()}};
        }
        return ok(std::move(out));
      },
      std::move(done));
}

Status Monitoring::missed_checkins(const std::string& program_id, TimePoint now) {
  // Most ticks find nothing to do: decide that with a read, without taking the writer.
  bool needed = true;
  RETURN_IF_ERROR(runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto program, load_program(tx, program_id));
    ASSIGN_OR_RETURN(
        auto job, tx.query_one("SELECT missed_checkins_through FROM program_jobs WHERE program_id = ?", {program_id}));
    if (!program || !job) return Status::Ok();
    const int today = local_date(now, program->time_zone);
    const int closed =
        local_minutes(now, program->time_zone) >= program->settings.checkin_cutoff_minutes ? today : today - 1;
    needed = *parse_date(job->text(0)) < closed;
    return Status::Ok();
  }));
  if (!needed) return Status::Ok();
  return runner_.store().write_sync([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto program, load_program(tx, program_id));
    if (!program) return Status::Ok();
    const std::string& tz = program->time_zone;
    const int today = local_date(now, tz);
    // The last local date whose check-in window has closed.
    const int closed = local_minutes(now, tz) >= program->settings.checkin_cutoff_minutes ? today : today - 1;
    ASSIGN_OR_RETURN(auto job, tx.query_one("SELECT missed_checkins_through, watched_since FROM program_jobs "
                                            "WHERE program_id = ?",
                                            {program_id}));
    ASSIGN_OR_RETURN(auto org, tx.query_one("SELECT org_id FROM programs WHERE id = ?", {program_id}));
    if (!job) {
      // First run: start from now; days before Pomost watched the program are not judged.
      return tx
          .exec(
              "INSERT INTO program_jobs (org_id, program_id, watched_since, missed_checkins_through) VALUES (?, ?, ?, "
              "?)",
              {org->text(0), program_id, format_date(closed + 1), format_date(closed)})
          .status();
    }
    const int watched_since = *parse_date(job->text(1));
    int from = *parse_date(job->text(0)) + 1;
    from = std::max(from, closed - 7);  // a long outage catches up one week at most
    for (int day = from; day <= closed; ++day) {
      const std::string date = format_date(day);
      if (program->settings.closures.count(date)) continue;
      ASSIGN_OR_RETURN(auto patients, tx.query("SELECT patient_id, admitted_on FROM episodes WHERE program_id = ? AND "
                                               "status = 'active' AND admitted_on <= ?",
                                               {program_id, date}));
      for (const auto& p : patients) {
        const std::string patient_id = p.text(0);
        ASSIGN_OR_RETURN(auto days, program_days(tx, program_id, patient_id));
        if (!days.count(weekday_of(day))) continue;
        ASSIGN_OR_RETURN(
            auto done,
            tx.query_one("SELECT 1 FROM checkins WHERE patient_id = ? AND local_date = ? LIMIT 1", {patient_id, date}));
        if (done) continue;
        // An excused absence that day never counts as a missed check-in (rules.md).
        ASSIGN_OR_RETURN(auto excused,
                         tx.query_one("SELECT 1 FROM attendance WHERE patient_id = ? AND status = 'absent_excused' AND "
                                      "session_starts_at >= ? AND session_starts_at < ? LIMIT 1",
                                      {patient_id, local_midnight(day, tz), local_midnight(day + 1, tz)}));
        if (excused) continue;
        // Consecutive missed program days up to this one.
        int missed = 0;
        const int first = std::max(*parse_date(p.text(1)), watched_since);
        for (int d = day, seen = 0; d >= first && seen < 14; --d) {
          if (!days.count(weekday_of(d)) || program->settings.closures.count(format_date(d))) continue;
          ++seen;
          ASSIGN_OR_RETURN(auto c,
                           tx.query_one("SELECT 1 FROM checkins WHERE patient_id = ? AND local_date = ? LIMIT 1",
                                        {patient_id, format_date(d)}));
          if (c) break;
          // Excused days neither count nor break the run, like closures.
          ASSIGN_OR_RETURN(auto ex, tx.query_one("SELECT 1 FROM attendance WHERE patient_id = ? AND "
                                                 "status = 'absent_excused' AND session_starts_at >= ? AND "
                                                 "session_starts_at < ? LIMIT 1",
                                                 {patient_id, local_midnight(d, tz), local_midnight(d + 1, tz)}));
          if (ex) continue;
          ++missed;
        }
        std::vector<domain::Reason> reasons;
        const auto& t = program->settings.thresholds;
        if (missed >= t.missed_checkins)
          reasons.push_back(
              {"missed_checkins", RiskLevel::moderate, false, {{"count", std::to_string(missed)}, {"date", date}}});
        const int64_t since = local_midnight(day - t.post_alert_days, tz);
        ASSIGN_OR_RETURN(auto recent_high,
                         tx.query_one("SELECT 1 FROM alerts WHERE patient_id = ? AND severity IN ('high', 'imminent') "
                                      "AND raised_at >= ? AND raised_at < ? LIMIT 1",
                                      {patient_id, since, local_midnight(day + 1, tz)}));
        if (recent_high)
          reasons.push_back({"missed_after_high_alert",
                             RiskLevel::high,
                             false,
                             {{"date", date}, {"days", std::to_string(t.post_alert_days)}}});
        if (reasons.empty()) continue;
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, org->text(0), patient_id));
        ASSIGN_OR_RETURN(auto raised, alerts_.raise(tx, *pc, program_id, reasons, "schedule", std::nullopt, now));
        for (const auto& a : raised)
          RETURN_IF_ERROR(audit_system(runner_, tx, org->text(0), "alert_raise", patient_id, a.id, now));
      }
      // Measures whose weekly or four-weekly window closed yesterday without a submission.
      ASSIGN_OR_RETURN(
          auto active,
          tx.query("SELECT patient_id, admitted_on FROM episodes WHERE program_id = ? AND status = 'active'",
                   {program_id}));
      for (const auto& p : active) {
        const int admitted = *parse_date(p.text(1));
        for (const auto& [instrument, period] : schedule_for(*program)) {
          if (period == 0 || day <= admitted || (day - admitted) % period != 0) continue;
          ASSIGN_OR_RETURN(
              auto sub,
              tx.query_one("SELECT 1 FROM assessments WHERE patient_id = ? AND instrument_id = ? AND "
                           "submitted_at >= ? AND submitted_at < ? LIMIT 1",
                           {p.text(0), instrument, local_midnight(day - period, tz), local_midnight(day, tz)}));
          if (sub) continue;
          ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, org->text(0), p.text(0)));
          std::vector<domain::Reason> reasons{{"measure_missed",
                                               RiskLevel::low,
                                               false,
                                               {{"measure", short_name(instrument)}, {"date", format_date(day - 1)}}}};
          ASSIGN_OR_RETURN(auto raised, alerts_.raise(tx, *pc, program_id, reasons, "schedule", std::nullopt, now));
          for (const auto& a : raised)
            RETURN_IF_ERROR(audit_system(runner_, tx, org->text(0), "alert_raise", p.text(0), a.id, now));
        }
      }
    }
    return tx
        .exec("UPDATE program_jobs SET missed_checkins_through = ? WHERE program_id = ?",
              {format_date(std::max(closed, from - 1)), program_id})
        .status();
  });
}

void Monitoring::tick(TimePoint now) {
  bool due_any = false;
  (void)runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto r,
                     tx.query_one("SELECT 1 FROM alerts WHERE deadline_at IS NOT NULL AND deadline_at <= ? LIMIT 1",
                                  {to_millis(now)}));
    due_any = r.has_value();
    return Status::Ok();
  });
  Status st = !due_any ? Status::Ok() : runner_.store().write_sync([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto due,
                     tx.query("SELECT DISTINCT org_id FROM alerts WHERE deadline_at IS NOT NULL AND deadline_at <= ? "
                              "AND status IN ('open', 'escalated')",
                              {to_millis(now)}));
    if (due.empty()) return Status::Ok();
    ASSIGN_OR_RETURN(auto escalated, alerts_.escalate_due(tx, now));
    // One record per alert, in its own organization's chain and naming its patient.
    for (const auto& a : escalated)
      RETURN_IF_ERROR(audit_system(runner_, tx, a.org_id, "alert_escalate", a.patient_id, a.id, now));
    return Status::Ok();
  });
  if (!st.ok()) spdlog::error("escalation: {}", st.message());
  std::vector<std::string> programs;
  (void)runner_.store().read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id FROM programs ORDER BY id"));
    for (const auto& r : rows) programs.push_back(r.text(0));
    return Status::Ok();
  });
  for (const auto& p : programs)
    if (Status s = missed_checkins(p, now); !s.ok()) spdlog::error("missed check-ins of {}: {}", p, s.message());
  // The stream is resumable for 7 days; older events go.
  if (to_millis(now) - last_cleanup_ > 3600 * 1000) {
    last_cleanup_ = to_millis(now);
    (void)runner_.store().write_sync([&](store::Tx& tx) {
      return tx.exec("DELETE FROM stream_events WHERE at < ?", {to_millis(now) - 8LL * 24 * 3600 * 1000}).status();
    });
  }
}

}  // namespace pomost::service
