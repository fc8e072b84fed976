// The census and the day's worklist: what staff open first.
#include <algorithm>
#include <unordered_map>

#include "core/time.h"
#include "domain/schedule.h"
#include "service/monitoring.h"
#include "service/operations.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

struct PatientRow {
  std::string id, given, family, episode_id, admitted_on;
  std::optional<std::string> planned_discharge_on;
};

Result<std::vector<PatientRow>> active_patients(store::Tx& tx, const std::string& program_id) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.query("SELECT p.id, p.given_name, p.family_name, e.id, e.admitted_on, e.planned_discharge_on FROM episodes e "
               "JOIN patients p ON p.id = e.patient_id WHERE e.program_id = ? AND e.status = 'active' "
               "ORDER BY p.family_name, p.given_name, p.id",
               {program_id}));
  std::vector<PatientRow> out;
  for (const auto& r : rows) out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.opt_text(5)});
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
          ASSIGN_OR_RETURN(auto h, week_hours(tx, ctx.principal().org_id, p.id, *program_id,
                                              domain::iso_week_monday(today), ctx.now));
          o["hours_this_week"] = json::object{{"week", h.week},
                                              {"attended_minutes", h.attended},
                                              {"minimum_minutes", h.minimum},
                                              {"remaining_scheduled_minutes", h.remaining},
                                              {"reachable", h.attended + h.remaining >= h.minimum}};
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
        json::array received, missing, due, scheduled;
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
          // Scheduled measures needing someone today: a window closing tonight, or one already missed
          // that stays owed (at admission or discharge).
          if (*parse_date(p.admitted_on) <= day) {
            ASSIGN_OR_RETURN(auto measures,
                             scheduled_measures(tx, *program, p.id, p.admitted_on, p.planned_discharge_on, day));
            for (const auto& m : measures)
              if (m.status == "overdue" || (m.status == "due" && m.to == day + 1))
                scheduled.push_back(
                    json::object({{"patient_id", p.id},
                                  {"given_name", p.given},
                                  {"family_name", p.family},
                                  {"instrument", m.instrument},
                                  {"schedule", m.schedule},
                                  {"status", m.status},
                                  {"window_end", format_rfc3339_in(local_time_to_utc(m.to, 0, tz), tz)}}));
          }
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
        out["measures_scheduled"] = std::move(scheduled);
        SessionFilter sf;
        sf.program_id = *program_id;
        ASSIGN_OR_RETURN(auto sessions, list_session_infos(tx, ctx.principal().org_id, day, day, sf));
        json::array sess;
        for (const auto& s : sessions) {
          if (s.kind != "group") {
            ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::schedule_read, s.patient_ids.front()));
            if (!may) continue;
          }
          sess.push_back(json::object{{"id", s.id},
                                      {"kind", s.kind},
                                      {"title", opt(s.title)},
                                      {"group_id", opt(s.group_id)},
                                      {"starts", format_rfc3339_in(s.starts, tz)},
                                      {"ends", format_rfc3339_in(s.ends, tz)},
                                      {"room_id", opt(s.room_id)},
                                      {"status", s.status},
                                      {"patient_count", static_cast<int64_t>(s.patient_ids.size())}});
        }
        out["sessions"] = std::move(sess);
        json::array reviews, certs, cosigns;
        const int64_t day_end = to_millis(local_time_to_utc(day + 1, 0, tz));
        for (const auto& p : patients) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::census_row, p.id));
          if (!may) continue;
          ASSIGN_OR_RETURN(auto review, plan_review_due(tx, p.id, p.admitted_on, tz));
          if (review.due_at <= day_end)
            reviews.push_back(json::object{{"patient_id", p.id},
                                           {"given_name", p.given},
                                           {"family_name", p.family},
                                           {"kind", review.has_plan ? "review" : "initial_plan"},
                                           {"due", registry::ts(review.due_at)}});
          // Listed a week ahead.
          ASSIGN_OR_RETURN(auto cert, certification_due(tx, p.episode_id, p.admitted_on));
          const std::string& cert_due = cert.due_on;
          if (cert_due <= format_date(day + 7))
            certs.push_back(json::object{{"patient_id", p.id},
                                         {"episode_id", p.episode_id},
                                         {"given_name", p.given},
                                         {"family_name", p.family},
                                         {"due_on", cert_due},
                                         {"kind", cert.renewal ? "renewal" : "initial"}});
        }
        ASSIGN_OR_RETURN(
            auto notes,
            tx.query("SELECT id, kind, patient_id, author_id, signed_at, cosign_due_at FROM notes WHERE program_id = ? "
                     "AND cosign_required = 1 AND cosigned_at IS NULL ORDER BY cosign_due_at",
                     {*program_id}));
        for (const auto& n : notes) {
          if (!n.is_null(2)) {
            ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::note_cosign, n.text(2)));
            if (!may) continue;
          }
          cosigns.push_back(json::object{{"note_id", n.text(0)},
                                         {"kind", n.text(1)},
                                         {"patient_id", opt(n.opt_text(2))},
                                         {"author_id", n.text(3)},
                                         {"due", registry::ts(n.i64(5))},
                                         {"overdue", n.i64(5) < to_millis(ctx.now)}});
        }
        out["reviews_due"] = std::move(reviews);
        out["cosignatures_due"] = std::move(cosigns);
        out["certifications_due"] = std::move(certs);
        return ok(std::move(out));
      },
      std::move(done));
}

}  // namespace pomost::service
