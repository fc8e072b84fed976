// Attendance, group rosters, hours against the weekly minimum, certification of need, placement,
// and the time-driven signals of program operations.
#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/time.h"
#include "service/operations.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;
using domain::RiskLevel;

namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 3600 * 1000;

int64_t local_midnight(int d, const std::string& tz) {
  return to_millis(local_time_to_utc(d, 0, tz));
}

}  // namespace

Result<WeekHours> week_hours(store::Tx& tx, const std::string& org, const std::string& patient_id,
                             const std::string& program_id, int monday, TimePoint now) {
  ASSIGN_OR_RETURN(auto prog,
                   tx.query_one("SELECT time_zone, min_hours_per_week FROM programs WHERE id = ?", {program_id}));
  if (!prog) return Status::NotFound();
  const std::string tz = prog->text(0);
  WeekHours h;
  h.week = domain::format_iso_week(monday);
  h.minimum = static_cast<int64_t>(prog->f64(1) * 60 + 0.5);
  const int64_t lo = local_midnight(monday, tz), hi = local_midnight(monday + 7, tz);
  // All attended program services count (rules.md), in the program's ISO week.
  ASSIGN_OR_RETURN(auto sum, tx.query_one("SELECT COALESCE(sum(minutes), 0) FROM attendance WHERE patient_id = ? AND "
                                          "session_starts_at >= ? AND session_starts_at < ?",
                                          {patient_id, lo, hi}));
  h.attended = sum->i64(0);
  SessionFilter f;
  f.patient_id = patient_id;
  f.include_cancelled = false;
  ASSIGN_OR_RETURN(auto sessions, list_session_infos(tx, org, monday, monday + 6, f));
  for (const auto& s : sessions) {
    if (s.starts < now) continue;
    ASSIGN_OR_RETURN(
        auto rec, tx.query_one("SELECT 1 FROM attendance WHERE session_id = ? AND patient_id = ?", {s.id, patient_id}));
    if (rec) continue;
    h.remaining += (to_millis(s.ends) - to_millis(s.starts)) / kMinute;
  }
  return h;
}

namespace {

json::object hours_json(const WeekHours& h) {
  return json::object{{"week", h.week},
                      {"attended_minutes", h.attended},
                      {"minimum_minutes", h.minimum},
                      {"remaining_scheduled_minutes", h.remaining},
                      {"compliant", h.attended >= h.minimum},
                      {"reachable", h.attended + h.remaining >= h.minimum}};
}

struct Entry {
  std::string patient_id, status;
  std::optional<int64_t> time_in, time_out;
  int64_t breaks = 0;
  int64_t minutes = 0;
};

}  // namespace

void Operations::get_attendance(const RequestContext& ctx, const std::string& session_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto s, find_session(tx, who.org_id, session_id));
        if (!s) return Status::NotFound();
        json::array entries;
        for (const auto& p : s->patient_ids) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::attendance_read, p));
          if (!may) continue;
          audit.record("attendance_read", "attendance", session_id, p);
          ASSIGN_OR_RETURN(
              auto r, tx.query_one("SELECT status, time_in, time_out, break_minutes, minutes FROM attendance WHERE "
                                   "session_id = ? AND patient_id = ?",
                                   {session_id, p}));
          json::object e{{"patient_id", p}};
          if (r) {
            e["status"] = r->text(0);
            e["time_in"] = r->is_null(1) ? json::value(nullptr)
                                         : json::value(format_rfc3339_in(from_millis(r->i64(1)), s->time_zone));
            e["time_out"] = r->is_null(2) ? json::value(nullptr)
                                          : json::value(format_rfc3339_in(from_millis(r->i64(2)), s->time_zone));
            e["break_minutes"] = r->i64(3);
            e["minutes"] = r->i64(4);
          } else {
            e["status"] = nullptr;
          }
          entries.push_back(std::move(e));
        }
        if (entries.empty() && !s->patient_ids.empty()) return Status::NotFound().with_rule("deny.no_relationship");
        return ok(json::object{{"session_id", session_id},
                               {"duration_minutes", (to_millis(s->ends) - to_millis(s->starts)) / kMinute},
                               {"entries", std::move(entries)}});
      },
      std::move(done));
}

void Operations::put_attendance(const RequestContext& ctx, const std::string& session_id, const json::object& body,
                                Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto found, find_session(tx, who.org_id, session_id));
        if (!found) return Status::NotFound();
        const SessionInfo& s = *found;
        if (s.status == "cancelled") return Status::ConflictWith({"state", session_id}, "The session was cancelled.");
        // Attendance is taken from half an hour before the start (members arriving), never for a later day.
        if (ctx.now < s.starts - std::chrono::minutes(30))
          return Status::ConflictWith({"state", session_id}, "The session has not started yet.");
        Fields f(body);
        const json::array* arr = f.array("entries", true);
        f.reject_unknown();
        std::vector<FieldError> errors = f.errors();
        std::vector<Entry> entries;
        const int64_t duration = (to_millis(s.ends) - to_millis(s.starts)) / kMinute;
        std::set<std::string> seen;
        for (size_t i = 0; arr && i < arr->size(); ++i) {
          std::string p = "entries[" + std::to_string(i) + "]";
          if (!(*arr)[i].is_object()) {
            errors.push_back({p, "must be an object", "type", {{"expected", "object"}}});
            continue;
          }
          Fields g((*arr)[i].as_object(), p);
          auto patient = g.string("patient_id", true, {1, 64});
          auto status =
              g.one_of("status", true, {"present", "late", "left_early", "absent_excused", "absent_unexcused"});
          auto tin = g.timestamp("time_in", false), tout = g.timestamp("time_out", false);
          auto breaks = g.integer("break_minutes", false, 0, 600);
          auto minutes = g.integer("minutes", false, 0, 24 * 60);
          g.reject_unknown();
          if (patient) {
            if (!seen.insert(*patient).second)
              g.fail("patient_id", "is listed twice", "duplicate");
            else if (std::find(s.patient_ids.begin(), s.patient_ids.end(), *patient) == s.patient_ids.end())
              g.fail("patient_id", "is not a participant of this session", "not_participant");
          }
          Entry e;
          // Checked even when the patient is wrong, so one reply lists every fix the form needs.
          if (status) {
            e.patient_id = patient.value_or("");
            e.status = *status;
            e.breaks = breaks.value_or(0);
            const bool absent = status->rfind("absent", 0) == 0;
            if (absent) {
              if (tin || tout) g.fail(tin ? "time_in" : "time_out", "is not recorded for an absence", "not_allowed");
              if (minutes && *minutes != 0)
                g.fail("minutes", "must be 0 for an absence", "range", {{"min", 0}, {"max", 0}});
              e.minutes = 0;
            } else if (tin || tout) {
              // rules.md: with time in and out, minutes = out - in - breaks, and a minutes field must agree.
              if (!tin || !tout) {
                g.fail(tin ? "time_out" : "time_in", "is required with the other time", "required");
              } else {
                e.time_in = to_millis(*parse_rfc3339(*tin));
                e.time_out = to_millis(*parse_rfc3339(*tout));
                if (*e.time_out <= *e.time_in)
                  g.fail("time_out", "must be after time_in", "after_start");
                else if (*e.time_in < to_millis(s.starts) - 60 * kMinute ||
                         *e.time_out > to_millis(s.ends) + 120 * kMinute)
                  g.fail("time_in", "is too far from the session's time", "range");
                else {
                  const int64_t computed = (*e.time_out - *e.time_in) / kMinute - e.breaks;
                  if (computed < 0)
                    g.fail("break_minutes", "is longer than the time attended", "range");
                  else if (minutes && *minutes != computed)
                    g.fail("minutes", "must agree with time in and out (" + std::to_string(computed) + ")", "mismatch",
                           {{"expected", computed}});
                  e.minutes = std::max<int64_t>(computed, 0);
                }
              }
            } else if (minutes) {
              if (*minutes > duration + 120)
                g.fail("minutes", "is longer than the session", "range", {{"min", 0}, {"max", duration}});
              e.minutes = *minutes;
            } else {
              g.fail("minutes", "is required without time in and out", "required");
            }
          }
          for (auto& x : g.errors()) errors.push_back(x);
          if (g.ok()) entries.push_back(e);
        }
        // Access per patient: everyone recorded must be within the writer's reach.
        for (const auto& e : entries)
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::attendance_write, e.patient_id, "attendance",
                                                  session_id));
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        const int64_t now = to_millis(ctx.now);
        ASSIGN_OR_RETURN(auto program, load_program(tx, s.program_id));
        for (const auto& e : entries) {
          RETURN_IF_ERROR(tx.exec(
              "INSERT INTO attendance (org_id, session_id, patient_id, program_id, kind, session_starts_at, "
              "session_ends_at, "
              "status, time_in, time_out, break_minutes, minutes, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, "
              "?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (session_id, patient_id) DO UPDATE SET status = excluded.status, time_in = "
              "excluded.time_in, "
              "time_out = excluded.time_out, break_minutes = excluded.break_minutes, minutes = excluded.minutes, "
              "recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
              {who.org_id, session_id, e.patient_id, s.program_id, s.kind, to_millis(s.starts), to_millis(s.ends),
               e.status, e.time_in, e.time_out, e.breaks, e.minutes, who.user_id, now}));
          if (e.status != "absent_unexcused") continue;
          // Signals for the risk rules: repeated unexcused absences, and any missed session soon after a
          // high or imminent alert.
          std::vector<domain::Reason> reasons;
          ASSIGN_OR_RETURN(
              auto n,
              tx.query_one("SELECT count(*) FROM attendance WHERE patient_id = ? AND status = 'absent_unexcused' AND "
                           "session_starts_at > ?",
                           {e.patient_id, to_millis(s.starts) - 14 * kDay}));
          if (n->i64(0) >= 2)
            reasons.push_back({"unexcused_absences",
                               RiskLevel::moderate,
                               false,
                               {{"count", std::to_string(n->i64(0))}, {"days", "14"}}});
          const int days = program ? program->settings.thresholds.post_alert_days : 14;
          ASSIGN_OR_RETURN(auto high, tx.query_one("SELECT 1 FROM alerts WHERE patient_id = ? AND severity IN ('high', "
                                                   "'imminent') AND raised_at >= ? LIMIT 1",
                                                   {e.patient_id, to_millis(s.starts) - days * kDay}));
          if (high)
            reasons.push_back({"missed_after_high_alert",
                               RiskLevel::high,
                               false,
                               {{"date", format_date(s.local_date)}, {"days", std::to_string(days)}}});
          if (reasons.empty()) continue;
          ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, e.patient_id));
          ASSIGN_OR_RETURN(auto raised,
                           alerts_.raise(tx, *pc, s.program_id, reasons, "attendance", session_id, ctx.now));
          (void)raised;
        }
        json::array out;
        for (const auto& e : entries)
          out.push_back(json::object{{"patient_id", e.patient_id}, {"status", e.status}, {"minutes", e.minutes}});
        return ok(
            json::object{{"session_id", session_id}, {"duration_minutes", duration}, {"entries", std::move(out)}});
      },
      std::move(done));
}

void Operations::group_roster(const RequestContext& ctx, const std::string& group_id, const Query& q, Done done) {
  auto date = q.get("date");
  if (date && !parse_date(*date)) return done(Status(Code::bad_request, "`date` must be YYYY-MM-DD."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(
            auto g, tx.query_one("SELECT g.program_id, g.name, g.leader_id, g.co_leader_id, p.time_zone FROM groups g "
                                 "JOIN programs p ON p.id = g.program_id WHERE g.id = ? AND g.org_id = ?",
                                 {group_id, who.org_id}));
        if (!g) return Status::NotFound();
        const bool leads = g->text(2) == who.user_id || g->opt_text(3) == who.user_id;
        if (!leads) RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::groups_read, g->text(0)));
        const std::string tz = g->text(4);
        const int day = date ? *parse_date(*date) : local_date(ctx.now, tz);
        const std::string session_id = "gs_" + group_id + "_" + [&] {
          std::string s = format_date(day);
          s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
          return s;
        }();
        ASSIGN_OR_RETURN(auto session, find_session(tx, who.org_id, session_id));
        ASSIGN_OR_RETURN(auto members,
                         tx.query("SELECT p.id, p.given_name, p.family_name FROM group_members m JOIN patients p ON "
                                  "p.id = m.patient_id WHERE m.group_id = ? ORDER BY p.family_name, p.given_name",
                                  {group_id}));
        json::array rows;
        for (const auto& m : members) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::risk_read, m.text(0)));
          if (!may) continue;
          audit.record("roster_read", "group", group_id, m.text(0));
          json::object r{{"patient_id", m.text(0)}, {"given_name", m.text(1)}, {"family_name", m.text(2)}};
          // The latest check-in's risk, so the leader knows who to watch before the group starts.
          ASSIGN_OR_RETURN(
              auto c, tx.query_one("SELECT risk_level, submitted_at, local_date FROM checkins WHERE patient_id = ? "
                                   "ORDER BY submitted_at DESC LIMIT 1",
                                   {m.text(0)}));
          r["latest_checkin"] = c ? json::value(json::object{{"risk_level", c->text(0)},
                                                             {"submitted_at", registry::ts(c->i64(1))},
                                                             {"local_date", c->text(2)}})
                                  : json::value(nullptr);
          ASSIGN_OR_RETURN(
              auto a, tx.query_one("SELECT status, minutes FROM attendance WHERE session_id = ? AND patient_id = ?",
                                   {session_id, m.text(0)}));
          r["attendance"] =
              a ? json::value(json::object{{"status", a->text(0)}, {"minutes", a->i64(1)}}) : json::value(nullptr);
          rows.push_back(std::move(r));
        }
        json::object out{
            {"group_id", group_id}, {"name", g->text(1)}, {"date", format_date(day)}, {"members", std::move(rows)}};
        out["session"] = session ? json::value(json::object{{"id", session->id},
                                                            {"starts", format_rfc3339_in(session->starts, tz)},
                                                            {"ends", format_rfc3339_in(session->ends, tz)},
                                                            {"status", session->status}})
                                 : json::value(nullptr);
        return ok(std::move(out));
      },
      std::move(done));
}

void Operations::hours(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done) {
  auto week = q.get("week");
  if (week && !domain::parse_iso_week(*week))
    return done(Status(Code::bad_request, "`week` must be an ISO week YYYY-Www."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::hours_read, patient_id, "hours", patient_id));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, patient_id));
        if (!pc || !pc->active() || !pc->program)
          return Status::ConflictWith({"state", patient_id}, "The patient has no active episode of care.");
        const int monday = week ? *domain::parse_iso_week(*week)
                                : domain::iso_week_monday(local_date(ctx.now, pc->program->time_zone));
        ASSIGN_OR_RETURN(auto h, week_hours(tx, who.org_id, patient_id, pc->program->id, monday, ctx.now));
        return ok(hours_json(h));
      },
      std::move(done));
}

void Operations::patient_attendance(const RequestContext& ctx, const std::string& patient_id, const Query& q,
                                    Done done) {
  auto from = q.get("from"), to = q.get("to");
  auto f = from ? parse_date(*from) : std::nullopt, t = to ? parse_date(*to) : std::nullopt;
  if (!f || !t) return done(Status(Code::bad_request, "`from` and `to` are required dates YYYY-MM-DD."));
  if (*t < *f || *t - *f > 366)
    return done(Status(Code::bad_request, "`to` must be on or after `from`, at most 366 days later."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::attendance_read, patient_id, "attendance", patient_id));
        // A day either side in UTC, then each record kept by its program-local date.
        ASSIGN_OR_RETURN(
            auto rows,
            tx.query("SELECT a.session_id, a.kind, a.session_starts_at, a.session_ends_at, a.status, a.time_in, "
                     "a.time_out, a.break_minutes, a.minutes, p.time_zone FROM attendance a JOIN programs p ON p.id = "
                     "a.program_id WHERE a.patient_id = ? AND a.session_starts_at >= ? AND a.session_starts_at < ? "
                     "ORDER BY a.session_starts_at",
                     {patient_id, to_millis(local_time_to_utc(*f, 0, "UTC")) - kDay,
                      to_millis(local_time_to_utc(*t + 1, 0, "UTC")) + kDay}));
        json::array items;
        int64_t total = 0;
        for (const auto& r : rows) {
          const std::string tz = r.text(9);
          const int d = local_date(from_millis(r.i64(2)), tz);
          if (d < *f || d > *t) continue;
          auto local = [&](int col) {
            return r.is_null(col) ? json::value(nullptr) : json::value(format_rfc3339_in(from_millis(r.i64(col)), tz));
          };
          total += r.i64(8);
          items.push_back(json::object{{"session_id", r.text(0)},
                                       {"kind", r.text(1)},
                                       {"date", format_date(d)},
                                       {"starts", local(2)},
                                       {"ends", local(3)},
                                       {"status", r.text(4)},
                                       {"time_in", local(5)},
                                       {"time_out", local(6)},
                                       {"break_minutes", r.i64(7)},
                                       {"minutes", r.i64(8)}});
        }
        return ok(json::object{{"patient_id", patient_id}, {"items", std::move(items)}, {"attended_minutes", total}});
      },
      std::move(done));
}

void Operations::get_certification(const RequestContext& ctx, const std::string& episode_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto e, tx.query_one("SELECT e.patient_id, p.time_zone FROM episodes e JOIN programs p ON "
                                              "p.id = e.program_id WHERE e.id = ? AND e.org_id = ?",
                                              {episode_id, ctx.principal().org_id}));
        if (!e) return Status::NotFound();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::patient_read, e->text(0), "certification", episode_id));
        const std::string tz = e->text(1);
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id, certified_on, certified_by, next_due_on, recorded_by FROM certifications "
                                  "WHERE episode_id = ? ORDER BY certified_on DESC, created_at DESC",
                                  {episode_id}));
        json::array history;
        for (const auto& r : rows)
          history.push_back(json::object{{"id", r.text(0)},
                                         {"certified_on", r.text(1)},
                                         {"certified_by", r.text(2)},
                                         {"next_due_on", r.text(3)},
                                         {"recorded_by", r.text(4)}});
        json::object o{{"episode_id", episode_id}};
        o["current"] = history.empty() ? json::value(nullptr) : history.front();
        o["due"] = history.empty() || history.front().as_object().at("next_due_on").as_string() <=
                                          format_date(local_date(ctx.now, tz) + 7);  // the program's dates
        o["history"] = std::move(history);
        return ok(std::move(o));
      },
      std::move(done));
}

void Operations::put_certification(const RequestContext& ctx, const std::string& episode_id, const json::object& body,
                                   Done done) {
  Fields f(body);
  auto on = f.date("certified_on", true);
  auto by = f.string("certified_by", false, {1, 64});
  auto next = f.date("next_due_on", false);
  f.reject_unknown();
  if (on && next) {
    const int a = *parse_date(*on), b = *parse_date(*next);
    // rules.md: renewed at most 60 days after the last one.
    if (b <= a || b - a > 60)
      f.fail("next_due_on", "must be 1 to 60 days after certified_on", "range", {{"min", 1}, {"max", 60}});
  }
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto e,
                         tx.query_one("SELECT patient_id, status, program_id FROM episodes WHERE id = ? AND org_id = ?",
                                      {episode_id, who.org_id}));
        if (!e) return Status::NotFound();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::certification_write, e->text(0),
                                                "certification", episode_id));
        if (e->text(1) != "active") return Status::ConflictWith({"state", episode_id}, "The episode is discharged.");
        std::vector<FieldError> errors;
        const std::string physician = by.value_or(who.user_id);
        ASSIGN_OR_RETURN(bool okay,
                         registry::check_staff(tx, who.org_id, physician, {true, {"psychiatrist"}, std::nullopt},
                                               "certified_by", errors));
        (void)okay;
        if (*on > format_date(local_date(ctx.now, "UTC") + 1))  // a day's slack covers every clinic zone
          errors.push_back({"certified_on", "must not be in the future", "future"});
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        const std::string due = next.value_or(format_date(*parse_date(*on) + 60));
        const std::string id = auth::new_id("cer");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO certifications (org_id, id, episode_id, certified_on, certified_by, next_due_on, "
                    "recorded_by, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    {who.org_id, id, episode_id, *on, physician, due, who.user_id, to_millis(ctx.now)}));
        audit.record("certification_record", "certification", id, e->text(0));
        RETURN_IF_ERROR(alerts_.resolve_done(tx, e->text(0), "certification_due", who.user_id, "certified", ctx.now));
        return ok(json::object{{"id", id},
                               {"episode_id", episode_id},
                               {"certified_on", *on},
                               {"certified_by", physician},
                               {"next_due_on", due}},
                  201);
      },
      std::move(done));
}

void Operations::placement(const RequestContext& ctx, const std::string& program_id, const json::object& body,
                           Done done) {
  Fields f(body);
  auto other = f.integer("other_services_minutes", false, 0, 600);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::census_read, program_id));
        ASSIGN_OR_RETURN(auto prog,
                         tx.query_one("SELECT min_hours_per_week, time_zone FROM programs WHERE id = ?", {program_id}));
        const std::string prog_tz = prog->text(1);
        domain::PlacementInput in;
        in.minimum_minutes = static_cast<int>(prog->f64(0) * 60 + 0.5);
        in.other_services_minutes = static_cast<int>(other.value_or(90));
        ASSIGN_OR_RETURN(
            auto groups,
            tx.query("SELECT g.id, g.track_id, g.capacity, t.weekdays, t.start_time, t.end_time FROM groups g "
                     "JOIN tracks t ON t.id = g.track_id WHERE g.program_id = ? AND "
                     "(g.ends_on IS NULL OR g.ends_on >= ?) ORDER BY g.id",
                     {program_id, format_date(local_date(ctx.now, prog_tz))}));
        for (const auto& g : groups) {
          auto days = domain::parse_weekdays(g.text(3));
          auto s = domain::parse_hhmm(g.text(4)), e = domain::parse_hhmm(g.text(5));
          if (!days || !s || !e) continue;
          in.groups.push_back({g.text(0), g.text(1), {*days, *s, *e}, static_cast<int>(g.i64(2))});
        }
        ASSIGN_OR_RETURN(auto patients,
                         tx.query("SELECT e.patient_id, p.given_name, p.family_name FROM episodes e JOIN patients p "
                                  "ON p.id = e.patient_id WHERE e.program_id = ? AND e.status = 'active' "
                                  "ORDER BY e.patient_id",
                                  {program_id}));
        std::map<std::string, std::pair<std::string, std::string>> name_of;
        std::map<std::string, std::string> current_of;
        for (const auto& p : patients) {
          const std::string pid = p.text(0);
          name_of[pid] = {p.text(1), p.text(2)};
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::census_row, pid));
          if (!may) continue;  // a proposal covers only the patients the caller may see
          audit.record("placement_read", "patient", pid, pid);
          domain::PlacementPatient pp;
          pp.id = pid;
          ASSIGN_OR_RETURN(auto cur,
                           tx.query_one("SELECT m.group_id FROM group_members m JOIN groups g ON g.id = m.group_id "
                                        "WHERE m.patient_id = ? AND g.program_id = ? LIMIT 1",
                                        {pid, program_id}));
          if (cur) pp.current_group = current_of[pid] = cur->text(0);
          ASSIGN_OR_RETURN(auto av,
                           tx.query_one("SELECT unavailable FROM patient_availability WHERE patient_id = ?", {pid}));
          if (av) {
            boost::system::error_code ec;
            auto v = json::parse(av->text(0), ec);
            if (!ec && v.is_array())
              for (const auto& w : v.as_array()) {
                const auto& o = w.as_object();
                static const char* k[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
                int wd = 0;
                for (int i = 0; i < 7; ++i)
                  if (o.at("weekday").as_string() == k[i]) wd = i;
                const std::string end(o.at("end").as_string());
                pp.unavailable.push_back({wd, *domain::parse_hhmm(o.at("start").as_string()),
                                          end == "24:00" ? 24 * 60 : *domain::parse_hhmm(end)});
              }
          }
          in.patients.push_back(std::move(pp));
        }
        const domain::PlacementResult r = domain::place(in);
        json::array assignments, unplaced;
        auto current = [&](const std::string& pid) {
          auto it = current_of.find(pid);
          return it == current_of.end() ? json::value(nullptr) : json::value(it->second);
        };
        for (const auto& a : r.assignments)
          assignments.push_back(json::object{{"patient_id", a.patient_id},
                                             {"given_name", name_of[a.patient_id].first},
                                             {"family_name", name_of[a.patient_id].second},
                                             {"track_id", a.track_id},
                                             {"group_id", a.group_id},
                                             {"from_group_id", current(a.patient_id)},
                                             {"moved", a.moved}});
        for (const auto& u : r.unplaced)
          unplaced.push_back(
              json::object{{"patient_id", u.patient_id},
                           {"given_name", name_of[u.patient_id].first},
                           {"family_name", name_of[u.patient_id].second},
                           {"from_group_id", current(u.patient_id)},
                           {"reason", u.reason},
                           {"best_weekly_minutes", u.best_minutes},
                           {"needed_weekly_minutes", std::max(0, in.minimum_minutes - in.other_services_minutes)}});
        return ok(json::object{{"program_id", program_id},
                               {"assignments", std::move(assignments)},
                               {"unplaced", std::move(unplaced)},
                               {"objective", json::object{{"placed", r.placed}, {"moved", r.moved}, {"cost", r.cost}}},
                               {"optimal", r.optimal},
                               {"solver", "min-cost flow (Boost Graph, successive shortest paths)"}});
      },
      std::move(done));
}

Result<PlanReviewDue> plan_review_due(store::Tx& tx, const std::string& patient_id, const std::string& admitted_on,
                                      const std::string& time_zone) {
  // Reviews every 30 days after the last plan or review; a first plan within 7 days of admission.
  ASSIGN_OR_RETURN(auto plan,
                   tx.query_one("SELECT max(created_at) FROM treatment_plans WHERE patient_id = ?", {patient_id}));
  ASSIGN_OR_RETURN(
      auto review,
      tx.query_one("SELECT max(at) FROM treatment_plan_events WHERE patient_id = ? AND kind = 'review'", {patient_id}));
  const int64_t last =
      std::max(plan && !plan->is_null(0) ? plan->i64(0) : 0, review && !review->is_null(0) ? review->i64(0) : 0);
  PlanReviewDue d;
  d.has_plan = last != 0;
  d.due_at = last ? last + 30LL * 86400000 : to_millis(local_time_to_utc(*parse_date(admitted_on) + 7, 0, time_zone));
  return d;
}

Result<CertificationDue> certification_due(store::Tx& tx, const std::string& episode_id,
                                           const std::string& admitted_on) {
  // Renewed at most 60 days after the last one; the first is due on admission.
  ASSIGN_OR_RETURN(
      auto cert,
      tx.query_one("SELECT next_due_on FROM certifications WHERE episode_id = ? ORDER BY certified_on DESC LIMIT 1",
                   {episode_id}));
  return CertificationDue{cert ? cert->text(0) : admitted_on, cert.has_value()};
}

namespace {

// An info signal once per occurrence (`key`: the due date, or the note): resolving the alert does
// not bring it back the next day.
Result<bool> first_signal(store::Tx& tx, const std::string& org_id, const std::string& patient_id,
                          const std::string& key, const std::string& rule, TimePoint now) {
  ASSIGN_OR_RETURN(auto seen,
                   tx.query_one("SELECT 1 FROM weekly_signals WHERE patient_id = ? AND week = ? AND rule = ?",
                                {patient_id, key, rule}));
  if (seen) return false;
  RETURN_IF_ERROR(tx.exec("INSERT INTO weekly_signals (org_id, patient_id, week, rule, at) VALUES (?, ?, ?, ?, ?)",
                          {org_id, patient_id, key, rule, to_millis(now)}));
  return true;
}

}  // namespace

Status Operations::tick(TimePoint now) {
  // Once per program and local day: the weekly minimum that the rest of the week can no longer
  // reach becomes a warning now, mid-week, not after the week is lost.
  std::vector<std::pair<std::string, std::string>> programs;  // id, time zone
  RETURN_IF_ERROR(runner_.store().read([&](store::Tx& tx) -> Status {
    // Decided with a read, in each program's own calendar: west of UTC the UTC date runs ahead,
    // and comparing with it would take the writer every tick for nothing.
    ASSIGN_OR_RETURN(auto rows, tx.query("SELECT p.id, p.time_zone, j.weekly_checked_on FROM programs p JOIN "
                                         "program_jobs j ON j.program_id = p.id"));
    for (const auto& r : rows)
      if (r.is_null(2) || r.text(2) < format_date(local_date(now, r.text(1))))
        programs.emplace_back(r.text(0), r.text(1));
    return Status::Ok();
  }));
  for (const auto& [program_id, tz] : programs) {
    const int today = local_date(now, tz);
    RETURN_IF_ERROR(runner_.store().write_sync([&](store::Tx& tx) -> Status {
      ASSIGN_OR_RETURN(auto job,
                       tx.query_one("SELECT weekly_checked_on FROM program_jobs WHERE program_id = ?", {program_id}));
      if (!job) return Status::Ok();  // the missed-check-in job creates the row first
      if (!job->is_null(0) && job->text(0) >= format_date(today)) return Status::Ok();
      ASSIGN_OR_RETURN(auto org, tx.query_one("SELECT org_id FROM programs WHERE id = ?", {program_id}));
      ASSIGN_OR_RETURN(
          auto patients,
          tx.query("SELECT patient_id, admitted_on FROM episodes WHERE program_id = ? AND status = 'active'",
                   {program_id}));
      const int monday = domain::iso_week_monday(today);
      // Info for the care team (rules.md): a treatment plan review overdue, a certification of
      // need due, a co-signature overdue — each once.
      for (const auto& p : patients) {
        const std::string& pid = p.text(0);
        std::vector<domain::Reason> due;
        ASSIGN_OR_RETURN(auto review, plan_review_due(tx, pid, p.text(1), tz));
        if (review.due_at <= to_millis(now)) {
          const std::string date = format_date(local_date(from_millis(review.due_at), tz));
          ASSIGN_OR_RETURN(bool first, first_signal(tx, org->text(0), pid, date, "review_due", now));
          if (first) due.push_back({"review_due", RiskLevel::low, false, {{"date", date}}});
        }
        ASSIGN_OR_RETURN(auto ep,
                         tx.query_one("SELECT id FROM episodes WHERE patient_id = ? AND status = 'active'", {pid}));
        if (ep) {
          ASSIGN_OR_RETURN(auto cert, certification_due(tx, ep->text(0), p.text(1)));
          if (cert.due_on <= format_date(today)) {
            ASSIGN_OR_RETURN(bool first, first_signal(tx, org->text(0), pid, cert.due_on, "certification_due", now));
            if (first) due.push_back({"certification_due", RiskLevel::low, false, {{"date", cert.due_on}}});
          }
        }
        ASSIGN_OR_RETURN(auto notes, tx.query("SELECT id, signed_at FROM notes WHERE patient_id = ? AND "
                                              "cosign_required = 1 AND cosigned_at IS NULL AND cosign_due_at <= ?",
                                              {pid, to_millis(now)}));
        for (const auto& n : notes) {
          ASSIGN_OR_RETURN(bool first, first_signal(tx, org->text(0), pid, n.text(0), "cosignature_due", now));
          if (first)
            due.push_back({"cosignature_due",
                           RiskLevel::low,
                           false,
                           {{"date", format_date(local_date(from_millis(n.i64(1)), tz))}}});
        }
        if (due.empty()) continue;
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, org->text(0), pid));
        ASSIGN_OR_RETURN(auto raised, alerts_.raise(tx, *pc, program_id, due, "schedule", std::nullopt, now));
        (void)raised;
      }
      for (const auto& p : patients) {
        // A week the patient joined midway is not judged. A patient in no group yet is: with no
        // sessions the week cannot reach the minimum, and someone has to place them.
        if (*parse_date(p.text(1)) > monday) continue;
        ASSIGN_OR_RETURN(auto h, week_hours(tx, org->text(0), p.text(0), program_id, monday, now));
        if (h.attended + h.remaining >= h.minimum) continue;
        ASSIGN_OR_RETURN(auto flagged,
                         tx.query_one("SELECT 1 FROM weekly_signals WHERE patient_id = ? AND week = ? AND rule = ?",
                                      {p.text(0), h.week, "weekly_minimum_out_of_reach"}));
        if (flagged) continue;
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO weekly_signals (org_id, patient_id, week, rule, at) VALUES (?, ?, ?, ?, ?)",
                    {org->text(0), p.text(0), h.week, "weekly_minimum_out_of_reach", to_millis(now)}));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, org->text(0), p.text(0)));
        std::vector<domain::Reason> reasons{{"weekly_minimum_out_of_reach",
                                             RiskLevel::moderate,
                                             false,
                                             {{"week", h.week},
                                              {"attended", std::to_string(h.attended)},
                                              {"remaining", std::to_string(h.remaining)},
                                              {"minimum", std::to_string(h.minimum)}}}};
        ASSIGN_OR_RETURN(auto raised, alerts_.raise(tx, *pc, program_id, reasons, "schedule", std::nullopt, now));
        (void)raised;
      }
      return tx
          .exec("UPDATE program_jobs SET weekly_checked_on = ? WHERE program_id = ?", {format_date(today), program_id})
          .status();
    }));
  }
  return {};
}

}  // namespace pomost::service
