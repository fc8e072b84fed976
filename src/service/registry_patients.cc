// Patients, episodes of care, patient accounts, break-glass access and notifications.
#include <algorithm>
#include <set>
#include <sstream>

#include "auth/crypto.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/registry.h"
#include "service/registry_common.h"
#include "service/registry_service.h"

namespace pomost::service {

using domain::Action;
using namespace registry;

namespace {

constexpr int64_t kBreakGlassMs = 60LL * 60 * 1000;  // rules.md: 60 minutes

std::string name_key(const std::string& given, const std::string& family) {
  return fold_name(given) + " " + fold_name(family);
}

Result<std::optional<store::Row>> find_patient(store::Tx& tx, const std::string& org, const std::string& id) {
  return tx.query_one(std::string("SELECT ") + kPatientCols + " FROM patients WHERE id = ? AND org_id = ?", {id, org});
}

Result<json::object> patient_view(store::Tx& tx, const store::Row& r) {
  json::object o = patient_json(r);
  ASSIGN_OR_RETURN(
      auto ep,
      tx.query_one("SELECT id, program_id FROM episodes WHERE patient_id = ? AND status = 'active'", {r.text(0)}));
  o["active_episode_id"] = ep ? json::value(ep->text(0)) : json::value(nullptr);
  o["program_id"] = ep ? json::value(ep->text(1)) : json::value(nullptr);
  ASSIGN_OR_RETURN(auto acct, tx.query_one("SELECT username, password_hash IS NOT NULL FROM users WHERE patient_id = ?",
                                           {r.text(0)}));
  if (acct) {
    json::object a;
    a["username"] = acct->text(0);
    a["activated"] = acct->boolean(1);
    o["account"] = std::move(a);
  } else {
    o["account"] = nullptr;
  }
  return o;
}

struct PatientInput {
  std::optional<std::string> given, family, birth_date, sex, language, phone, email;
  std::optional<json::object> emergency;
  bool clear_phone = false, clear_email = false, clear_emergency = false;
};

PatientInput read_patient(Fields& f, bool create, TimePoint now) {
  PatientInput p;
  p.given = f.string("given_name", create, {1, 100});
  p.family = f.string("family_name", create, {1, 100});
  p.birth_date = f.date("birth_date", create);
  p.sex = f.one_of("sex", create, domain::kSexes);
  p.language = f.one_of("preferred_language", create, domain::kLanguages);
  p.phone = f.phone("phone", false);
  p.email = f.email("email", false);
  if (const json::object* ec = f.object("emergency_contact", false)) {
    Fields g(*ec, "emergency_contact");
    auto name = g.string("name", true, {1, 200});
    auto phone = g.phone("phone", true);
    auto relationship = g.string("relationship", false, {1, 100});
    g.reject_unknown();
    for (auto& e : g.errors()) f.errors().push_back(e);
    if (g.ok()) {
      json::object o;
      o["name"] = *name;
      o["phone"] = *phone;
      if (relationship) o["relationship"] = *relationship;
      p.emergency = std::move(o);
    }
  }
  p.clear_phone = f.is_null("phone");
  p.clear_email = f.is_null("email");
  p.clear_emergency = f.is_null("emergency_contact");
  if (p.birth_date) {
    int days = *parse_date(*p.birth_date);
    int today = local_date(now, "UTC");
    if (days > today)
      f.fail("birth_date", "must not be in the future", "future");
    else if (days < *parse_date("1900-01-01"))
      f.fail("birth_date", "must be after 1900-01-01");
  }
  return p;
}

// Patients a staff member may be related to; the policy check on each row is the real gate.
const char* kReachSql =
    "SELECT p.id FROM patients p WHERE p.org_id = ? AND p.id > ? AND ("
    " EXISTS (SELECT 1 FROM episodes e JOIN staff_programs sp ON sp.program_id = e.program_id"
    "         WHERE e.patient_id = p.id AND e.status = 'active' AND sp.user_id = ?)"
    " OR EXISTS (SELECT 1 FROM episodes e WHERE e.patient_id = p.id AND (e.primary_therapist_id = ? OR "
    "e.psychiatrist_id = ?))"
    " OR EXISTS (SELECT 1 FROM episode_staff s JOIN episodes e ON e.id = s.episode_id WHERE e.patient_id = p.id AND "
    "s.user_id = ?)"
    " OR EXISTS (SELECT 1 FROM group_members m JOIN groups g ON g.id = m.group_id"
    "            WHERE m.patient_id = p.id AND (g.leader_id = ? OR g.co_leader_id = ?))"
    " OR p.created_by = ?"
    " OR EXISTS (SELECT 1 FROM break_glass b WHERE b.patient_id = p.id AND b.user_id = ? AND b.expires_at > ?)"
    " OR (? = 'clinical_director' AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.patient_id = p.id))"
    " OR EXISTS (SELECT 1 FROM episodes e JOIN on_call_shifts oc ON oc.program_id = e.program_id"
    "            WHERE e.patient_id = p.id AND e.status = 'active' AND oc.staff_id = ? AND oc.starts_at <= ? AND "
    "oc.ends_at > ?)"
    ")";

store::Params reach_params(const Principal& who, const std::string& after, int64_t now) {
  const std::string& me = who.user_id;
  return {who.org_id, after, me, me, me, me, me, me, me, me, now, std::string(domain::to_string(who.role)),
          me,         now,   now};
}

}  // namespace

void RegistryService::create_patient(const RequestContext& ctx, const json::object& body, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::patient_create, "patient"), done);
  Fields f(body);
  PatientInput p = read_patient(f, true, ctx.now);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        const std::string id = auth::new_id("pat");
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO patients (org_id, id, given_name, family_name, name_key, birth_date, sex, "
            "preferred_language, phone, email, emergency_contact, created_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {who.org_id, id, *p.given, *p.family, name_key(*p.given, *p.family), *p.birth_date, *p.sex, *p.language,
             p.phone, p.email, p.emergency ? std::optional<std::string>(json::serialize(*p.emergency)) : std::nullopt,
             who.user_id, now, now}));
        audit.record("patient_create", "patient", id, id, "staff.intake.create");
        // Intake duplicates: the same exact name and birth date among the patients this user may see.
        ASSIGN_OR_RETURN(
            auto same,
            tx.query("SELECT id FROM patients WHERE org_id = ? AND name_key = ? AND birth_date = ? AND id <> ?",
                     {who.org_id, name_key(*p.given, *p.family), *p.birth_date, id}));
        json::array dupes;
        for (const auto& s : same) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::patient_read, s.text(0)));
          if (may) dupes.emplace_back(s.text(0));
        }
        ASSIGN_OR_RETURN(auto row, find_patient(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, patient_view(tx, *row));
        o["possible_duplicates"] = std::move(dupes);
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void RegistryService::get_patient(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::patient_read, id, "patient", id));
        ASSIGN_OR_RETURN(auto row, find_patient(tx, ctx.principal().org_id, id));
        if (!row) return Status::NotFound();
        ASSIGN_OR_RETURN(auto o, patient_view(tx, *row));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::patch_patient(const RequestContext& ctx, const std::string& id, const json::object& body,
                                    Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::patient_update, id, "patient", id));
        ASSIGN_OR_RETURN(auto row, find_patient(tx, who.org_id, id));
        if (!row) return Status::NotFound();
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(9), id));
        PatientInput p = read_patient(f, false, ctx.now);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        std::string given = p.given.value_or(row->text(1)), family = p.family.value_or(row->text(2));
        RETURN_IF_ERROR(
            tx.exec("UPDATE patients SET given_name = ?, family_name = ?, name_key = ?, "
                    "birth_date = COALESCE(?, birth_date), sex = COALESCE(?, sex), "
                    "preferred_language = COALESCE(?, preferred_language), "
                    "phone = CASE WHEN ? THEN NULL ELSE COALESCE(?, phone) END, "
                    "email = CASE WHEN ? THEN NULL ELSE COALESCE(?, email) END, "
                    "emergency_contact = CASE WHEN ? THEN NULL ELSE COALESCE(?, emergency_contact) END, "
                    "version = version + 1, updated_at = ? WHERE id = ?",
                    {given, family, name_key(given, family), p.birth_date, p.sex, p.language, p.clear_phone, p.phone,
                     p.clear_email, p.email, p.clear_emergency,
                     p.emergency ? std::optional<std::string>(json::serialize(*p.emergency)) : std::nullopt,
                     to_millis(ctx.now), id}));
        ASSIGN_OR_RETURN(auto updated, find_patient(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, patient_view(tx, *updated));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::list_patients(const RequestContext& ctx, const Query& q, Done done) {
  auto page = parse_page(q);
  if (!page.ok()) return done(page.status());
  const Page pg = *page;
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::patient_list, "patient"), done);
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        std::vector<std::string> ids;
        std::string last;
        if (who.patient_id) {
          if (pg.after.empty()) ids.push_back(*who.patient_id);
        } else {
          store::Params params = reach_params(who, pg.after, to_millis(ctx.now));
          params.emplace_back(pg.limit);
          ASSIGN_OR_RETURN(auto rows, tx.query(std::string(kReachSql) + " ORDER BY p.id LIMIT ?", params));
          for (const auto& r : rows) ids.push_back(r.text(0));
        }
        json::array items;
        for (const auto& id : ids) {
          last = id;
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::patient_read, id));
          if (!may) continue;
          audit.record("patient_read", "patient", id, id);
          ASSIGN_OR_RETURN(auto row, find_patient(tx, who.org_id, id));
          ASSIGN_OR_RETURN(auto o, patient_view(tx, *row));
          items.push_back(std::move(o));
        }
        json::object out = page_json(std::move(items), pg, last);
        if (static_cast<int64_t>(ids.size()) >= pg.limit && !last.empty()) out["next_cursor"] = last;
        return ok(std::move(out));
      },
      std::move(done));
}

void RegistryService::search_patients(const RequestContext& ctx, const json::object& body, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::patient_search, "patient"), done);
  Fields f(body);
  auto name = f.string("name", false, {2, 200});
  auto birth_date = f.date("birth_date", false);
  auto limit = f.integer("limit", false, 1, 100);
  f.reject_unknown();
  if (f.ok() && !name && !birth_date) f.fail("name", "send a name, a birth_date, or both");
  if (!f.ok()) return done(f.status());
  std::vector<std::string> tokens;
  if (name) {
    std::istringstream is(fold_name(*name));
    std::string t;
    while (is >> t) tokens.push_back(t);
  }
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        std::string sql = std::string(kReachSql) + " AND (? IS NULL OR p.birth_date = ?)";
        store::Params params = reach_params(who, "", to_millis(ctx.now));
        params.emplace_back(birth_date);
        params.emplace_back(birth_date);
        for (const auto& t : tokens) {
          // Every word must start a word of the name ("kow" finds "Kowalska").
          sql += " AND (' ' || p.name_key) LIKE ? ESCAPE '\\'";
          std::string esc;
          for (char c : t) {
            if (c == '%' || c == '_' || c == '\\') esc += '\\';
            esc += c;
          }
          params.emplace_back("% " + esc + "%");
        }
        sql += " ORDER BY p.name_key, p.id LIMIT ?";
        params.emplace_back(limit.value_or(50));
        ASSIGN_OR_RETURN(auto rows, tx.query(sql, params));
        json::array items;
        for (const auto& r : rows) {
          const std::string id = r.text(0);
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::patient_read, id));
          if (!may) continue;
          audit.record("patient_search", "patient", id, id);
          ASSIGN_OR_RETURN(auto row, find_patient(tx, who.org_id, id));
          ASSIGN_OR_RETURN(auto o, patient_view(tx, *row));
          items.push_back(std::move(o));
        }
        json::object out;
        out["items"] = std::move(items);
        out["next_cursor"] = nullptr;
        return ok(std::move(out));
      },
      std::move(done));
}

void RegistryService::create_account(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                     Done done) {
  Fields f(body);
  auto username = f.string("username", true, {3, 64});
  auto expires = f.timestamp("expires_at", false);
  f.reject_unknown();
  std::string uname = username ? ascii_lower(trim(*username)) : "";
  if (username) {
    for (char c : uname)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@')) {
        f.fail("username", "may use 3 to 64 letters a-z, digits and . _ - @");
        break;
      }
  }
  int64_t expires_at = to_millis(ctx.now) + 7LL * 24 * 3600 * 1000;
  if (expires) {
    expires_at = to_millis(*parse_rfc3339(*expires));
    if (expires_at <= to_millis(ctx.now))
      f.fail("expires_at", "must be in the future", "past");
    else if (expires_at > to_millis(ctx.now) + 30LL * 24 * 3600 * 1000)
      f.fail("expires_at", "must be within 30 days", "max_days", {{"max", 30}});
  }
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::account_create, patient_id, "patient_account", patient_id));
        ASSIGN_OR_RETURN(auto patient, find_patient(tx, who.org_id, patient_id));
        if (!patient) return Status::NotFound();
        ASSIGN_OR_RETURN(
            auto existing,
            tx.query_one("SELECT id, password_hash IS NOT NULL FROM users WHERE patient_id = ?", {patient_id}));
        if (existing && existing->boolean(1))
          return Status::ConflictWith({"state", existing->text(0)}, "The patient's account is already active.");
        ASSIGN_OR_RETURN(auto taken, tx.query_one("SELECT id FROM users WHERE username = ?", {uname}));
        if (taken && (!existing || taken->text(0) != existing->text(0)))
          return Status::Invalid({{"username", "is already taken", "taken", {}}});
        const std::string code = auth::invite_code();
        const std::string code_hash = auth::blake2b(auth::normalize_invite_code(code));
        const int64_t now = to_millis(ctx.now);
        std::string user_id;
        if (existing) {
          user_id = existing->text(0);
          RETURN_IF_ERROR(
              tx.exec("UPDATE users SET username = ?, invite_hash = ?, invite_expires_at = ?, updated_at = ?, "
                      "version = version + 1 WHERE id = ?",
                      {uname, store::Blob{code_hash}, expires_at, now, user_id}));
        } else {
          user_id = auth::new_id("usr");
          RETURN_IF_ERROR(
              tx.exec("INSERT INTO users (org_id, id, username, role, display_name, language, patient_id, "
                      "invite_hash, invite_expires_at, created_at, updated_at) "
                      "VALUES (?, ?, ?, 'patient', ?, ?, ?, ?, ?, ?, ?)",
                      {who.org_id, user_id, uname, patient->text(1), patient->text(5), patient_id,
                       store::Blob{code_hash}, expires_at, now, now}));
        }
        audit.record("account_invite", "patient_account", user_id, patient_id);
        json::object o;
        o["user_id"] = user_id;
        o["patient_id"] = patient_id;
        o["username"] = uname;
        o["invite_code"] = code;
        o["expires_at"] = ts(expires_at);
        return ok(std::move(o), 201);
      },
      std::move(done));
}

namespace {

struct EpisodeInput {
  std::optional<std::string> patient_id, program_id, referral_source, admitted_on, therapist, psychiatrist, previous;
  std::optional<std::vector<std::string>> staff_ids;
};

// Checks the care team of an episode in `program_id`.
Status check_team(store::Tx& tx, const std::string& org, const std::string& program_id, const EpisodeInput& in,
                  std::vector<FieldError>& errors) {
  if (in.therapist) {
    ASSIGN_OR_RETURN(bool t, check_staff(tx, org, *in.therapist, {true, {"therapist", "clinical_director"}, program_id},
                                         "primary_therapist_id", errors));
    (void)t;
  }
  if (in.psychiatrist) {
    ASSIGN_OR_RETURN(bool p, check_staff(tx, org, *in.psychiatrist, {true, {"psychiatrist"}, program_id},
                                         "psychiatrist_id", errors));
    (void)p;
  }
  if (in.staff_ids) {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.staff_ids->size(); ++i) {
      std::string field = "program_staff_ids[" + std::to_string(i) + "]";
      if (!seen.insert((*in.staff_ids)[i]).second) {
        errors.push_back({field, "is listed twice"});
        continue;
      }
      ASSIGN_OR_RETURN(bool s, check_staff(tx, org, (*in.staff_ids)[i], {false, {}, program_id}, field, errors));
      (void)s;
    }
  }
  return {};
}

Result<std::optional<store::Row>> find_episode(store::Tx& tx, const std::string& org, const std::string& id) {
  return tx.query_one(std::string("SELECT ") + kEpisodeCols + " FROM episodes WHERE id = ? AND org_id = ?", {id, org});
}

Status set_staff(store::Tx& tx, const std::string& org, const std::string& episode_id,
                 const std::vector<std::string>& ids) {
  RETURN_IF_ERROR(tx.exec("DELETE FROM episode_staff WHERE episode_id = ?", {episode_id}));
  std::set<std::string> unique(ids.begin(), ids.end());
  for (const auto& u : unique)
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO episode_staff (org_id, episode_id, user_id) VALUES (?, ?, ?)", {org, episode_id, u}));
  return {};
}

}  // namespace

void RegistryService::create_episode(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  EpisodeInput in;
  in.patient_id = f.string("patient_id", true, {1, 64});
  in.program_id = f.string("program_id", true, {1, 64});
  in.referral_source = f.one_of("referral_source", true, domain::kReferralSources);
  in.admitted_on = f.date("admitted_on", true);
  in.therapist = f.string("primary_therapist_id", true, {1, 64});
  in.psychiatrist = f.string("psychiatrist_id", true, {1, 64});
  in.staff_ids = f.string_list("program_staff_ids", false, 20);
  in.previous = f.string("previous_episode_id", false, {1, 64});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::episode_admit, *in.patient_id, "episode", ""));
        std::vector<FieldError> errors;
        ASSIGN_OR_RETURN(auto program, tx.query_one("SELECT 1 FROM programs WHERE id = ? AND org_id = ?",
                                                    {*in.program_id, who.org_id}));
        if (!program) {
          errors.push_back({"program_id", "is not a program of this organization"});
        } else {
          ASSIGN_OR_RETURN(bool assigned, access_.assigned_to_program(tx, who, *in.program_id));
          if (!assigned)
            errors.push_back({"program_id", "is not a program you are assigned to"});
          else
            RETURN_IF_ERROR(check_team(tx, who.org_id, *in.program_id, in, errors));
        }
        if (in.previous) {
          ASSIGN_OR_RETURN(auto prev, tx.query_one("SELECT status FROM episodes WHERE id = ? AND patient_id = ?",
                                                   {*in.previous, *in.patient_id}));
          if (!prev)
            errors.push_back({"previous_episode_id", "is not an episode of this patient"});
          else if (prev->text(0) != "discharged")
            errors.push_back({"previous_episode_id", "must be a discharged episode"});
        }
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        ASSIGN_OR_RETURN(auto active, tx.query_one("SELECT id FROM episodes WHERE patient_id = ? AND status = 'active'",
                                                   {*in.patient_id}));
        if (active)
          return Status::ConflictWith({"state", active->text(0)}, "The patient already has an active episode of care.");
        // A readmission links to the latest discharged episode unless the caller names another.
        std::optional<std::string> previous = in.previous;
        if (!previous) {
          ASSIGN_OR_RETURN(auto last, tx.query_one("SELECT id FROM episodes WHERE patient_id = ? AND status = "
                                                   "'discharged' ORDER BY discharged_at DESC, id DESC LIMIT 1",
                                                   {*in.patient_id}));
          if (last) previous = last->text(0);
        }
        const std::string id = auth::new_id("epi");
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO episodes (org_id, id, patient_id, program_id, status, referral_source, admitted_on, "
                    "primary_therapist_id, psychiatrist_id, previous_episode_id, created_by, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?)",
                    {who.org_id, id, *in.patient_id, *in.program_id, *in.referral_source, *in.admitted_on, in.therapist,
                     in.psychiatrist, previous, who.user_id, now, now}));
        if (in.staff_ids) RETURN_IF_ERROR(set_staff(tx, who.org_id, id, *in.staff_ids));
        audit.record("episode_admit", "episode", id, *in.patient_id);
        ASSIGN_OR_RETURN(auto row, find_episode(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, episode_json(tx, *row));
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void RegistryService::get_episode(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto row, find_episode(tx, ctx.principal().org_id, id));
        if (!row) {
          audit.denied("patient_read", "episode", id, std::nullopt, "deny.unknown_episode");
          return Status::NotFound();
        }
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::patient_read, row->text(1), "episode", id));
        ASSIGN_OR_RETURN(auto o, episode_json(tx, *row));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::list_episodes(const RequestContext& ctx, const Query& q, Done done) {
  auto patient = q.get("patient_id");
  if (!patient && ctx.principal().patient_id) patient = ctx.principal().patient_id;
  if (!patient) return done(Status(Code::bad_request, "`patient_id` is required."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::patient_read, *patient, "episode", ""));
        ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kEpisodeCols +
                                                 " FROM episodes WHERE patient_id = ? AND org_id = ? "
                                                 "ORDER BY admitted_on DESC, created_at DESC",
                                             {*patient, ctx.principal().org_id}));
        json::array items;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto o, episode_json(tx, r));
          items.push_back(std::move(o));
        }
        json::object out;
        out["items"] = std::move(items);
        out["next_cursor"] = nullptr;
        return ok(std::move(out));
      },
      std::move(done));
}

void RegistryService::patch_episode(const RequestContext& ctx, const std::string& id, const json::object& body,
                                    Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto row, find_episode(tx, who.org_id, id));
        if (!row) {
          audit.denied("episode_update", "episode", id, std::nullopt, "deny.unknown_episode");
          return Status::NotFound();
        }
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::episode_update, row->text(1), "episode", id));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(12), id));
        EpisodeInput in;
        in.referral_source = f.one_of("referral_source", false, domain::kReferralSources);
        in.admitted_on = f.date("admitted_on", false);
        in.therapist = f.string("primary_therapist_id", false, {1, 64});
        in.psychiatrist = f.string("psychiatrist_id", false, {1, 64});
        in.staff_ids = f.string_list("program_staff_ids", false, 20);
        auto planned = f.date("planned_discharge_on", false);
        const bool clear_planned = f.is_null("planned_discharge_on");
        f.reject_unknown();
        std::vector<FieldError> errors = f.errors();
        if (row->text(3) != "active")
          return Status::ConflictWith({"state", id}, "A discharged episode cannot be changed.");
        if (planned && *planned < in.admitted_on.value_or(row->text(5)))
          errors.push_back({"planned_discharge_on",
                            "must not be before the admission date",
                            "before_start",
                            {{"date", in.admitted_on.value_or(row->text(5))}}});
        RETURN_IF_ERROR(check_team(tx, who.org_id, row->text(2), in, errors));
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        RETURN_IF_ERROR(tx.exec(
            "UPDATE episodes SET referral_source = COALESCE(?, referral_source), admitted_on = COALESCE(?, "
            "admitted_on), "
            "primary_therapist_id = COALESCE(?, primary_therapist_id), psychiatrist_id = COALESCE(?, psychiatrist_id), "
            "planned_discharge_on = CASE WHEN ? THEN NULL ELSE COALESCE(?, planned_discharge_on) END, "
            "version = version + 1, updated_at = ? WHERE id = ?",
            {in.referral_source, in.admitted_on, in.therapist, in.psychiatrist, clear_planned, planned,
             to_millis(ctx.now), id}));
        if (in.staff_ids) RETURN_IF_ERROR(set_staff(tx, who.org_id, id, *in.staff_ids));
        ASSIGN_OR_RETURN(auto updated, find_episode(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, episode_json(tx, *updated));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::discharge_episode(const RequestContext& ctx, const std::string& id, const json::object& body,
                                        Done done) {
  Fields f(body);
  auto on = f.date("discharged_on", true);
  auto reason = f.one_of("reason", true, domain::kDischargeReasons);
  const json::object* aftercare = f.object("aftercare", false);
  // Optional: when sent, a discharge prepared on a stale copy of the episode is refused.
  auto version = f.integer("version", false, 1, INT64_MAX);
  f.reject_unknown();
  // Aftercare: the plan in words, referrals, and the first appointment after discharge.
  json::object after_json;
  if (aftercare) {
    Fields g(*aftercare, "aftercare");
    auto plan = g.string("plan", false, {1, 4000});
    json::array referrals;
    if (const json::array* refs = g.array("referrals", false)) {
      for (size_t i = 0; i < refs->size() && i < 20; ++i) {
        if (!(*refs)[i].is_object()) {
          g.fail("referrals[" + std::to_string(i) + "]", "must be an object", "type", {{"expected", "object"}});
          continue;
        }
        Fields r((*refs)[i].as_object(), g.path("referrals[" + std::to_string(i) + "]"));
        auto name = r.string("name", true, {1, 200});
        auto kind = r.one_of("kind", false,
                             {"outpatient_therapy", "psychiatry", "php", "inpatient", "residential", "mutual_help",
                              "primary_care", "other"});
        auto contact = r.string("contact", false, {1, 200});
        r.reject_unknown();
        for (auto& x : r.errors()) g.errors().push_back(x);
        if (r.ok()) {
          json::object ref{{"name", *name}};
          if (kind) ref["kind"] = *kind;
          if (contact) ref["contact"] = *contact;
          referrals.push_back(std::move(ref));
        }
      }
    }
    json::value first = nullptr;
    if (const json::object* fa = g.object("first_appointment", false)) {
      Fields r(*fa, g.path("first_appointment"));
      auto date = r.date("date", true);
      auto with = r.string("with", true, {1, 200});
      auto place = r.string("place", false, {1, 300});
      r.reject_unknown();
      for (auto& x : r.errors()) g.errors().push_back(x);
      if (r.ok()) {
        json::object a{{"date", *date}, {"with", *with}};
        if (place) a["place"] = *place;
        first = std::move(a);
      }
    }
    g.reject_unknown();
    for (auto& x : g.errors()) f.errors().push_back(x);
    after_json = json::object{{"plan", opt(plan)}, {"referrals", std::move(referrals)}, {"first_appointment", first}};
  }
  if (!f.ok()) return done(f.status());
  std::optional<std::string> after = aftercare ? std::optional<std::string>(json::serialize(after_json)) : std::nullopt;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto row, find_episode(tx, who.org_id, id));
        if (!row) {
          audit.denied("episode_update", "episode", id, std::nullopt, "deny.unknown_episode");
          return Status::NotFound();
        }
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::episode_update, row->text(1), "episode", id));
        if (row->text(3) != "active") return Status::ConflictWith({"state", id}, "The episode is already discharged.");
        if (version && *version != row->i64(12))
          return Status::ConflictWith({"version", id}, "The episode was changed by someone else; reload it.");
        if (*on < row->text(5))
          return Status::Invalid({{"discharged_on", "must not be before admitted_on (" + row->text(5) + ")"}});
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(tx.exec(
            "UPDATE episodes SET status = 'discharged', discharged_on = ?, discharge_reason = ?, aftercare = ?, "
            "discharged_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
            {*on, *reason, after, now, now, id}));
        audit.record("episode_discharge", "episode", id, row->text(1), std::nullopt, "reason=" + *reason);
        ASSIGN_OR_RETURN(auto updated, find_episode(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, episode_json(tx, *updated));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::break_glass(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto patient_id = f.string("patient_id", true, {1, 64});
  auto reason = f.string("reason", true, {10, 500});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_org(ctx, &audit, Action::break_glass, "break_glass"));
        ASSIGN_OR_RETURN(auto patient, tx.query_one("SELECT id FROM patients WHERE id = ? AND org_id = ?",
                                                    {*patient_id, who.org_id}));
        if (!patient) {
          audit.denied("break_glass", "patient", *patient_id, *patient_id, "deny.unknown_patient");
          return Status::NotFound();
        }
        const int64_t now = to_millis(ctx.now);
        const std::string id = auth::new_id("bgl");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO break_glass (org_id, id, user_id, patient_id, reason, started_at, expires_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {who.org_id, id, who.user_id, *patient_id, *reason, now, now + kBreakGlassMs}));
        // The clinical directors of the patient's program hear of it (every director when there is none).
        ASSIGN_OR_RETURN(
            auto directors,
            tx.query("SELECT DISTINCT u.id FROM users u WHERE u.org_id = ? AND u.role = 'clinical_director' AND "
                     "u.active = 1 "
                     "AND (NOT EXISTS (SELECT 1 FROM episodes e WHERE e.patient_id = ? AND e.status = 'active') "
                     "OR EXISTS (SELECT 1 FROM episodes e JOIN staff_programs sp ON sp.program_id = e.program_id "
                     "WHERE e.patient_id = ? AND e.status = 'active' AND sp.user_id = u.id))",
                     {who.org_id, *patient_id, *patient_id}));
        for (const auto& d : directors) {
          json::object n;
          n["break_glass_id"] = id;
          n["by_user_id"] = who.user_id;
          n["by"] = who.display_name;
          n["expires_at"] = ts(now + kBreakGlassMs);
          RETURN_IF_ERROR(
              tx.exec("INSERT INTO notifications (org_id, id, user_id, kind, patient_id, body, created_at) "
                      "VALUES (?, ?, ?, 'break_glass', ?, ?, ?)",
                      {who.org_id, auth::new_id("ntf"), d.text(0), *patient_id, json::serialize(n), now}));
        }
        audit.record("break_glass", "break_glass", id, *patient_id, "break_glass.request",
                     "notified " + std::to_string(directors.size()) + " directors");
        json::object o;
        o["id"] = id;
        o["patient_id"] = *patient_id;
        o["started_at"] = ts(now);
        o["expires_at"] = ts(now + kBreakGlassMs);
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void RegistryService::list_notifications(const RequestContext& ctx, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::notifications_read, "notification"), done);
  // A notification may name a patient (break-glass): reading it is on record like any patient read.
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id, kind, patient_id, body, created_at, read_at FROM notifications "
                                  "WHERE user_id = ? ORDER BY created_at DESC LIMIT 100",
                                  {ctx.principal().user_id}));
        json::array items;
        for (const auto& r : rows) {
          if (!r.is_null(2)) audit.record("notification_read", "notification", r.text(0), r.text(2));
          json::object o;
          o["id"] = r.text(0);
          o["kind"] = r.text(1);
          o["patient_id"] = opt(r.opt_text(2));
          boost::system::error_code ec;
          auto b = json::parse(r.text(3), ec);
          o["body"] = ec ? json::value(nullptr) : b;
          o["created_at"] = ts(r.i64(4));
          o["read"] = !r.is_null(5);
          items.push_back(std::move(o));
        }
        json::object out;
        out["items"] = std::move(items);
        out["next_cursor"] = nullptr;
        return ok(std::move(out));
      },
      std::move(done));
}

}  // namespace pomost::service
