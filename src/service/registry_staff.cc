// Staff accounts, rooms and groups.
#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/password_policy.h"
#include "domain/registry.h"
#include "service/registry_common.h"
#include "service/registry_service.h"

namespace pomost::service {

using domain::Action;
using namespace registry;

namespace {

bool valid_username(std::string_view u) {
  if (u.size() < 3 || u.size() > 64) return false;
  for (char c : u)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '@'))
      return false;
  return true;
}

Result<std::optional<store::Row>> find_staff(store::Tx& tx, const std::string& org, const std::string& id) {
  return tx.query_one(
      std::string("SELECT ") + kStaffCols + " FROM users WHERE id = ? AND org_id = ? AND role <> 'patient'", {id, org});
}

Status check_programs(store::Tx& tx, const std::string& org, const std::vector<std::string>& ids,
                      std::vector<FieldError>& errors) {
  for (size_t i = 0; i < ids.size(); ++i) {
    ASSIGN_OR_RETURN(auto p, tx.query_one("SELECT 1 FROM programs WHERE id = ? AND org_id = ?", {ids[i], org}));
    if (!p)
      errors.push_back(
          {"program_ids[" + std::to_string(i) + "]", "is not a program of this organization", "unknown_program"});
  }
  return {};
}

}  // namespace

void RegistryService::create_staff(const RequestContext& ctx, const json::object& body, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_manage, "staff"), done);
  Fields f(body);
  auto username = f.string("username", true, {3, 64});
  auto password = f.string("password", true, {1, 1024});
  auto display_name = f.string("display_name", true, {1, 200});
  auto role = f.one_of("role", true, domain::kStaffRoles);
  auto licensed = f.boolean("licensed", false);
  auto language = f.one_of("language", false, domain::kLanguages);
  auto program_ids = f.string_list("program_ids", false, 100);
  auto email = f.email("email", false);
  auto phone = f.phone("phone", false);
  f.reject_unknown();
  std::string uname = username ? ascii_lower(trim(*username)) : "";
  if (username && !valid_username(uname)) f.fail("username", "may use 3 to 64 letters a-z, digits and . _ - @");
  if (password)
    if (auto why = domain::check_password(*password, uname)) f.errors().push_back(password_error("password", *why));
  if (!f.ok()) return done(f.status());
  RequestContext c = ctx;
  bool posted = hash_pool_.post(
      [this, c, uname, pw = *password, display_name, role, licensed, language, program_ids, email, phone, done]() {
        std::string hash = auth_.hash_password(pw);
        runner_.write(
            c,
            [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
              const Principal& who = c.principal();
              std::vector<FieldError> errors;
              ASSIGN_OR_RETURN(auto taken, tx.query_one("SELECT 1 FROM users WHERE username = ?", {uname}));
              if (taken) errors.push_back({"username", "is already taken", "taken", {}});
              std::vector<std::string> programs = program_ids.value_or(std::vector<std::string>{});
              RETURN_IF_ERROR(check_programs(tx, who.org_id, programs, errors));
              if (!errors.empty()) return Status::Invalid(std::move(errors));
              const std::string id = auth::new_id("usr");
              const int64_t now = to_millis(c.now);
              RETURN_IF_ERROR(
                  tx.exec("INSERT INTO users (org_id, id, username, password_hash, role, display_name, language, "
                          "licensed, email, phone, created_at, updated_at, password_changed_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          {who.org_id, id, uname, hash, *role, *display_name, language.value_or("en"),
                           licensed.value_or(false), email, phone, now, now, now}));
              std::set<std::string> unique(programs.begin(), programs.end());
              for (const auto& p : unique)
                RETURN_IF_ERROR(tx.exec("INSERT INTO staff_programs (org_id, user_id, program_id) VALUES (?, ?, ?)",
                                        {who.org_id, id, p}));
              audit.record("staff_create", "staff", id, std::nullopt, "admin.org", "role=" + *role);
              ASSIGN_OR_RETURN(auto row, find_staff(tx, who.org_id, id));
              ASSIGN_OR_RETURN(auto o, staff_json(tx, *row));
              return ok(std::move(o), 201);
            },
            done);
      });
  if (!posted) done(Status(Code::unavailable, "The server is busy; try again in a moment."));
}

void RegistryService::list_staff(const RequestContext& ctx, const Query& q, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_read, "staff"), done);
  auto page = parse_page(q);
  if (!page.ok()) return done(page.status());
  auto program = q.get("program_id");
  auto role = q.get("role");
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(
        auto rows, tx.query(std::string("SELECT ") + kStaffCols +
                                " FROM users u WHERE org_id = ? AND role <> 'patient' "
                                "AND id > ? AND (? IS NULL OR role = ?) AND (? IS NULL OR EXISTS (SELECT 1 FROM "
                                "staff_programs sp WHERE sp.user_id = u.id AND sp.program_id = ?)) ORDER BY id LIMIT ?",
                            {ctx.principal().org_id, page->after, role, role, program, program, page->limit}));
    json::array items;
    std::string last;
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(auto o, staff_json(tx, r));
      items.push_back(std::move(o));
      last = r.text(0);
    }
    return ok(page_json(std::move(items), *page, last));
  }));
}

void RegistryService::get_staff(const RequestContext& ctx, const std::string& id, Done done) {
  bool self = ctx.principal().user_id == id;
  if (!self) RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_read, "staff"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(auto row, find_staff(tx, ctx.principal().org_id, id));
    if (!row) return Status::NotFound();
    ASSIGN_OR_RETURN(auto o, staff_json(tx, *row));
    return ok(std::move(o));
  }));
}

void RegistryService::patch_staff(const RequestContext& ctx, const std::string& id, const json::object& body,
                                  Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_manage, "staff"), done);
  std::optional<std::string> new_hash;
  if (auto it = body.find("password"); it != body.end() && it->value().is_string()) {
    std::string pw(it->value().as_string());
    if (auto why = domain::check_password(pw, "")) return done(Status::Invalid({password_error("password", *why)}));
  }
  RequestContext c = ctx;
  auto run = [this, c, id, body, done](std::optional<std::string> hash) {
    runner_.write(
        c,
        [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
          const Principal& who = c.principal();
          ASSIGN_OR_RETURN(auto row, find_staff(tx, who.org_id, id));
          if (!row) return Status::NotFound();
          Fields f(body);
          RETURN_IF_ERROR(check_version(f, row->i64(9), id));
          auto display_name = f.string("display_name", false, {1, 200});
          auto role = f.one_of("role", false, domain::kStaffRoles);
          auto licensed = f.boolean("licensed", false);
          auto language = f.one_of("language", false, domain::kLanguages);
          auto program_ids = f.string_list("program_ids", false, 100);
          auto email = f.email("email", false);
          auto phone = f.phone("phone", false);
          auto active = f.boolean("active", false);
          f.accept("password");
          f.reject_unknown();
          if (id == who.user_id && ((active && !*active) || (role && *role != "admin")))
            f.fail(active ? "active" : "role", "you cannot remove your own administrator access");
          std::vector<FieldError> errors = f.errors();
          if (program_ids) RETURN_IF_ERROR(check_programs(tx, who.org_id, *program_ids, errors));
          if (!errors.empty()) return Status::Invalid(std::move(errors));
          const int64_t now = to_millis(c.now);
          // Explicit nulls clear optional contact fields.
          bool clear_email = f.is_null("email"), clear_phone = f.is_null("phone");
          RETURN_IF_ERROR(
              tx.exec("UPDATE users SET display_name = COALESCE(?, display_name), role = COALESCE(?, role), "
                      "licensed = COALESCE(?, licensed), language = COALESCE(?, language), "
                      "email = CASE WHEN ? THEN NULL ELSE COALESCE(?, email) END, "
                      "phone = CASE WHEN ? THEN NULL ELSE COALESCE(?, phone) END, "
                      "active = COALESCE(?, active), password_hash = COALESCE(?, password_hash), "
                      "password_changed_at = CASE WHEN ? IS NULL THEN password_changed_at ELSE ? END, "
                      "version = version + 1, updated_at = ? WHERE id = ?",
                      {display_name, role, licensed, language, clear_email, email, clear_phone, phone, active, hash,
                       hash, now, now, id}));
          if (program_ids) {
            RETURN_IF_ERROR(tx.exec("DELETE FROM staff_programs WHERE user_id = ?", {id}));
            std::set<std::string> unique(program_ids->begin(), program_ids->end());
            for (const auto& p : unique)
              RETURN_IF_ERROR(tx.exec("INSERT INTO staff_programs (org_id, user_id, program_id) VALUES (?, ?, ?)",
                                      {who.org_id, id, p}));
          }
          // A deactivated account, a new role or a reset password ends the member's sessions.
          if ((active && !*active) || role || hash)
            RETURN_IF_ERROR(
                tx.exec("UPDATE sessions SET ended_at = ?, end_reason = 'account_changed' WHERE user_id = ? AND "
                        "ended_at IS NULL",
                        {now, id}));
          std::string what;
          for (const auto& kv : body)
            if (kv.key() != "version") what += (what.empty() ? "" : ",") + std::string(kv.key());
          audit.record("staff_update", "staff", id, std::nullopt, "admin.org", what);
          ASSIGN_OR_RETURN(auto updated, find_staff(tx, who.org_id, id));
          ASSIGN_OR_RETURN(auto o, staff_json(tx, *updated));
          return ok(std::move(o));
        },
        done);
  };
  if (auto it = body.find("password"); it != body.end() && it->value().is_string()) {
    std::string pw(it->value().as_string());
    bool posted = hash_pool_.post([this, run, pw]() { run(auth_.hash_password(pw)); });
    if (!posted) done(Status(Code::unavailable, "The server is busy; try again in a moment."));
    return;
  }
  if (auto it = body.find("password"); it != body.end() && !it->value().is_null())
    return done(Status::Invalid({{"password", "must be a string"}}));
  run(std::nullopt);
}

static json::object room_json(const store::Row& r) {
  return json::object{
      {"id", r.text(0)}, {"site_id", r.text(1)}, {"name", r.text(2)}, {"capacity", r.i64(3)}, {"version", r.i64(4)}};
}

void RegistryService::create_room(const RequestContext& ctx, const json::object& body, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::rooms_manage, "room"), done);
  Fields f(body);
  auto name = f.string("name", true, {1, 100});
  auto site_id = f.string("site_id", false, {1, 64});
  auto capacity = f.integer("capacity", true, 1, 500);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(const std::string site, resolve_site(tx, who.org_id, site_id));
        const std::string id = auth::new_id("rom");
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO rooms (org_id, id, site_id, name, capacity, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    {who.org_id, id, site, *name, *capacity, to_millis(ctx.now)}));
        audit.record("room_create", "room", id, std::nullopt);
        json::object o;
        o["id"] = id;
        o["site_id"] = site;
        o["name"] = *name;
        o["capacity"] = *capacity;
        o["version"] = 1;
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void RegistryService::list_rooms(const RequestContext& ctx, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_read, "room"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(
        auto rows, tx.query("SELECT id, site_id, name, capacity, version FROM rooms WHERE org_id = ? ORDER BY name, id",
                            {ctx.principal().org_id}));
    json::array items;
    for (const auto& r : rows) items.push_back(room_json(r));
    json::object o;
    o["items"] = std::move(items);
    o["next_cursor"] = nullptr;
    return ok(std::move(o));
  }));
}

void RegistryService::patch_room(const RequestContext& ctx, const std::string& id, const json::object& body,
                                 Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::rooms_manage, "room"), done);
  runner_.write(
      ctx,
      [=](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT version FROM rooms WHERE id = ? AND org_id = ?",
                                                {id, ctx.principal().org_id}));
        if (!row) return Status::NotFound();
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(0), id));
        auto name = f.string("name", false, {1, 100});
        auto capacity = f.integer("capacity", false, 1, 500);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        RETURN_IF_ERROR(
            tx.exec("UPDATE rooms SET name = COALESCE(?, name), capacity = COALESCE(?, capacity), "
                    "version = version + 1, updated_at = ? WHERE id = ?",
                    {name, capacity, to_millis(ctx.now), id}));
        audit.record("room_update", "room", id, std::nullopt);
        ASSIGN_OR_RETURN(auto updated,
                         tx.query_one("SELECT id, site_id, name, capacity, version FROM rooms WHERE id = ?", {id}));
        return ok(room_json(*updated));
      },
      std::move(done));
}

void RegistryService::list_sites(const RequestContext& ctx, Done done) {
  RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::program_read, "site"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    ASSIGN_OR_RETURN(auto rows, tx.query("SELECT id, name, time_zone FROM sites WHERE org_id = ? ORDER BY name, id",
                                         {ctx.principal().org_id}));
    json::array items;
    for (const auto& r : rows)
      items.push_back(json::object{{"id", r.text(0)}, {"name", r.text(1)}, {"time_zone", r.text(2)}});
    return ok(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
  }));
}

namespace {

struct GroupInput {
  std::optional<std::string> track_id, name, kind, leader_id, co_leader_id, room_id;
  std::optional<int64_t> capacity;
  std::optional<std::vector<std::string>> member_ids;
  std::optional<std::string> effective_from;  // of a move to another track
  std::optional<std::string> ends_on;
  bool clear_co_leader = false, clear_room = false, clear_ends_on = false;
};

GroupInput read_group(Fields& f, bool create) {
  GroupInput g;
  g.track_id = f.string("track_id", create, {1, 64});
  g.name = f.string("name", create, {1, 200});
  g.kind = f.one_of("kind", create, domain::kGroupKinds);
  g.leader_id = f.string("leader_id", create, {1, 64});
  g.co_leader_id = f.string("co_leader_id", false, {1, 64});
  g.room_id = f.string("room_id", false, {1, 64});
  g.capacity = f.integer("capacity", false, 1, 50);
  g.member_ids = f.string_list("member_ids", false, 50);
  g.clear_co_leader = f.is_null("co_leader_id");
  g.clear_room = f.is_null("room_id");
  g.ends_on = f.date("ends_on", false);
  g.clear_ends_on = f.is_null("ends_on");
  if (!create) g.effective_from = f.date("effective_from", false);
  return g;
}

}  // namespace

// Members are patients: changing them touches patient data, so each member is checked against
// the policy (attendance_write: the people who run the group) and audited.
// `current` are the group's members now: one kept in the list needs no new checks. `hidden` are
// the current members the caller may not see: never shown to them, they stay whatever the list
// says, and count against the capacity.
static Status check_members(const Access& access, store::Tx& tx, const RequestContext& ctx, Audit& audit,
                            const std::vector<std::string>& members, const std::set<std::string>& current,
                            const std::set<std::string>& hidden, const std::string& program_id, int64_t capacity,
                            const std::string& group_id, std::vector<FieldError>& errors) {
  std::set<std::string> seen;
  for (size_t i = 0; i < members.size(); ++i) {
    std::string p = "member_ids[" + std::to_string(i) + "]";
    if (!seen.insert(members[i]).second) {
      errors.push_back({p, "is listed twice", "duplicate"});
      continue;
    }
    if (current.count(members[i])) continue;
    ASSIGN_OR_RETURN(bool may, access.allowed_patient(tx, ctx, Action::patient_read, members[i]));
    if (!may) {
      audit.denied("group_member_add", "group", group_id, members[i], "deny.no_relationship");
      errors.push_back({p, "is not a patient you can see", "not_visible"});
      continue;
    }
    ASSIGN_OR_RETURN(
        auto ep, tx.query_one("SELECT 1 FROM episodes WHERE patient_id = ? AND program_id = ? AND status = 'active'",
                              {members[i], program_id}));
    if (!ep) errors.push_back({p, "has no active episode in this group's program", "no_active_episode"});
  }
  seen.insert(hidden.begin(), hidden.end());
  const auto count = static_cast<int64_t>(seen.size());
  if (count > capacity)
    errors.push_back({"member_ids",
                      "has " + std::to_string(count) + " members; the capacity is " + std::to_string(capacity),
                      "over_capacity",
                      {{"count", count}, {"capacity", capacity}}});
  return {};
}

// The members the caller may see (each read on record); the others are only counted.
static Result<json::array> visible_members(const Access& access, store::Tx& tx, const RequestContext& ctx, Audit& audit,
                                           const std::string& group_id) {
  ASSIGN_OR_RETURN(auto members,
                   tx.query("SELECT patient_id FROM group_members WHERE group_id = ? ORDER BY patient_id", {group_id}));
  json::array ids;
  for (const auto& m : members) {
    ASSIGN_OR_RETURN(bool may, access.allowed_patient(tx, ctx, Action::patient_read, m.text(0)));
    if (!may) continue;
    audit.record("group_member_read", "group", group_id, m.text(0));
    ids.emplace_back(m.text(0));
  }
  return ids;
}

void RegistryService::create_group(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  GroupInput g = read_group(f, true);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto track, tx.query_one("SELECT program_id FROM tracks WHERE id = ? AND org_id = ?",
                                                  {*g.track_id, who.org_id}));
        if (!track) return Status::Invalid({{"track_id", "is not a track of this organization", "unknown_track"}});
        const std::string program_id = track->text(0);
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::groups_manage, program_id));
        std::vector<FieldError> errors;
        ASSIGN_OR_RETURN(bool l, check_staff(tx, who.org_id, *g.leader_id, {}, "leader_id", errors));
        (void)l;
        if (g.co_leader_id) {
          ASSIGN_OR_RETURN(bool cl, check_staff(tx, who.org_id, *g.co_leader_id, {}, "co_leader_id", errors));
          (void)cl;
          if (*g.co_leader_id == *g.leader_id)
            errors.push_back({"co_leader_id", "must differ from leader_id", "same_as_leader"});
        }
        if (g.room_id) {
          ASSIGN_OR_RETURN(auto room,
                           tx.query_one("SELECT 1 FROM rooms WHERE id = ? AND org_id = ?", {*g.room_id, who.org_id}));
          if (!room) errors.push_back({"room_id", "is not a room of this organization", "unknown_room"});
        }
        const int64_t capacity = g.capacity.value_or(domain::kDefaultGroupCapacity);
        const std::string id = auth::new_id("grp");
        std::vector<std::string> members = g.member_ids.value_or(std::vector<std::string>{});
        RETURN_IF_ERROR(check_members(access_, tx, ctx, audit, members, {}, {}, program_id, capacity, id, errors));
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO groups (org_id, id, program_id, track_id, name, kind, leader_id, co_leader_id, "
            "room_id, capacity, created_at, updated_at, ends_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {who.org_id, id, program_id, *g.track_id, *g.name, *g.kind, *g.leader_id, g.co_leader_id, g.room_id,
             capacity, now, now, g.ends_on}));
        for (const auto& m : members) {
          RETURN_IF_ERROR(tx.exec("INSERT INTO group_members (org_id, group_id, patient_id) VALUES (?, ?, ?)",
                                  {who.org_id, id, m}));
          audit.record("group_member_add", "group", id, m);
        }
        audit.record("group_create", "group", id, std::nullopt);
        ASSIGN_OR_RETURN(auto row,
                         tx.query_one(std::string("SELECT ") + kGroupCols + " FROM groups WHERE id = ?", {id}));
        json::object o = group_json(*row);
        json::array ids;
        for (const auto& m : members) ids.emplace_back(m);
        o["member_ids"] = std::move(ids);
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void RegistryService::list_groups(const RequestContext& ctx, const Query& q, Done done) {
  auto program = q.get("program_id");
  if (!program) return done(Status(Code::bad_request, "`program_id` is required."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::groups_read, *program));
        ASSIGN_OR_RETURN(auto rows, tx.query(std::string("SELECT ") + kGroupCols +
                                                 " FROM groups WHERE program_id = ? ORDER BY name, id",
                                             {*program}));
        json::array items;
        for (const auto& r : rows) {
          json::object o = group_json(r);
          ASSIGN_OR_RETURN(auto n, tx.query_one("SELECT count(*) FROM group_members WHERE group_id = ?", {r.text(0)}));
          ASSIGN_OR_RETURN(auto ids, visible_members(access_, tx, ctx, audit, r.text(0)));
          o["member_ids"] = std::move(ids);
          o["member_count"] = n->i64(0);
          items.push_back(std::move(o));
        }
        json::object o;
        o["items"] = std::move(items);
        o["next_cursor"] = nullptr;
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::get_group(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto row,
                         tx.query_one(std::string("SELECT ") + kGroupCols + " FROM groups WHERE id = ? AND org_id = ?",
                                      {id, ctx.principal().org_id}));
        if (!row) return Status::NotFound();
        const bool leads = row->text(5) == ctx.principal().user_id || row->opt_text(6) == ctx.principal().user_id;
        if (!leads) RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::groups_read, row->text(1)));
        json::object o = group_json(*row);
        ASSIGN_OR_RETURN(auto ids, visible_members(access_, tx, ctx, audit, id));
        ASSIGN_OR_RETURN(auto n, tx.query_one("SELECT count(*) FROM group_members WHERE group_id = ?", {id}));
        o["member_ids"] = std::move(ids);
        o["member_count"] = n->i64(0);
        return ok(std::move(o));
      },
      std::move(done));
}

void RegistryService::patch_group(const RequestContext& ctx, const std::string& id, const json::object& body,
                                  Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto row,
                         tx.query_one(std::string("SELECT ") + kGroupCols + " FROM groups WHERE id = ? AND org_id = ?",
                                      {id, who.org_id}));
        if (!row) return Status::NotFound();
        const std::string program_id = row->text(1);
        RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::groups_manage, program_id));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, row->i64(9), id));
        GroupInput g = read_group(f, false);
        f.reject_unknown();
        std::vector<FieldError> errors = f.errors();
        if (g.track_id) {
          ASSIGN_OR_RETURN(
              auto t, tx.query_one("SELECT 1 FROM tracks WHERE id = ? AND program_id = ?", {*g.track_id, program_id}));
          if (!t) errors.push_back({"track_id", "is not a track of this group's program", "unknown_track"});
        }
        if (g.leader_id) {
          ASSIGN_OR_RETURN(bool l, check_staff(tx, who.org_id, *g.leader_id, {}, "leader_id", errors));
          (void)l;
        }
        if (g.co_leader_id) {
          ASSIGN_OR_RETURN(bool cl, check_staff(tx, who.org_id, *g.co_leader_id, {}, "co_leader_id", errors));
          (void)cl;
        }
        {
          const std::string leader = g.leader_id.value_or(row->text(5));
          const std::optional<std::string> co = g.clear_co_leader ? std::nullopt
                                                : g.co_leader_id  ? g.co_leader_id
                                                                  : row->opt_text(6);
          if (co && *co == leader)
            errors.push_back(
                {g.co_leader_id ? "co_leader_id" : "leader_id", "leader and co-leader must differ", "same_as_leader"});
        }
        if (g.ends_on) {
          // Sessions already on record stay listed: a group ends on or after its last attended day.
          ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT time_zone FROM programs WHERE id = ?", {program_id}));
          ASSIGN_OR_RETURN(auto last, last_attended_day(tx, id, prog->text(0)));
          if (last) {
            const std::string day = format_date(*last);
            if (*g.ends_on < day)
              errors.push_back({"ends_on",
                                "must not be before the last session with attendance (" + day + ")",
                                "before_attendance",
                                {{"date", day}}});
          }
        }
        if (g.room_id) {
          ASSIGN_OR_RETURN(auto room,
                           tx.query_one("SELECT 1 FROM rooms WHERE id = ? AND org_id = ?", {*g.room_id, who.org_id}));
          if (!room) errors.push_back({"room_id", "is not a room of this organization", "unknown_room"});
        }
        // Moving to another track changes the days and times from a date on; sessions before keep theirs.
        std::optional<int> effective;
        if (g.track_id && *g.track_id != row->text(2)) {
          ASSIGN_OR_RETURN(auto prog, tx.query_one("SELECT time_zone FROM programs WHERE id = ?", {program_id}));
          ASSIGN_OR_RETURN(auto floor, schedule_change_floor(tx, id, prog->text(0), ctx.now));
          effective = g.effective_from ? *parse_date(*g.effective_from) : floor.date;
          if (*effective < floor.date) errors.push_back(schedule_floor_error(floor));
        } else if (g.effective_from) {
          errors.push_back({"effective_from", "applies only to a move to another track", "no_schedule_change"});
        }
        const int64_t capacity = g.capacity.value_or(row->i64(8));
        std::set<std::string> current, hidden;
        if (g.member_ids) {
          ASSIGN_OR_RETURN(auto old, tx.query("SELECT patient_id FROM group_members WHERE group_id = ?", {id}));
          for (const auto& o : old) {
            current.insert(o.text(0));
            ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::patient_read, o.text(0)));
            if (!may) hidden.insert(o.text(0));
          }
          RETURN_IF_ERROR(
              check_members(access_, tx, ctx, audit, *g.member_ids, current, hidden, program_id, capacity, id, errors));
        } else {
          ASSIGN_OR_RETURN(auto n, tx.query_one("SELECT count(*) FROM group_members WHERE group_id = ?", {id}));
          if (n->i64(0) > capacity)
            errors.push_back(
                {"capacity", "is below the current number of members", "below_members", {{"members", n->i64(0)}}});
        }
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        if (effective) RETURN_IF_ERROR(keep_schedule_before(tx, who.org_id, id, *effective, ctx.now));
        RETURN_IF_ERROR(tx.exec(
            "UPDATE groups SET track_id = COALESCE(?, track_id), name = COALESCE(?, name), kind = COALESCE(?, kind), "
            "leader_id = COALESCE(?, leader_id), "
            "co_leader_id = CASE WHEN ? THEN NULL ELSE COALESCE(?, co_leader_id) END, "
            "room_id = CASE WHEN ? THEN NULL ELSE COALESCE(?, room_id) END, capacity = ?, "
            "ends_on = CASE WHEN ? THEN NULL ELSE COALESCE(?, ends_on) END, "
            "version = version + 1, updated_at = ? WHERE id = ?",
            {g.track_id, g.name, g.kind, g.leader_id, g.clear_co_leader, g.co_leader_id, g.clear_room, g.room_id,
             capacity, g.clear_ends_on, g.ends_on, to_millis(ctx.now), id}));
        if (g.member_ids) {
          std::set<std::string> next(g.member_ids->begin(), g.member_ids->end());
          next.insert(hidden.begin(), hidden.end());
          const std::set<std::string>& before = current;
          for (const auto& p : before)
            if (!next.count(p)) {
              RETURN_IF_ERROR(tx.exec("DELETE FROM group_members WHERE group_id = ? AND patient_id = ?", {id, p}));
              audit.record("group_member_remove", "group", id, p);
            }
          for (const auto& p : next)
            if (!before.count(p)) {
              RETURN_IF_ERROR(tx.exec("INSERT INTO group_members (org_id, group_id, patient_id) VALUES (?, ?, ?)",
                                      {who.org_id, id, p}));
              audit.record("group_member_add", "group", id, p);
            }
        }
        audit.record("group_update", "group", id, std::nullopt);
        ASSIGN_OR_RETURN(auto updated,
                         tx.query_one(std::string("SELECT ") + kGroupCols + " FROM groups WHERE id = ?", {id}));
        json::object o = group_json(*updated);
        if (effective) o["effective_from"] = format_date(*effective);
        ASSIGN_OR_RETURN(auto ids, visible_members(access_, tx, ctx, audit, id));
        ASSIGN_OR_RETURN(auto n, tx.query_one("SELECT count(*) FROM group_members WHERE group_id = ?", {id}));
        o["member_ids"] = std::move(ids);
        o["member_count"] = n->i64(0);
        return ok(std::move(o));
      },
      std::move(done));
}

}  // namespace pomost::service
