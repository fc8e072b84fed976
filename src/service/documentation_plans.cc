// Treatment plans, medications, recovery support and the discharge summary.
#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/time.h"
#include "domain/schedule.h"
#include "service/documentation.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

constexpr int64_t kDay = 24 * 3600 * 1000;

json::value parse_any(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  return ec ? json::value(nullptr) : v;
}

// problems[] -> goals[] -> objectives[] / interventions[]; every bad field named.
json::array read_problems(Fields& f, store::Tx& tx, const std::string& org, std::vector<FieldError>& staff_errors) {
  json::array problems;
  const json::array* arr = f.array("problems", true);
  if (!arr) return problems;
  if (arr->size() > 30) f.fail("problems", "must have at most 30 entries", "max_items", {{"max", 30}});
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string p = "problems[" + std::to_string(i) + "]";
    if (!(*arr)[i].is_object()) {
      f.errors().push_back({p, "must be an object", "type", {{"expected", "object"}}});
      continue;
    }
    Fields g((*arr)[i].as_object(), p);
    auto text = g.string("text", true, {1, 2000});
    json::array goals;
    if (const json::array* ga = g.array("goals", true)) {
      for (size_t j = 0; j < ga->size(); ++j) {
        std::string q = "goals[" + std::to_string(j) + "]";
        if (!(*ga)[j].is_object()) {
          g.errors().push_back({g.path(q), "must be an object", "type", {{"expected", "object"}}});
          continue;
        }
        Fields h((*ga)[j].as_object(), g.path(q));
        auto goal = h.string("text", true, {1, 2000});
        json::array objectives, interventions;
        if (const json::array* oa = h.array("objectives", true)) {
          for (size_t k = 0; k < oa->size(); ++k) {
            if (!(*oa)[k].is_object()) continue;
            Fields o((*oa)[k].as_object(), h.path("objectives[" + std::to_string(k) + "]"));
            auto ot = o.string("text", true, {1, 2000});
            auto measure = o.string("measure", true, {1, 500});  // measurable (rules: measurable objectives)
            auto target = o.date("target_date", true);
            auto met = o.boolean("met", false);
            o.reject_unknown();
            for (auto& x : o.errors()) h.errors().push_back(x);
            if (o.ok())
              objectives.push_back(json::object{
                  {"text", *ot}, {"measure", *measure}, {"target_date", *target}, {"met", met.value_or(false)}});
          }
          if (oa->empty()) h.fail("objectives", "needs at least one measurable objective", "min_items", {{"min", 1}});
        }
        if (const json::array* ia = h.array("interventions", false)) {
          for (size_t k = 0; k < ia->size(); ++k) {
            if (!(*ia)[k].is_object()) continue;
            Fields o((*ia)[k].as_object(), h.path("interventions[" + std::to_string(k) + "]"));
            auto it = o.string("text", true, {1, 2000});
            auto resp = o.string("responsible_id", true, {1, 64});
            o.reject_unknown();
            if (resp) {
              auto okay = registry::check_staff(tx, org, *resp, {}, o.path("responsible_id"), staff_errors);
              (void)okay;
            }
            for (auto& x : o.errors()) h.errors().push_back(x);
            if (o.ok()) interventions.push_back(json::object{{"text", *it}, {"responsible_id", *resp}});
          }
        }
        h.reject_unknown();
        for (auto& x : h.errors()) g.errors().push_back(x);
        if (h.ok())
          goals.push_back(json::object{
              {"text", *goal}, {"objectives", std::move(objectives)}, {"interventions", std::move(interventions)}});
      }
    }
    g.reject_unknown();
    for (auto& x : g.errors()) f.errors().push_back(x);
    if (g.ok()) problems.push_back(json::object{{"text", *text}, {"goals", std::move(goals)}});
  }
  return problems;
}

}  // namespace

void Documentation::get_treatment_plan(const RequestContext& ctx, const std::string& patient_id, const Query& q,
                                       Done done) {
  auto version = q.version();
  if (!version.ok()) return done(version.status());
  const std::optional<int64_t> wanted = *version;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::treatment_plan_read, patient_id,
                                                "treatment_plan", patient_id));
        ASSIGN_OR_RETURN(
            auto rows,
            tx.query("SELECT version, content, created_by, created_at FROM treatment_plans WHERE patient_id = ? "
                     "ORDER BY version DESC",
                     {patient_id}));
        ASSIGN_OR_RETURN(
            auto events,
            tx.query("SELECT plan_version, kind, user_id, note, at FROM treatment_plan_events WHERE patient_id = ? "
                     "ORDER BY at DESC",
                     {patient_id}));
        json::object o{{"patient_id", patient_id}};
        size_t shown = 0;  // newest first; `?version=N` shows an earlier one
        if (wanted) {
          while (shown < rows.size() && rows[shown].i64(0) != *wanted) ++shown;
          if (shown == rows.size()) return Status::NotFound("There is no such version of the treatment plan.");
        }
        o["version"] = rows.empty() ? 0 : rows[shown].i64(0);
        o["current_version"] = rows.empty() ? 0 : rows[0].i64(0);
        o["plan"] = rows.empty() ? json::value(nullptr) : parse_any(rows[shown].text(1));
        int64_t last_review = rows.empty() ? 0 : rows[0].i64(3);
        json::array reviews, acks;
        for (const auto& e : events) {
          json::object x{{"version", e.i64(0)},
                         {"user_id", e.text(2)},
                         {"note", opt(e.opt_text(3))},
                         {"at", registry::ts(e.i64(4))}};
          if (e.text(1) == "review") {
            last_review = std::max(last_review, e.i64(4));
            reviews.push_back(std::move(x));
          } else {
            acks.push_back(std::move(x));
          }
        }
        o["reviews"] = std::move(reviews);
        o["acknowledgements"] = std::move(acks);
        // rules: reviews due every 30 days.
        o["next_review_due"] = rows.empty() ? json::value(nullptr) : json::value(registry::ts(last_review + 30 * kDay));
        o["acknowledged_current"] =
            !rows.empty() && std::any_of(events.begin(), events.end(), [&](const store::Row& e) {
              return e.text(1) == "acknowledgement" && e.i64(0) == rows[0].i64(0);
            });
        json::array versions;
        for (const auto& r : rows)
          versions.push_back(
              json::object{{"version", r.i64(0)}, {"created_by", r.text(2)}, {"created_at", registry::ts(r.i64(3))}});
        o["versions"] = std::move(versions);
        return ok(std::move(o));
      },
      std::move(done));
}

void Documentation::put_treatment_plan(const RequestContext& ctx, const std::string& patient_id,
                                       const json::object& body, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::chart_write, patient_id, "treatment_plan", patient_id));
        ASSIGN_OR_RETURN(
            auto cur,
            tx.query_one("SELECT COALESCE(max(version), 0) FROM treatment_plans WHERE patient_id = ?", {patient_id}));
        Fields f(body);
        if (!f.has("version"))
          return Status(Code::precondition_required, "Send the version you are updating (0 for the first plan).");
        auto version = f.integer("version", true, 0, INT64_MAX);
        if (version && *version != cur->i64(0))
          return Status::ConflictWith({"version", patient_id},
                                      "The treatment plan was changed by someone else; reload it.");
        std::vector<FieldError> staff_errors;
        json::array problems = read_problems(f, tx, who.org_id, staff_errors);
        f.reject_unknown();
        for (auto& e : staff_errors) f.errors().push_back(e);
        if (!f.ok()) return f.status();
        const int64_t next = cur->i64(0) + 1;
        json::object plan{{"problems", problems}};
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO treatment_plans (org_id, patient_id, version, content, created_by, created_at) VALUES "
                    "(?, ?, ?, ?, ?, ?)",
                    {who.org_id, patient_id, next, json::serialize(plan), who.user_id, to_millis(ctx.now)}));
        audit.record("treatment_plan_update", "treatment_plan", patient_id, patient_id, std::nullopt,
                     "version " + std::to_string(next));
        RETURN_IF_ERROR(alerts_.resolve_done(tx, patient_id, "review_due", who.user_id, "plan updated", ctx.now));
        return ok(json::object{{"patient_id", patient_id}, {"version", next}, {"plan", plan}});
      },
      std::move(done));
}

void Documentation::review_treatment_plan(const RequestContext& ctx, const std::string& patient_id,
                                          const json::object& body, Done done) {
  Fields f(body);
  auto note = f.string("note", false, {1, 4000});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::chart_write, patient_id, "treatment_plan", patient_id));
        ASSIGN_OR_RETURN(
            auto cur,
            tx.query_one("SELECT COALESCE(max(version), 0) FROM treatment_plans WHERE patient_id = ?", {patient_id}));
        if (cur->i64(0) == 0)
          return Status::ConflictWith({"state", patient_id}, "There is no treatment plan to review yet.");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO treatment_plan_events (org_id, id, patient_id, plan_version, kind, user_id, note, at) "
                    "VALUES (?, ?, ?, ?, 'review', ?, ?, ?)",
                    {ctx.principal().org_id, auth::new_id("tpe"), patient_id, cur->i64(0), ctx.principal().user_id,
                     note, to_millis(ctx.now)}));
        audit.record("treatment_plan_review", "treatment_plan", patient_id, patient_id);
        RETURN_IF_ERROR(
            alerts_.resolve_done(tx, patient_id, "review_due", ctx.principal().user_id, "plan reviewed", ctx.now));
        return ok(json::object{{"patient_id", patient_id},
                               {"version", cur->i64(0)},
                               {"reviewed_at", registry::ts(to_millis(ctx.now))},
                               {"next_review_due", registry::ts(to_millis(ctx.now) + 30 * kDay)}},
                  201);
      },
      std::move(done));
}

void Documentation::acknowledge_treatment_plan(const RequestContext& ctx, const std::string& patient_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::treatment_plan_ack, patient_id,
                                                "treatment_plan", patient_id));
        ASSIGN_OR_RETURN(
            auto cur,
            tx.query_one("SELECT COALESCE(max(version), 0) FROM treatment_plans WHERE patient_id = ?", {patient_id}));
        if (cur->i64(0) == 0) return Status::ConflictWith({"state", patient_id}, "There is no treatment plan yet.");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO treatment_plan_events (org_id, id, patient_id, plan_version, kind, user_id, at) "
                    "VALUES (?, ?, ?, ?, 'acknowledgement', ?, ?)",
                    {ctx.principal().org_id, auth::new_id("tpe"), patient_id, cur->i64(0), ctx.principal().user_id,
                     to_millis(ctx.now)}));
        audit.record("treatment_plan_acknowledge", "treatment_plan", patient_id, patient_id);
        return ok(json::object{{"patient_id", patient_id},
                               {"version", cur->i64(0)},
                               {"acknowledged_at", registry::ts(to_millis(ctx.now))}},
                  201);
      },
      std::move(done));
}

namespace {

Result<json::array> medication_list(store::Tx& tx, const std::string& patient_id, bool history) {
  ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, version, name, dose, schedule, start_date, stop_date, note, "
                                       "changed_by, changed_at FROM medications "
                                       "WHERE patient_id = ? ORDER BY name, id, version DESC",
                                       {patient_id}));
  json::array out;
  std::string last;
  for (const auto& r : rows) {
    json::object m{{"id", r.text(0)},
                   {"version", r.i64(1)},
                   {"name", r.text(2)},
                   {"dose", r.text(3)},
                   {"schedule", r.text(4)},
                   {"start_date", r.text(5)},
                   {"stop_date", opt(r.opt_text(6))},
                   {"note", opt(r.opt_text(7))},
                   {"changed_by", r.text(8)},
                   {"changed_at", registry::ts(r.i64(9))}};
    if (r.text(0) != last) {
      m["history"] = json::array();
      out.push_back(std::move(m));
      last = r.text(0);
    } else if (history) {
      out.back().as_object()["history"].as_array().push_back(std::move(m));
    }
  }
  return out;
}

}  // namespace

void Documentation::list_medications(const RequestContext& ctx, const std::string& patient_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::chart_read, patient_id, "medications", patient_id));
        ASSIGN_OR_RETURN(auto items, medication_list(tx, patient_id, true));
        return ok(json::object{{"patient_id", patient_id}, {"items", std::move(items)}});
      },
      std::move(done));
}

void Documentation::add_medication(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                   Done done) {
  Fields f(body);
  auto name = f.string("name", true, {1, 200});
  auto dose = f.string("dose", true, {1, 200});
  auto schedule = f.string("schedule", true, {1, 200});
  auto start = f.date("start_date", true);
  auto stop = f.date("stop_date", false);
  auto note = f.string("note", false, {1, 2000});
  f.reject_unknown();
  if (start && stop && *stop < *start) f.fail("stop_date", "must not be before start_date", "range");
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::medication_write, patient_id, "medication", ""));
        const std::string id = auth::new_id("med");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO medications (org_id, id, version, patient_id, name, dose, schedule, start_date, "
                    "stop_date, note, "
                    "changed_by, changed_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {ctx.principal().org_id, id, patient_id, *name, *dose, *schedule, *start, stop, note,
                     ctx.principal().user_id, to_millis(ctx.now)}));
        audit.record("medication_add", "medication", id, patient_id);
        ASSIGN_OR_RETURN(auto items, medication_list(tx, patient_id, true));
        for (auto& m : items)
          if (m.as_object().at("id").as_string() == id) return ok(m.as_object(), 201);
        return Status::Internal("medication vanished");
      },
      std::move(done));
}

void Documentation::change_medication(const RequestContext& ctx, const std::string& id, const json::object& body,
                                      Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(
            auto cur,
            tx.query_one(
                "SELECT version, patient_id, name, dose, schedule, start_date, stop_date, note FROM medications "
                "WHERE id = ? AND org_id = ? ORDER BY version DESC LIMIT 1",
                {id, ctx.principal().org_id}));
        if (!cur) return Status::NotFound();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::medication_write, cur->text(1), "medication", id));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, cur->i64(0), id));
        auto dose = f.string("dose", false, {1, 200});
        auto schedule = f.string("schedule", false, {1, 200});
        auto stop = f.date("stop_date", false);
        auto note = f.string("note", false, {1, 2000});
        f.reject_unknown();
        if (stop && *stop < cur->text(5)) f.fail("stop_date", "must not be before start_date", "range");
        if (!f.ok()) return f.status();
        // Nothing clinical is overwritten: a change is a new version.
        const int64_t next = cur->i64(0) + 1;
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO medications (org_id, id, version, patient_id, name, dose, schedule, start_date, "
                    "stop_date, note, "
                    "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {ctx.principal().org_id, id, next, cur->text(1), cur->text(2), dose.value_or(cur->text(3)),
                     schedule.value_or(cur->text(4)), cur->text(5), stop ? stop : cur->opt_text(6),
                     note ? note : cur->opt_text(7), ctx.principal().user_id, to_millis(ctx.now)}));
        audit.record("medication_change", "medication", id, cur->text(1), std::nullopt,
                     "version " + std::to_string(next));
        ASSIGN_OR_RETURN(auto items, medication_list(tx, cur->text(1), true));
        for (auto& m : items)
          if (m.as_object().at("id").as_string() == id) return ok(m.as_object());
        return Status::Internal("medication vanished");
      },
      std::move(done));
}

void Documentation::get_meetings(const RequestContext& ctx, const std::string& patient_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::meetings_read, patient_id, "meetings", patient_id));
        ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, kind, on_date, note, recorded_by FROM meetings WHERE "
                                             "patient_id = ? ORDER BY on_date DESC, id LIMIT 500",
                                             {patient_id}));
        json::array meetings;
        std::map<std::string, int64_t> weekly;
        for (const auto& r : rows) {
          meetings.push_back(json::object{{"id", r.text(0)},
                                          {"kind", r.text(1)},
                                          {"on_date", r.text(2)},
                                          {"note", opt(r.opt_text(3))},
                                          {"recorded_by", r.text(4)}});
          ++weekly[domain::format_iso_week(*parse_date(r.text(2)))];
        }
        json::array summary;
        for (auto it = weekly.rbegin(); it != weekly.rend(); ++it)
          summary.push_back(json::object{{"week", it->first}, {"meetings", it->second}});
        ASSIGN_OR_RETURN(auto rs, tx.query_one("SELECT sponsor_name, sponsor_phone, sponsor_last_contact, step, "
                                               "step_note, version FROM recovery_support "
                                               "WHERE patient_id = ?",
                                               {patient_id}));
        json::object o{{"patient_id", patient_id}, {"meetings", std::move(meetings)}, {"weekly", std::move(summary)}};
        o["sponsor"] = rs ? json::value(json::object{{"name", opt(rs->opt_text(0))},
                                                     {"phone", opt(rs->opt_text(1))},
                                                     {"last_contact", opt(rs->opt_text(2))}})
                          : json::value(nullptr);
        o["step_work"] = rs && !rs->is_null(3)
                             ? json::value(json::object{{"step", rs->i64(3)}, {"note", opt(rs->opt_text(4))}})
                             : json::value(nullptr);
        o["version"] = rs ? rs->i64(5) : 0;
        return ok(std::move(o));
      },
      std::move(done));
}

void Documentation::post_meetings(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                  Done done) {
  Fields f(body);
  auto kind = f.one_of("kind", false, {"aa", "na", "smart", "other"});
  auto on = f.date("on_date", false);
  auto note = f.string("note", false, {1, 1000});
  const json::object* sponsor = f.object("sponsor", false);
  const json::object* step = f.object("step_work", false);
  auto version = f.integer("version", false, 0, INT64_MAX);
  f.reject_unknown();
  std::optional<std::string> s_name, s_phone, s_contact, step_note;
  std::optional<int64_t> step_no;
  if (sponsor) {
    Fields g(*sponsor, "sponsor");
    s_name = g.string("name", false, {1, 200});
    s_phone = g.phone("phone", false);
    s_contact = g.date("last_contact", false);
    g.reject_unknown();
    for (auto& x : g.errors()) f.errors().push_back(x);
  }
  if (step) {
    Fields g(*step, "step_work");
    step_no = g.integer("step", true, 1, 12);
    step_note = g.string("note", false, {1, 2000});
    g.reject_unknown();
    for (auto& x : g.errors()) f.errors().push_back(x);
  }
  // Presence, not validity, decides that a meeting was meant: a bad kind still needs its date.
  const bool meeting = body.contains("kind") || body.contains("on_date");
  if (meeting && !body.contains("kind")) f.fail("kind", "is required for a meeting", "required");
  if (meeting && !body.contains("on_date")) f.fail("on_date", "is required for a meeting", "required");
  if (!meeting && !sponsor && !step && f.ok())
    f.fail("kind", "send a meeting (kind, on_date), a sponsor or step_work", "required");
  if ((sponsor || step) && !version) f.fail("version", "is required to change the sponsor or step work", "required");
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::meetings_write, patient_id, "meetings", patient_id));
        const int64_t now = to_millis(ctx.now);
        if (on && *on > format_date(local_date(ctx.now, "UTC") + 1))
          return Status::Invalid({{"on_date", "must not be in the future", "future"}});
        if (meeting)
          RETURN_IF_ERROR(
              tx.exec("INSERT INTO meetings (org_id, id, patient_id, kind, on_date, note, recorded_by, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      {ctx.principal().org_id, auth::new_id("mtg"), patient_id, *kind, *on, note,
                       ctx.principal().user_id, now}));
        if (sponsor || step) {
          ASSIGN_OR_RETURN(auto cur,
                           tx.query_one("SELECT version FROM recovery_support WHERE patient_id = ?", {patient_id}));
          if (*version != (cur ? cur->i64(0) : 0))
            return Status::ConflictWith({"version", patient_id}, "Changed by someone else; reload.");
          RETURN_IF_ERROR(tx.exec(
              "INSERT INTO recovery_support (org_id, patient_id, sponsor_name, sponsor_phone, sponsor_last_contact, "
              "step, step_note, "
              "version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT (patient_id) DO UPDATE SET "
              "sponsor_name = COALESCE(excluded.sponsor_name, recovery_support.sponsor_name), "
              "sponsor_phone = COALESCE(excluded.sponsor_phone, recovery_support.sponsor_phone), "
              "sponsor_last_contact = COALESCE(excluded.sponsor_last_contact, recovery_support.sponsor_last_contact), "
              "step = COALESCE(excluded.step, recovery_support.step), step_note = COALESCE(excluded.step_note, "
              "recovery_support.step_note), "
              "version = recovery_support.version + 1, updated_at = excluded.updated_at",
              {ctx.principal().org_id, patient_id, s_name, s_phone, s_contact, step_no, step_note, now}));
        }
        audit.record("meetings_update", "meetings", patient_id, patient_id);
        return ok(json::object{{"patient_id", patient_id}, {"recorded", true}}, 201);
      },
      std::move(done));
}

void Documentation::discharge_summary(const RequestContext& ctx, const std::string& episode_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(
            auto e,
            tx.query_one(
                "SELECT patient_id, program_id, status, referral_source, admitted_on, discharged_on, discharge_reason, "
                "aftercare, primary_therapist_id, psychiatrist_id, previous_episode_id, discharged_at FROM episodes "
                "WHERE id = ? AND org_id = ?",
                {episode_id, who.org_id}));
        if (!e) return Status::NotFound();
        const std::string patient_id = e->text(0);
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::chart_read, patient_id, "discharge_summary", episode_id));
        ASSIGN_OR_RETURN(auto p, tx.query_one("SELECT given_name, family_name, birth_date FROM patients WHERE id = ?",
                                              {patient_id}));
        ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT name, time_zone FROM programs WHERE id = ?", {e->text(1)}));
        const std::string tz = prog->text(1);
        const int admitted = *parse_date(e->text(4));
        const int until = e->is_null(5) ? local_date(ctx.now, tz) : *parse_date(e->text(5));
        const int64_t lo = to_millis(local_time_to_utc(admitted, 0, tz)),
                      hi = to_millis(local_time_to_utc(until + 1, 0, tz));
        json::object o;
        o["episode_id"] = episode_id;
        o["status"] = e->text(2);
        o["final"] = e->text(2) == "discharged";
        o["patient"] = json::object{
            {"id", patient_id}, {"given_name", p->text(0)}, {"family_name", p->text(1)}, {"birth_date", p->text(2)}};
        o["program"] = json::object{{"id", e->text(1)}, {"name", prog->text(0)}};
        o["referral_source"] = e->text(3);
        o["admitted_on"] = e->text(4);
        o["discharged_on"] = opt(e->opt_text(5));
        o["discharge_reason"] = opt(e->opt_text(6));
        o["days_in_program"] = until - admitted + 1;
        o["previous_episode_id"] = opt(e->opt_text(10));
        o["care_team"] =
            json::object{{"primary_therapist_id", opt(e->opt_text(8))}, {"psychiatrist_id", opt(e->opt_text(9))}};
        ASSIGN_OR_RETURN(
            auto att,
            tx.query_one("SELECT COALESCE(sum(minutes), 0), count(*), "
                         "COALESCE(sum(CASE WHEN status = 'absent_unexcused' THEN 1 ELSE 0 END), 0), "
                         "COALESCE(sum(CASE WHEN status = 'absent_excused' THEN 1 ELSE 0 END), 0) "
                         "FROM attendance WHERE patient_id = ? AND session_starts_at >= ? AND session_starts_at < ?",
                         {patient_id, lo, hi}));
        o["attendance"] = json::object{{"attended_minutes", att->i64(0)},
                                       {"sessions_recorded", att->i64(1)},
                                       {"absences_unexcused", att->i64(2)},
                                       {"absences_excused", att->i64(3)}};
        // First and last score of each measure in the episode.
        ASSIGN_OR_RETURN(
            auto instruments,
            tx.query("SELECT DISTINCT instrument_id FROM assessments WHERE episode_id = ? ORDER BY instrument_id",
                     {episode_id}));
        json::array measures;
        for (const auto& i : instruments) {
          ASSIGN_OR_RETURN(
              auto first,
              tx.query_one(
                  "SELECT submitted_at, total, band FROM assessments WHERE episode_id = ? AND instrument_id = ? "
                  "ORDER BY submitted_at LIMIT 1",
                  {episode_id, i.text(0)}));
          ASSIGN_OR_RETURN(
              auto last,
              tx.query_one(
                  "SELECT submitted_at, total, band FROM assessments WHERE episode_id = ? AND instrument_id = ? "
                  "ORDER BY submitted_at DESC LIMIT 1",
                  {episode_id, i.text(0)}));
          ASSIGN_OR_RETURN(auto count,
                           tx.query_one("SELECT count(*) FROM assessments WHERE episode_id = ? AND instrument_id = ?",
                                        {episode_id, i.text(0)}));
          auto point = [](const std::optional<store::Row>& r) {
            return json::object{{"date", registry::ts(r->i64(0))},
                                {"total", r->is_null(1) ? json::value(nullptr) : json::value(r->f64(1))},
                                {"severity", opt(r->opt_text(2))}};
          };
          json::object m{
              {"instrument", i.text(0)}, {"count", count->i64(0)}, {"first", point(first)}, {"last", point(last)}};
          if (!first->is_null(1) && !last->is_null(1)) m["change"] = last->f64(1) - first->f64(1);
          measures.push_back(std::move(m));
        }
        o["measures"] = std::move(measures);
        // rules.md: AUDIT-C at discharge, i.e. in the last week of the episode.
        {
          const int64_t since = to_millis(local_time_to_utc(std::max(admitted, until - 7), 0, tz));
          // Not the admission measurement itself (a stay of a week or less).
          ASSIGN_OR_RETURN(auto at_end, tx.query_one("SELECT max(submitted_at) FROM assessments WHERE episode_id = ? "
                                                     "AND instrument_id = 'audit_c' AND submitted_at >= ? AND "
                                                     "submitted_at < ? AND submitted_at > (SELECT min(submitted_at) "
                                                     "FROM assessments WHERE episode_id = ? AND instrument_id = "
                                                     "'audit_c')",
                                                     {episode_id, since, hi, episode_id}));
          const bool done = at_end && !at_end->is_null(0);
          o["discharge_measures"] = json::array{
              json::object{{"instrument", "audit_c"},
                           {"done", done},
                           {"date", done ? json::value(registry::ts(at_end->i64(0))) : json::value(nullptr)}}};
        }
        ASSIGN_OR_RETURN(
            auto alerts,
            tx.query("SELECT severity, count(*) FROM alerts WHERE episode_id = ? GROUP BY severity", {episode_id}));
        json::object by_severity{{"imminent", 0}, {"high", 0}, {"warning", 0}, {"info", 0}};
        for (const auto& a : alerts) by_severity[a.text(0)] = a.i64(1);
        o["alerts"] = std::move(by_severity);
        ASSIGN_OR_RETURN(auto crises, tx.query("SELECT id, opened_at, status, disposition, closed_at FROM crises WHERE "
                                               "episode_id = ? ORDER BY opened_at",
                                               {episode_id}));
        json::array cr;
        for (const auto& c : crises)
          cr.push_back(
              json::object{{"id", c.text(0)},
                           {"opened_at", registry::ts(c.i64(1))},
                           {"status", c.text(2)},
                           {"disposition", opt(c.opt_text(3))},
                           {"closed_at", c.is_null(4) ? json::value(nullptr) : json::value(registry::ts(c.i64(4)))}});
        o["crises"] = std::move(cr);
        // Medications as they stand at the end of the episode (latest version of each, not stopped before admission).
        ASSIGN_OR_RETURN(auto meds,
                         tx.query("SELECT m.name, m.dose, m.schedule, m.start_date, m.stop_date FROM medications m "
                                  "WHERE m.patient_id = ? AND "
                                  "m.version = (SELECT max(version) FROM medications x WHERE x.id = m.id) AND "
                                  "(m.stop_date IS NULL OR m.stop_date >= ?) ORDER BY m.name",
                                  {patient_id, e->text(4)}));
        json::array med;
        for (const auto& m : meds)
          med.push_back(json::object{{"name", m.text(0)},
                                     {"dose", m.text(1)},
                                     {"schedule", m.text(2)},
                                     {"start_date", m.text(3)},
                                     {"stop_date", opt(m.opt_text(4))}});
        o["medications"] = std::move(med);
        o["aftercare"] = e->is_null(7) ? json::value(nullptr) : parse_any(e->text(7));
        return ok(std::move(o));
      },
      std::move(done));
}

}  // namespace pomost::service
