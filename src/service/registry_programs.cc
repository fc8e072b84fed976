// Programs, their settings, on-call rosters and tracks.
#include <algorithm>

#include "auth/crypto.h"
#include "core/time.h"
#include "domain/registry.h"
#include "domain/risk_rules.h"
#include "service/registry_common.h"
#include "service/registry_service.h"

namespace pomost::service {

using domain::Action;
using namespace registry;

Status check_version(Fields& f, int64_t current, const std::string& id) {
  if (!f.has("version")) {
    f.accept("version");
    return Status(Code::precondition_required, "Send the version you are updating (field `version`).");
  }
  auto v = f.integer("version", true, 1, INT64_MAX);
  if (!v) return f.status();
  if (*v != current)
    return Status::ConflictWith({"version", id}, "The record was changed by someone else; reload it and try again.");
  return {};
}

Result<Page> parse_page(const Query& q) {
  Page p;
  if (auto l = q.get("limit")) {
    try {
      size_t used = 0;
      p.limit = std::stoll(*l, &used);
      if (used != l->size() || p.limit < 1 || p.limit > 200) throw std::out_of_range("limit");
    } catch (const std::exception&) {
      return Status(Code::bad_request, "`limit` must be an integer from 1 to 200.");
    }
  }
  if (auto c = q.get("cursor")) p.after = *c;
  return p;
}

json::object page_json(json::array items, const Page& page, const std::string& last_id) {
  json::object o;
  bool more = static_cast<int64_t>(items.size()) >= page.limit && !last_id.empty();
  o["items"] = std::move(items);
  o["next_cursor"] = more ? json::value(last_id) : json::value(nullptr);
  return o;
}

namespace {

Result<std::optional<store::Row>> find_program(store::Tx& tx, const std::string& org, const std::string& id) {
  return tx.query_one(std::string("SELECT ") + kProgramCols + " FROM programs WHERE id = ? AND org_id = ?", {id, org});
}

json::object default_settings() {
  json::object s;
  s["crisis_resources"] = json::array();
  json::object schedule;
  schedule["checkin_cutoff"] = "12:00";
  s["measurement_schedule"] = std::move(schedule);
  s["rule_thresholds"] = json::object();
  json::object ack;
  ack["imminent"] = 5;
  ack["high"] = 30;
  ack["warning"] = 1440;
  s["ack_deadlines_minutes"] = std::move(ack);
  s["escalation_chain"] = json::array({"clinician", "psychiatrist", "director"});
  s["cosignature_required"] = true;
  s["webhooks"] = json::array();
  s["closures"] = json::array();
  return s;
}

bool valid_hhmm(std::string_view s) {
  return s.size() == 5 && s[2] == ':' && std::isdigit(s[0]) && std::isdigit(s[1]) && std::isdigit(s[3]) &&
         std::isdigit(s[4]) && (s[0] - '0') * 10 + (s[1] - '0') < 24 && (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

// Validates the settings object of PUT /programs/{id}/settings into `out` (merged over `current`).
void validate_settings(const json::object& body, const json::object& current, json::object& out,
                       std::vector<FieldError>& errors) {
  out = current;
  Fields f(body);
  f.accept("version");
  if (auto* arr = f.array("crisis_resources", false)) {
    json::array items;
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = "crisis_resources[" + std::to_string(i) + "]";
      if (!(*arr)[i].is_object()) {
        errors.push_back({p, "must be an object", "type", {{"expected", "object"}}});
        continue;
      }
      Fields g((*arr)[i].as_object(), p);
      auto name = g.string("name", true, {1, 100});
      auto phone = g.phone("phone", true);
      auto desc = g.string("description", false, {1, 300});
      auto lang = g.one_of("language", false, {"en", "pl", "de"});
      // The same line described in the readers' languages: {pl: {name?, description?}, de: …}.
      json::object translations;
      if (const json::object* tr = g.object("translations", false)) {
        Fields t(*tr, g.path("translations"));
        for (const char* l : {"en", "pl", "de"}) {
          if (const json::object* one = t.object(l, false)) {
            Fields u(*one, t.path(l));
            auto tn = u.string("name", false, {1, 100});
            auto td = u.string("description", false, {1, 300});
            u.reject_unknown();
            for (auto& e : u.errors()) errors.push_back(e);
            json::object x;
            if (tn) x["name"] = *tn;
            if (td) x["description"] = *td;
            if (!x.empty()) translations[l] = std::move(x);
          }
        }
        t.reject_unknown();
        for (auto& e : t.errors()) errors.push_back(e);
      }
      g.reject_unknown();
      for (auto& e : g.errors()) errors.push_back(e);
      if (g.ok()) {
        json::object r;
        r["name"] = *name;
        r["phone"] = *phone;
        if (desc) r["description"] = *desc;
        if (lang) r["language"] = *lang;
        if (!translations.empty()) r["translations"] = std::move(translations);
        items.push_back(std::move(r));
      }
    }
    if (arr->size() > 20)
      errors.push_back({"crisis_resources", "must have at most 20 items", "max_items", {{"max", 20}}});
    out["crisis_resources"] = std::move(items);
  }
  if (auto* o = f.object("measurement_schedule", false)) {
    Fields g(*o, "measurement_schedule");
    auto cutoff = g.string("checkin_cutoff", false, {5, 5});
    if (cutoff && !valid_hhmm(*cutoff)) g.fail("checkin_cutoff", "must be a time HH:MM", "time");
    g.one_of("audit_c_cutoffs", false, {"us", "de_s3"});
    g.boolean("pcl5", false);
    g.boolean("ede_qs_licence_recorded", false);
    g.reject_unknown();
    for (auto& e : g.errors()) errors.push_back(e);
    json::object merged =
        out["measurement_schedule"].is_object() ? out["measurement_schedule"].as_object() : json::object();
    for (const auto& kv : *o) merged[kv.key()] = kv.value();
    out["measurement_schedule"] = std::move(merged);
  }
  if (auto* o = f.object("rule_thresholds", false)) {
    (void)domain::RuleThresholds::from(*o, &errors);
    json::object merged = out["rule_thresholds"].is_object() ? out["rule_thresholds"].as_object() : json::object();
    for (const auto& kv : *o) merged[kv.key()] = kv.value();
    out["rule_thresholds"] = std::move(merged);
  }
  if (auto* o = f.object("ack_deadlines_minutes", false)) {
    Fields g(*o, "ack_deadlines_minutes");
    // Safety floors (rules.md ⚑): imminent within 15 minutes at most, high within 60.
    auto imminent = g.integer("imminent", false, 1, 15);
    auto high = g.integer("high", false, 1, 60);
    auto warning = g.integer("warning", false, 1, 7 * 24 * 60);
    g.reject_unknown();
    for (auto& e : g.errors()) errors.push_back(e);
    json::object merged = out["ack_deadlines_minutes"].as_object();
    if (imminent) merged["imminent"] = *imminent;
    if (high) merged["high"] = *high;
    if (warning) merged["warning"] = *warning;
    out["ack_deadlines_minutes"] = std::move(merged);
  }
  // The chains of rules.md are what the alert engine follows (imminent: director, then every
  // licensed clinician; high: on-call psychiatrist, then director); this version offers no other
  // order, so a setting that would claim one is refused rather than stored and ignored.
  if (auto tiers = f.string_list("escalation_chain", false, 3)) {
    const std::vector<std::string> fixed = {"clinician", "psychiatrist", "director"};
    if (*tiers != fixed)
      errors.push_back({"escalation_chain",
                        "is fixed in this version: clinician, psychiatrist, director (rules.md)",
                        "fixed",
                        {{"allowed", json::array{"clinician", "psychiatrist", "director"}}}});
    json::array a;
    for (const auto& t : *tiers) a.emplace_back(t);
    out["escalation_chain"] = std::move(a);
  }
  if (auto c = f.boolean("cosignature_required", false)) out["cosignature_required"] = *c;
  if (auto* arr = f.array("webhooks", false)) {
    json::array hooks;
    const json::array* old = current.contains("webhooks") && current.at("webhooks").is_array()
                                 ? &current.at("webhooks").as_array()
                                 : nullptr;
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = "webhooks[" + std::to_string(i) + "]";
      if (!(*arr)[i].is_object()) {
        errors.push_back({p, "must be an object", "type", {{"expected", "object"}}});
        continue;
      }
      Fields g((*arr)[i].as_object(), p);
      auto url = g.string("url", true, {8, 500});
      auto secret = g.string("secret", false, {16, 200});
      g.accept("secret_set");
      g.reject_unknown();
      if (url && !(url->rfind("https://", 0) == 0 || url->rfind("http://127.0.0.1", 0) == 0 ||
                   url->rfind("http://localhost", 0) == 0))
        g.fail("url", "must be an https:// address (plain http only to this machine)", "https");
      if (url && !secret) {
        // Keep the stored secret of an unchanged URL; secrets are never sent back.
        if (old) {
          for (const auto& h : *old)
            if (h.is_object() && h.as_object().contains("url") && h.as_object().at("url") == json::value(*url))
              secret = std::string(h.as_object().at("secret").as_string());
        }
        if (!secret) g.fail("secret", "is required for a new webhook (at least 16 characters)", "required");
      }
      for (auto& e : g.errors()) errors.push_back(e);
      if (g.ok()) {
        json::object h;
        h["url"] = *url;
        h["secret"] = *secret;
        hooks.push_back(std::move(h));
      }
    }
    out["webhooks"] = std::move(hooks);
  }
  if (auto* arr = f.array("closures", false)) {
    json::array closures;
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = "closures[" + std::to_string(i) + "]";
      if (!(*arr)[i].is_object()) {
        errors.push_back({p, "must be an object", "type", {{"expected", "object"}}});
        continue;
      }
      Fields g((*arr)[i].as_object(), p);
      auto date = g.date("date", true);
      auto reason = g.string("reason", false, {1, 200});
      g.reject_unknown();
      for (auto& e : g.errors()) errors.push_back(e);
      if (g.ok()) {
        json::object c;
        c["date"] = *date;
        if (reason) c["reason"] = *reason;
        closures.push_back(std::move(c));
      }
    }
    out["closures"] = std::move(closures);
  }
  f.reject_unknown();
  for (auto& e : f.errors()) errors.push_back(e);
}

json::object public_settings(const json::object& s) {
  json::object out = s;
  if (out.contains("webhooks") && out["webhooks"].is_array()) {
    json::array masked;
    for (const auto& h : out["webhooks"].as_array()) {
      json::object m;
      m["url"] = h.as_object().at("url");
      m["secret_set"] = true;
      masked.push_back(std::move(m));
    }
    out["webhooks"] = std::move(masked);
  }
  return out;
}

json::object parse_settings(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  json::object s = default_settings();
  if (!ec && v.is_object())
    for (const auto& kv : v.as_object()) s[kv.key()] = kv.value();
  return s;
}

}  // namespace

void RegistryService::create_program(const RequestContext& ctx, const json::object& body, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_manage, "program"), done);
  Fields f(body);
  auto name = f.string("name", true, {1, 200});
  auto site_id = f.string("site_id", false, {1, 64});
  auto focus = f.one_of("focus", true, domain::kFocuses);
  auto population = f.one_of("population", true, domain::kPopulations);
  auto level = f.one_of("level_of_care", false, domain::kLevelsOfCare);
  auto days = f.integer("days_per_week", true, 1, 7);
  auto hours = f.number("hours_per_day", true, 0.5, 12);
  auto min_hours = f.number("min_hours_per_week", false, 0, 60);
  auto tz = f.time_zone("time_zone", true);
  auto language = f.one_of("language", false, domain::kLanguages);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  std::string loc = level.value_or("2.1");
  double minimum = min_hours.value_or(domain::default_min_hours_per_week(loc, *population));
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(const std::string site, resolve_site(tx, who.org_id, site_id));
        const std::string id = auth::new_id("prg");
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO programs (org_id, id, site_id, name, focus, population, level_of_care, "
                    "days_per_week, hours_per_day, min_hours_per_week, time_zone, language, settings, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    {who.org_id, id, site, *name, *focus, *population, loc, *days, *hours, minimum, *tz,
                     language.value_or("en"), json::serialize(default_settings()), now, now}));
        audit.record("program_create", "program", id, std::nullopt, "admin.org");
        ASSIGN_OR_RETURN(auto row, find_program(tx, who.org_id, id));
        return ok(program_json(*row), 201);
      },
      std::move(done));
}

void RegistryService::list_programs(const RequestContext& ctx, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_read, "program"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(
        auto rows, tx.query(std::string("SELECT ") + kProgramCols + " FROM programs WHERE org_id = ? ORDER BY name, id",
                            {ctx.principal().org_id}));
    json::array items;
    for (const auto& r : rows) items.push_back(program_json(r));
    json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = nullptr;
    return ok(std::move(o));
  }));
}

void RegistryService::get_program(const RequestContext& ctx, const std::string& id, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_read, "program"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(auto row, find_program(tx, ctx.principal().org_id, id));
    if (!row) return Status::NotFound();
    return ok(program_json(*row));
  }));
}

void RegistryService::patch_program(const RequestContext& ctx, const std::string& id, const json::object& body,
                                    Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_manage, "program"), done);
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto row, find_program(tx, who.org_id, id));
        if (!row) return Status::NotFound();
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(11), id));
        auto name = f.string("name", false, {1, 200});
        auto focus = f.one_of("focus", false, domain::kFocuses);
        auto population = f.one_of("population", false, domain::kPopulations);
        auto level = f.one_of("level_of_care", false, domain::kLevelsOfCare);
        auto days = f.integer("days_per_week", false, 1, 7);
        auto hours = f.number("hours_per_day", false, 0.5, 12);
        auto min_hours = f.number("min_hours_per_week", false, 0, 60);
        auto tz = f.time_zone("time_zone", false);
        auto language = f.one_of("language", false, domain::kLanguages);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        // null goes back to the default of the (possibly new) level of care and population.
        if (f.is_null("min_hours_per_week"))
          min_hours =
              domain::default_min_hours_per_week(level.value_or(row->text(5)), population.value_or(row->text(4)));
        RETURN_IF_ERROR(
            tx.exec("UPDATE programs SET name = COALESCE(?, name), focus = COALESCE(?, focus), "
                    "population = COALESCE(?, population), level_of_care = COALESCE(?, level_of_care), "
                    "days_per_week = COALESCE(?, days_per_week), hours_per_day = COALESCE(?, hours_per_day), "
                    "min_hours_per_week = COALESCE(?, min_hours_per_week), time_zone = COALESCE(?, time_zone), "
                    "language = COALESCE(?, language), version = version + 1, updated_at = ? WHERE id = ?",
                    {name, focus, population, level, days, hours, min_hours, tz, language, to_millis(ctx.now), id}));
        audit.record("program_update", "program", id, std::nullopt, "admin.org");
        ASSIGN_OR_RETURN(auto updated, find_program(tx, who.org_id, id));
        return ok(program_json(*updated));
      },
      std::move(done));
}

void RegistryService::get_settings(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::settings_read, id));
        ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT settings, settings_version FROM programs WHERE id = ?", {id}));
        json::object s = public_settings(parse_settings(row->text(0)));
        s["program_id"] = id;
        s["version"] = row->i64(1);
        return ok(std::move(s));
      },
      std::move(done));
}

void RegistryService::put_settings(const RequestContext& ctx, const std::string& id, const json::object& body,
                                   Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::settings_write, id));
        ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT settings, settings_version FROM programs WHERE id = ?", {id}));
        Fields vf(body);
        RETURN_IF_ERROR(check_version(vf, row->i64(1), id));
        json::object merged;
        std::vector<FieldError> errors;
        validate_settings(body, parse_settings(row->text(0)), merged, errors);
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        RETURN_IF_ERROR(tx.exec(
            "UPDATE programs SET settings = ?, settings_version = settings_version + 1, updated_at = ? WHERE id = ?",
            {json::serialize(merged), to_millis(ctx.now), id}));
        audit.record("settings_update", "program_settings", id, std::nullopt);
        json::object s = public_settings(merged);
        s["program_id"] = id;
        s["version"] = row->i64(1) + 1;
        return ok(std::move(s));
      },
      std::move(done));
}

namespace {

struct Interval {
  int64_t start, end;
};

// Holes in [from, to) not covered by any interval.
std::vector<Interval> holes(std::vector<Interval> iv, int64_t from, int64_t to) {
  std::sort(iv.begin(), iv.end(), [](auto& a, auto& b) { return a.start < b.start; });
  std::vector<Interval> out;
  int64_t cursor = from;
  for (const auto& i : iv) {
    if (i.end <= cursor) continue;
    if (i.start >= to) break;
    if (i.start > cursor) out.push_back({cursor, i.start});
    cursor = std::max(cursor, i.end);
  }
  if (cursor < to) out.push_back({cursor, to});
  return out;
}

Result<json::object> roster_json(store::Tx& tx, const std::string& program_id, TimePoint now, bool email) {
  ASSIGN_OR_RETURN(auto prog,
                   tx.query_one("SELECT time_zone, roster_version, settings FROM programs WHERE id = ?", {program_id}));
  const std::string tz = prog->text(0);
  const json::object settings = parse_settings(prog->text(2));
  const json::value* hooks = settings.if_contains("webhooks");
  const bool webhook = hooks && hooks->is_array() && !hooks->as_array().empty();
  ASSIGN_OR_RETURN(auto rows,
                   tx.query("SELECT s.staff_id, s.tier, s.starts_at, s.ends_at, u.display_name, u.email, u.phone "
                            "FROM on_call_shifts s JOIN users u ON u.id = s.staff_id "
                            "WHERE s.program_id = ? ORDER BY s.starts_at, s.tier",
                            {program_id}));
  json::array entries;
  std::map<std::string, std::vector<Interval>> by_tier;
  std::vector<Interval> any;
  json::array warnings;
  std::map<std::string, std::string> unreachable;  // staff id -> name
  const int64_t from = to_millis(now), to = from + 7LL * 24 * 3600 * 1000;
  for (const auto& r : rows) {
    json::object e;
    e["staff_id"] = r.text(0);
    e["display_name"] = r.text(4);
    e["tier"] = r.text(1);
    e["starts"] = format_rfc3339_in(from_millis(r.i64(2)), tz);
    e["ends"] = format_rfc3339_in(from_millis(r.i64(3)), tz);
    entries.push_back(std::move(e));
    by_tier[r.text(1)].push_back({r.i64(2), r.i64(3)});
    any.push_back({r.i64(2), r.i64(3)});
    // Out of the browser a person is reached by e-mail (when mail is configured) or through the
    // program's delivery webhook; a phone on record alone reaches nobody.
    if (r.i64(3) > from && !webhook && !(email && !r.is_null(5))) unreachable[r.text(0)] = r.text(4);
  }
  json::array gaps;
  for (const char* tier : {"clinician", "psychiatrist", "director"}) {
    for (const auto& h : holes(by_tier[tier], from, to)) {
      json::object g;
      g["tier"] = tier;
      g["starts"] = format_rfc3339_in(from_millis(h.start), tz);
      g["ends"] = format_rfc3339_in(from_millis(h.end), tz);
      gaps.push_back(std::move(g));
    }
  }
  // Warnings carry a stable code for clients that translate, and an English message.
  auto warn = [&](const char* code, std::string message, std::optional<std::string> staff = std::nullopt) {
    json::object w{{"code", code}, {"message", std::move(message)}};
    if (staff) w["staff_id"] = *staff;
    warnings.push_back(std::move(w));
  };
  if (!holes(any, from, to).empty())
    warn("nobody_on_call",
         "Nobody is on call for part of the next 7 days: alerts then go to the clinical director and every licensed "
         "clinician of the program.");
  if (!holes(by_tier["clinician"], from, to).empty())
    warn("clinician_gaps", "The clinician tier has gaps in 24-hour coverage over the next 7 days.");
  // rules.md ⚑: a program whose on-call staff have no out-of-browser channel shows a standing warning.
  if (!email && !webhook) {
    warn("no_out_of_browser_channel",
         "No e-mail server is configured and the program has no delivery webhook: alerts reach on-call staff only "
         "in the browser.");
  } else {
    for (const auto& [id, name] : unreachable)
      warn("no_channel",
           "On-call staff member " + name + " has no e-mail address: alerts reach them only in the browser.", id);
  }
  json::object o;
  o["program_id"] = program_id;
  o["time_zone"] = tz;
  o["version"] = prog->i64(1);
  o["entries"] = std::move(entries);
  o["gaps"] = std::move(gaps);
  o["warnings"] = std::move(warnings);
  return o;
}

}  // namespace

void RegistryService::get_on_call(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::roster_read, id));
        ASSIGN_OR_RETURN(auto o, roster_json(tx, id, ctx.now, email_));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::put_on_call(const RequestContext& ctx, const std::string& id, const json::object& body,
                                  Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::roster_write, id));
        ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT roster_version FROM programs WHERE id = ?", {id}));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, prog->i64(0), id));
        const json::array* entries = f.array("entries", true);
        f.reject_unknown();
        std::vector<FieldError> errors = f.errors();
        struct Shift {
          std::string staff, tier;
          int64_t starts, ends;
        };
        std::vector<Shift> shifts;
        if (entries) {
          if (entries->size() > 2000)
            errors.push_back({"entries", "must have at most 2000 items", "max_items", {{"max", 2000}}});
          for (size_t i = 0; i < entries->size(); ++i) {
            std::string p = "entries[" + std::to_string(i) + "]";
            if (!(*entries)[i].is_object()) {
              errors.push_back({p, "must be an object", "type", {{"expected", "object"}}});
              continue;
            }
            Fields g((*entries)[i].as_object(), p);
            auto staff = g.string("staff_id", true, {1, 64});
            auto tier = g.one_of("tier", true, domain::kOnCallTiers);
            auto starts = g.timestamp("starts", true);
            auto ends = g.timestamp("ends", true);
            g.accept("display_name");
            g.reject_unknown();
            if (starts && ends && *parse_rfc3339(*starts) >= *parse_rfc3339(*ends))
              g.fail("ends", "must be after starts", "after_start");
            if (staff) {
              // Only licensed staff of this program may be on call (rules.md).
              std::vector<FieldError> staff_errors;
              StaffCheck check{true, {}, id};
              if (tier == "psychiatrist") check.roles = {"psychiatrist"};
              if (tier == "director") check.roles = {"clinical_director"};
              ASSIGN_OR_RETURN(bool good, check_staff(tx, who.org_id, *staff, check, g.path("staff_id"), staff_errors));
              (void)good;
              for (auto& e : staff_errors) g.errors().push_back(e);
            }
            for (auto& e : g.errors()) errors.push_back(e);
            if (g.ok())
              shifts.push_back({*staff, *tier, to_millis(*parse_rfc3339(*starts)), to_millis(*parse_rfc3339(*ends))});
          }
        }
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        RETURN_IF_ERROR(tx.exec("DELETE FROM on_call_shifts WHERE program_id = ?", {id}));
        for (const auto& s : shifts)
          RETURN_IF_ERROR(
              tx.exec("INSERT INTO on_call_shifts (org_id, id, program_id, staff_id, tier, starts_at, ends_at) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)",
                      {who.org_id, auth::new_id("onc"), id, s.staff, s.tier, s.starts, s.ends}));
        RETURN_IF_ERROR(tx.exec("UPDATE programs SET roster_version = roster_version + 1, updated_at = ? WHERE id = ?",
                                {to_millis(ctx.now), id}));
        audit.record("roster_update", "on_call_roster", id, std::nullopt, std::nullopt,
                     std::to_string(shifts.size()) + " shifts");
        ASSIGN_OR_RETURN(auto o, roster_json(tx, id, ctx.now, email_));
        return ok(std::move(o));
      },
      std::move(done));
}

namespace {

struct TrackInput {
  std::optional<std::string> name, weekdays, start, end;  // weekdays: "mon,wed" in calendar order
};

TrackInput read_track(Fields& f, bool create) {
  TrackInput t;
  t.name = f.string("name", create, {1, 200});
  auto weekdays = f.string_list("weekdays", create, 7);
  t.start = f.string("start", create, {5, 5});
  t.end = f.string("end", create, {5, 5});
  if (weekdays) {
    std::set<std::string> seen;
    for (size_t i = 0; i < weekdays->size(); ++i) {
      const auto& d = (*weekdays)[i];
      if (std::find(domain::kWeekdays.begin(), domain::kWeekdays.end(), d) == domain::kWeekdays.end())
        f.errors().push_back(
            {"weekdays[" + std::to_string(i) + "]", "must be one of mon, tue, wed, thu, fri, sat, sun", "one_of"});
      else if (!seen.insert(d).second)
        f.errors().push_back({"weekdays[" + std::to_string(i) + "]", "is listed twice", "duplicate"});
    }
    if (weekdays->empty()) f.fail("weekdays", "must name at least one day", "min_items", {{"min", 1}});
    // Stored in calendar order so equal tracks compare equal.
    std::string days;
    for (auto d : domain::kWeekdays)
      if (std::find(weekdays->begin(), weekdays->end(), d) != weekdays->end())
        days += (days.empty() ? "" : ",") + std::string(d);
    t.weekdays = days;
  }
  if (t.start && !valid_hhmm(*t.start)) f.fail("start", "must be a time HH:MM", "time");
  if (t.end && !valid_hhmm(*t.end)) f.fail("end", "must be a time HH:MM", "time");
  return t;
}

// "mon,wed,thu" as stored -> ["mon", "wed", "thu"].
json::array weekdays_json(const std::string& days) {
  json::array wd;
  for (size_t p = 0; p < days.size(); p += 4) wd.emplace_back(days.substr(p, 3));
  return wd;
}

json::object track_json(const store::Row& r) {
  // id, program_id, name, weekdays, start_time, end_time, version
  json::object o;
  o["id"] = r.text(0);
  o["program_id"] = r.text(1);
  o["name"] = r.text(2);
  o["weekdays"] = weekdays_json(r.text(3));
  o["start"] = r.text(4);
  o["end"] = r.text(5);
  o["version"] = r.i64(6);
  o["until_then"] = nullptr;
  return o;
}

constexpr const char* kTrackCols = "id, program_id, name, weekdays, start_time, end_time, version";

// A change dated ahead has not taken effect yet: the days and times in force until then (kept
// for the track's groups when it was made), so a screen can say both.
Status add_until_then(store::Tx& tx, json::object& track, const std::string& time_zone, TimePoint now) {
  const std::string id(track["id"].as_string());
  ASSIGN_OR_RETURN(auto h, tx.query_one("SELECT h.through_date, h.weekdays, h.start_time, h.end_time FROM "
                                        "group_schedule_history h JOIN groups g ON g.id = h.group_id WHERE "
                                        "g.track_id = ? AND h.track_id = ? AND h.through_date >= ? "
                                        "ORDER BY h.through_date DESC LIMIT 1",
                                        {id, id, format_date(local_date(now, time_zone))}));
  if (!h) {
    track["until_then"] = nullptr;
    return Status::Ok();
  }
  track["until_then"] = json::object{
      {"through", h->text(0)}, {"weekdays", weekdays_json(h->text(1))}, {"start", h->text(2)}, {"end", h->text(3)}};
  return Status::Ok();
}

}  // namespace

void RegistryService::create_track(const RequestContext& ctx, const std::string& program_id, const json::object& body,
                                   Done done) {
  Fields f(body);
  TrackInput t = read_track(f, true);
  f.reject_unknown();
  if (t.start && t.end && valid_hhmm(*t.start) && valid_hhmm(*t.end) && *t.end <= *t.start)
    f.fail("end", "must be after start", "after_start");
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::tracks_manage, program_id));
        const std::string id = auth::new_id("trk");
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO tracks (org_id, id, program_id, name, weekdays, start_time, end_time, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {ctx.principal().org_id, id, program_id, *t.name, *t.weekdays, *t.start, *t.end, to_millis(ctx.now)}));
        audit.record("track_create", "track", id, std::nullopt);
        ASSIGN_OR_RETURN(auto row,
                         tx.query_one(std::string("SELECT ") + kTrackCols + " FROM tracks WHERE id = ?", {id}));
        return ok(track_json(*row), 201);
      },
      std::move(done));
}

// A new weekly pattern takes effect on `effective_from` (default: the first day it may) for every
// group of the track; their sessions before it keep the old days and times.
void RegistryService::patch_track(const RequestContext& ctx, const std::string& id, const json::object& body,
                                  Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const std::string org = ctx.principal().org_id;
        ASSIGN_OR_RETURN(
            auto row,
            tx.query_one(std::string("SELECT ") + kTrackCols + " FROM tracks WHERE id = ? AND org_id = ?", {id, org}));
        if (!row) return Status::NotFound();
        const std::string program_id = row->text(1);
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::tracks_manage, program_id));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(6), id));
        TrackInput t = read_track(f, false);
        auto effective_from = f.date("effective_from", false);
        f.reject_unknown();
        const std::string start = t.start.value_or(row->text(4)), end = t.end.value_or(row->text(5));
        if (valid_hhmm(start) && valid_hhmm(end) && end <= start)
          f.fail(t.end ? "end" : "start", t.end ? "must be after start" : "must be before end",
                 t.end ? "after_start" : "before_end");
        const bool pattern_changes =
            (t.weekdays && *t.weekdays != row->text(3)) || start != row->text(4) || end != row->text(5);
        std::optional<int> effective;
        ASSIGN_OR_RETURN(auto groups, tx.query("SELECT g.id, p.time_zone FROM groups g JOIN programs p ON p.id = "
                                               "g.program_id WHERE g.track_id = ? ORDER BY g.id",
                                               {id}));
        if (pattern_changes && f.ok()) {
          // The latest floor over the track's groups: one date for all of them.
          ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT time_zone FROM programs WHERE id = ?", {program_id}));
          registry::ScheduleFloor floor{local_date(ctx.now, prog->text(0)), "past"};
          for (const auto& g : groups) {
            ASSIGN_OR_RETURN(auto gf, registry::schedule_change_floor(tx, g.text(0), g.text(1), ctx.now));
            if (gf.date > floor.date) floor = gf;
          }
          effective = effective_from ? *parse_date(*effective_from) : floor.date;
          if (*effective < floor.date) f.errors().push_back(registry::schedule_floor_error(floor));
        } else if (effective_from && f.ok()) {
          f.fail("effective_from", "applies only to a change of days or times", "no_schedule_change");
        }
        if (!f.ok()) return f.status();
        if (effective)
          for (const auto& g : groups)
            RETURN_IF_ERROR(registry::keep_schedule_before(tx, org, g.text(0), *effective, ctx.now));
        RETURN_IF_ERROR(
            tx.exec("UPDATE tracks SET name = COALESCE(?, name), weekdays = ?, start_time = ?, end_time = ?, "
                    "version = version + 1, updated_at = ? WHERE id = ?",
                    {t.name, t.weekdays.value_or(row->text(3)), start, end, to_millis(ctx.now), id}));
        audit.record("track_update", "track", id, std::nullopt);
        ASSIGN_OR_RETURN(auto updated,
                         tx.query_one(std::string("SELECT ") + kTrackCols + " FROM tracks WHERE id = ?", {id}));
        json::object o = track_json(*updated);
        if (effective) o["effective_from"] = format_date(*effective);
        ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT time_zone FROM programs WHERE id = ?", {program_id}));
        RETURN_IF_ERROR(add_until_then(tx, o, prog->text(0), ctx.now));
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::list_tracks(const RequestContext& ctx, const std::string& program_id, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_read, "track"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT time_zone FROM programs WHERE id = ? AND org_id = ?",
                                             {program_id, ctx.principal().org_id}));
    if (!prog) return Status::NotFound();
    ASSIGN_OR_RETURN(
        auto rows, tx.query(std::string("SELECT ") + kTrackCols + " FROM tracks WHERE program_id = ? ORDER BY name, id",
                            {program_id}));
    json::array items;
    for (const auto& r : rows) {
      json::object o = track_json(r);
      RETURN_IF_ERROR(add_until_then(tx, o, prog->text(0), ctx.now));
      items.push_back(std::move(o));
    }
    json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = nullptr;
    return ok(std::move(o));
  }));
}

}  // namespace pomost::service
