// The census and the day's worklist: what staff open first.
#include <algorithm>
#include <unordered_map>

#include "core/time.h"
#include "service/monitoring.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

struct PatientRow {
  std::string id, given, family, episode_id, admitted_on;
};

Result<std::vector<PatientRow>> active_patients(store::Tx& tx, const std::string& program_id) {
  ASSIGN_OR_RETURN(auto rows,
                   tx.query("SELECT p.id, p.given_name, p.family_name, e.id, e.admitted_on FROM episodes e "
                            "JOIN patients p ON p.id = e.patient_id WHERE e.program_id = ? AND e.status = 'active' "
                            "ORDER BY p.family_name, p.given_name, p.id",
                            {program_id}));
  std::vector<PatientRow> out;
  for (const auto& r : rows) out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)});
  return out;
}

}  // namespace

void Monitoring::census(const RequestContext& ctx, const Query& q, Done done) {
  auto program_id = q.get("program_id");
  if (!program_id) return done(Status(Code::bad_request, "`program_id` is required."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::census_read, *program_id));
        ASSIGN_OR_RETURN(auto program, load_program(tx, *program_id));
        const std::string& tz = program->time_zone;
        const int today = local_date(ctx.now, tz);
        ASSIGN_OR_RETURN(auto patients, active_patients(tx, *program_id));
        json::array rows;
        for (const auto& p : patients) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::census_row, p.id));
          if (!may) continue;
          audit.record("census_row", "patient", p.id, p.id);
          json::object o;
          o["patient_id"] = p.id;
          o["given_name"] = p.given;
          o["family_name"] = p.family;
          o["episode_id"] = p.episode_id;
          o["admitted_on"] = p.admitted_on;
          o["days_in_program"] = today - *parse_date(p.admitted_on) + 1;
          // Latest per patient: one indexed lookup each (machine-facts: never GROUP BY max()).
          ASSIGN_OR_RETURN(
              auto last, tx.query_one("SELECT submitted_at, risk_level, local_date FROM checkins WHERE patient_id = ? "
                                      "ORDER BY submitted_at DESC LIMIT 1",
                                      {p.id}));
          o["last_checkin_at"] = last ? json::value(registry::ts(last->i64(0))) : json::value(nullptr);
          o["checked_in_today"] = last && last->text(2) == format_date(today);
          ASSIGN_OR_RETURN(auto measure,
                           tx.query_one("SELECT submitted_at, risk_level FROM assessments WHERE patient_id = ? "
                                        "ORDER BY submitted_at DESC LIMIT 1",
                                        {p.id}));
          std::string risk = "none";
          if (last && (!measure || last->i64(0) >= measure->i64(0)))
            risk = last->text(1);
          else if (measure)
            risk = measure->text(1);
          o["risk_level"] = risk;
          ASSIGN_OR_RETURN(
              auto alerts,
              tx.query("SELECT severity FROM alerts WHERE patient_id = ? AND status <> 'resolved'", {p.id}));
          std::string top;
          for (const auto& a : alerts)
            if (top.empty() || AlertEngine::severity_rank(a.text(0)) > AlertEngine::severity_rank(top)) top = a.text(0);
          o["open_alerts"] = json::object({{"count", static_cast<int64_t>(alerts.size())},
                                           {"max_severity", top.empty() ? json::value(nullptr) : json::value(top)}});
          // Attendance-based hours come with program operations; until then they are unknown.
          o["hours_this_week"] = nullptr;
          rows.push_back(std::move(o));
        }
        json::object out;
        out["program_id"] = *program_id;
        out["date"] = format_date(today);
        out["items"] = std::move(rows);
        out["next_cursor"] = nullptr;
        return ok(std::move(out));
      },
      std::move(done));
}

void Monitoring::worklist(const RequestContext& ctx, const Query& q, Done done) {
  auto program_id = q.get("program_id");
  if (!program_id) return done(Status(Code::bad_request, "`program_id` is required."));
  auto date = q.get("date");
  if (date && !parse_date(*date)) return done(Status(Code::bad_request, "`date` must be YYYY-MM-DD."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::census_read, *program_id));
        ASSIGN_OR_RETURN(auto program, load_program(tx, *program_id));
        const std::string& tz = program->time_zone;
        const int day = date ? *parse_date(*date) : local_date(ctx.now, tz);
        ASSIGN_OR_RETURN(auto patients, active_patients(tx, *program_id));
        json::array received, missing, due;
        std::map<std::string, int64_t> severities;
        for (const auto& p : patients) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::census_row, p.id));
          if (!may) continue;
          audit.record("worklist_row", "patient", p.id, p.id);
          json::object who{{"patient_id", p.id}, {"given_name", p.given}, {"family_name", p.family}};
          ASSIGN_OR_RETURN(auto days, program_days(tx, *program_id, p.id));
          const bool program_day = days.count(weekday_of(day)) && !program->settings.closures.count(format_date(day)) &&
                                   *parse_date(p.admitted_on) <= day;
          if (program_day) {
            ASSIGN_OR_RETURN(
                auto c,
                tx.query_one("SELECT submitted_at, risk_level FROM checkins WHERE patient_id = ? AND local_date = ? "
                             "ORDER BY submitted_at DESC LIMIT 1",
                             {p.id, format_date(day)}));
            if (c) {
              who["submitted_at"] = registry::ts(c->i64(0));
              who["risk_level"] = c->text(1);
              received.push_back(std::move(who));
            } else {
              missing.push_back(std::move(who));
            }
          }
          ASSIGN_OR_RETURN(auto now_due,
                           tx.query("SELECT instrument_id, reason, due_by FROM due_now WHERE patient_id = ? AND "
                                    "completed_at IS NULL ORDER BY due_by",
                                    {p.id}));
          for (const auto& d : now_due)
            due.push_back(json::object({{"patient_id", p.id},
                                        {"given_name", p.given},
                                        {"family_name", p.family},
                                        {"instrument", d.text(0)},
                                        {"reason", d.text(1)},
                                        {"due_by", registry::ts(d.i64(2))}}));
          ASSIGN_OR_RETURN(
              auto alerts,
              tx.query("SELECT severity FROM alerts WHERE patient_id = ? AND status <> 'resolved'", {p.id}));
          for (const auto& a : alerts) ++severities[a.text(0)];
        }
        json::object out;
        out["program_id"] = *program_id;
        out["date"] = format_date(day);
        out["checkin_cutoff"] =
            format_rfc3339_in(local_time_to_utc(day, program->settings.checkin_cutoff_minutes, tz), tz);
        out["checkins"] = json::object({{"received", std::move(received)}, {"missing", std::move(missing)}});
        json::object open;
        for (const char* s : {"imminent", "high", "warning", "info"}) open[s] = severities[s];
        out["open_alerts"] = std::move(open);
        out["measures_due_now"] = std::move(due);
        // Sessions, reviews, co-signatures and certifications come with program operations.
        out["sessions"] = json::array();
        out["reviews_due"] = json::array();
        out["cosignatures_due"] = json::array();
        out["certifications_due"] = json::array();
        return ok(std::move(out));
      },
      std::move(done));
}

}  // namespace pomost::service
