#include "service/documentation.h"

#include <sstream>

#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/text.h"
#include "core/time.h"
#include "domain/name_check.h"
#include "domain/schedule.h"
#include "service/operations.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

constexpr int64_t kHour = 3600 * 1000;

// The fields of each note template (rules.md: DAP and SOAP; psychiatric visit; check-in note).
const std::map<std::string, std::vector<std::string>>& templates() {
  static const std::map<std::string, std::vector<std::string>> k = {
      {"individual_dap", {"data", "assessment", "plan"}},
      {"individual_soap", {"subjective", "objective", "assessment", "plan"}},
      {"psychiatric", {"subjective", "mental_status", "assessment", "plan"}},
      {"checkin", {"text"}},
      {"group", {"topic", "body"}},
  };
  return k;
}

Action write_action(const std::string& kind) {
  if (kind == "group") return Action::group_note_write;
  if (kind == "checkin") return Action::checkin_note_write;
  if (kind == "psychiatric") return Action::medication_write;  // the psychiatrist's (and director's) note
  return Action::chart_write;
}

struct NoteRow {
  std::string id, kind, program_id, author_id, status, content;
  std::optional<std::string> patient_id, session_id, group_id, content_hash, signed_by, cosigned_by;
  int64_t occurred_at = 0, created_at = 0, version = 1;
  std::optional<int64_t> signed_at, cosign_due_at, cosigned_at;
  bool late = false, cosign_required = false;
};

constexpr const char* kNoteCols =
    "id, kind, program_id, author_id, status, content, patient_id, session_id, group_id, content_hash, signed_by, "
    "cosigned_by, "
    "occurred_at, created_at, version, signed_at, cosign_due_at, cosigned_at, late, cosign_required";

Result<std::optional<NoteRow>> load_note(store::Tx& tx, const std::string& org, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto r, tx.query_one(std::string("SELECT ") + kNoteCols + " FROM notes WHERE id = ? AND org_id = ?", {id, org}));
  if (!r) return std::optional<NoteRow>();
  NoteRow n;
  n.id = r->text(0);
  n.kind = r->text(1);
  n.program_id = r->text(2);
  n.author_id = r->text(3);
  n.status = r->text(4);
  n.content = r->text(5);
  n.patient_id = r->opt_text(6);
  n.session_id = r->opt_text(7);
  n.group_id = r->opt_text(8);
  n.content_hash = r->opt_text(9);
  n.signed_by = r->opt_text(10);
  n.cosigned_by = r->opt_text(11);
  n.occurred_at = r->i64(12);
  n.created_at = r->i64(13);
  n.version = r->i64(14);
  n.signed_at = r->opt_i64(15);
  n.cosign_due_at = r->opt_i64(16);
  n.cosigned_at = r->opt_i64(17);
  n.late = r->boolean(18);
  n.cosign_required = r->boolean(19);
  return std::optional<NoteRow>(std::move(n));
}

json::object parse_obj(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  return !ec && v.is_object() ? v.as_object() : json::object();
}

// `only_patient`: the chart view of one member (the shared part and that member's entry only).
Result<json::object> note_json(store::Tx& tx, const NoteRow& n,
                               const std::function<Result<bool>(const std::string&)>& may_see,
                               const std::optional<std::string>& only_patient) {
  json::object o;
  o["id"] = n.id;
  o["kind"] = n.kind;
  o["program_id"] = n.program_id;
  o["patient_id"] = opt(n.patient_id);
  o["session_id"] = opt(n.session_id);
  o["group_id"] = opt(n.group_id);
  o["author_id"] = n.author_id;
  o["status"] = n.status;
  o["occurred_at"] = registry::ts(n.occurred_at);
  o["created_at"] = registry::ts(n.created_at);
  o["late"] = n.late;
  o["content"] = parse_obj(n.content);
  o["content_hash"] = opt(n.content_hash);
  o["signed_by"] = opt(n.signed_by);
  o["signed_at"] = n.signed_at ? json::value(registry::ts(*n.signed_at)) : json::value(nullptr);
  o["cosign_required"] = n.cosign_required;
  o["cosign_due_at"] = n.cosign_due_at ? json::value(registry::ts(*n.cosign_due_at)) : json::value(nullptr);
  o["cosigned_by"] = opt(n.cosigned_by);
  o["cosigned_at"] = n.cosigned_at ? json::value(registry::ts(*n.cosigned_at)) : json::value(nullptr);
  o["version"] = n.version;
  if (n.kind == "group") {
    ASSIGN_OR_RETURN(
        auto entries,
        tx.query("SELECT patient_id, text FROM note_entries WHERE note_id = ? ORDER BY patient_id", {n.id}));
    if (only_patient) {
      o["entry"] = nullptr;
      for (const auto& e : entries)
        if (e.text(0) == *only_patient) o["entry"] = json::object{{"patient_id", e.text(0)}, {"text", e.text(1)}};
    } else {
      json::array list;
      for (const auto& e : entries) {
        ASSIGN_OR_RETURN(bool may, may_see(e.text(0)));
        if (may) list.push_back(json::object{{"patient_id", e.text(0)}, {"text", e.text(1)}});
      }
      o["entries"] = std::move(list);
      o["entry_count"] = static_cast<int64_t>(entries.size());
    }
  }
  ASSIGN_OR_RETURN(
      auto addenda,
      tx.query("SELECT id, author_id, text, created_at FROM note_addenda WHERE note_id = ? ORDER BY created_at, id",
               {n.id}));
  json::array add;
  for (const auto& a : addenda)
    add.push_back(json::object{
        {"id", a.text(0)}, {"author_id", a.text(1)}, {"text", a.text(2)}, {"created_at", registry::ts(a.i64(3))}});
  o["addenda"] = std::move(add);
  return o;
}

struct Member {
  std::string id;
  domain::PersonName name;
};

Result<std::vector<Member>> group_members(store::Tx& tx, const std::string& group_id,
                                          const domain::NicknameTable& nicknames) {
  ASSIGN_OR_RETURN(
      auto rows,
      tx.query("SELECT p.id, p.given_name, p.family_name FROM group_members m JOIN patients p ON p.id = m.patient_id "
               "WHERE m.group_id = ? ORDER BY p.id",
               {group_id}));
  std::vector<Member> out;
  for (const auto& r : rows) {
    Member m{r.text(0), {r.text(1), r.text(2), {}}};
    // Each part of a double given name ("Anna Maria") brings its own short forms.
    std::string given = r.text(1);
    for (char& c : given)
      if (c == '-') c = ' ';
    std::istringstream parts(given);
    for (std::string part; parts >> part;)
      for (const auto& n : nicknames.of(part)) m.name.nicknames.push_back(n);
    out.push_back(std::move(m));
  }
  return out;
}

// rules.md name check: the shared part against every member, each entry against the others.
void name_check(const json::object& content, const std::vector<std::pair<std::string, std::string>>& entries,
                const std::vector<Member>& members, const std::set<std::string>& confirmed,
                std::vector<FieldError>& errors, std::vector<std::string>& used_confirmations) {
  std::vector<domain::PersonName> all;
  for (const auto& m : members) all.push_back(m.name);
  auto report = [&](const std::string& field, const std::string& text, const std::vector<domain::PersonName>& names) {
    for (const auto& w : domain::name_matches(text, names, confirmed))
      errors.push_back(
          {field,
           "looks like the name of a group member: \"" + w + "\"; rephrase it, or confirm it is not a name",
           "member_name",
           {{"word", w}}});
    for (const auto& w : domain::name_matches(text, names, {}))
      if (confirmed.count(fold_name(w))) used_confirmations.push_back(w);
  };
  for (const char* k : {"topic", "body"})
    if (auto* v = content.if_contains(k); v && v->is_string()) report(k, std::string(v->as_string()), all);
  for (size_t i = 0; i < entries.size(); ++i) {
    std::vector<domain::PersonName> others;
    for (const auto& m : members)
      if (m.id != entries[i].first) others.push_back(m.name);
    report("entries[" + std::to_string(i) + "].text", entries[i].second, others);
  }
}

std::string content_hash(const NoteRow& n, const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string canon = n.kind + "\n" + n.content + "\n";
  for (const auto& [p, t] : entries) canon += p + "\t" + t + "\n";
  return hex_encode(auth::blake2b(canon));
}

}  // namespace

void Documentation::create_note(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto kind = f.one_of("kind", true, {"group", "individual_dap", "individual_soap", "psychiatric", "checkin"});
  if (!kind) {
    f.reject_unknown();
    return done(f.status());
  }
  json::object content;
  for (const auto& field : templates().at(*kind)) {
    auto v = f.string(field, true, {1, field == "topic" ? size_t(300) : size_t(20000)});
    if (v) content[field] = *v;
  }
  auto patient = *kind == "group" ? std::nullopt : f.string("patient_id", true, {1, 64});
  auto session = f.string("session_id", *kind == "group", {1, 128});
  auto occurred = f.timestamp("occurred_at", false);
  std::vector<std::pair<std::string, std::string>> entries;
  if (*kind == "group") {
    if (const json::array* arr = f.array("entries", true)) {
      if (arr->size() > 20) f.fail("entries", "must have at most 20 entries", "max_items", {{"max", 20}});
      std::set<std::string> seen;
      for (size_t i = 0; i < arr->size(); ++i) {
        std::string p = "entries[" + std::to_string(i) + "]";
        if (!(*arr)[i].is_object()) {
          f.errors().push_back({p, "must be an object", "type", {{"expected", "object"}}});
          continue;
        }
        Fields g((*arr)[i].as_object(), p);
        auto pid = g.string("patient_id", true, {1, 64});
        auto text = g.string("text", true, {1, 20000});
        g.reject_unknown();
        if (pid && !seen.insert(*pid).second) g.fail("patient_id", "is listed twice", "duplicate");
        for (auto& x : g.errors()) f.errors().push_back(x);
        if (g.ok()) entries.emplace_back(*pid, *text);
      }
    }
  }
  auto confirm = f.string_list("confirm_not_names", false, 50);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  std::set<std::string> confirmed;
  for (const auto& w : confirm.value_or(std::vector<std::string>{})) confirmed.insert(fold_name(w));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        const std::string id = auth::new_id("not");
        const int64_t now = to_millis(ctx.now);
        std::string program_id;
        std::optional<std::string> group_id;
        int64_t occurred_at = occurred ? to_millis(*parse_rfc3339(*occurred)) : now;
        int64_t session_end = occurred_at;
        std::vector<FieldError> errors;
        if (*kind == "group") {
          ASSIGN_OR_RETURN(auto s, find_session(tx, who.org_id, *session));
          if (!s || s->kind != "group")
            return Status::Invalid({{"session_id", "is not a group session", "unknown_reference", {}}});
          program_id = s->program_id;
          group_id = s->group_id;
          occurred_at = to_millis(s->starts);
          session_end = to_millis(s->ends);
          // The writer must be allowed to document every member entry.
          for (const auto& [pid, text] : entries)
            RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::group_note_write, pid, "note", id));
          ASSIGN_OR_RETURN(auto members, group_members(tx, *s->group_id, nicknames_));
          // Entries exist only for members marked present, late or left early.
          for (size_t i = 0; i < entries.size(); ++i) {
            ASSIGN_OR_RETURN(auto a,
                             tx.query_one("SELECT status FROM attendance WHERE session_id = ? AND patient_id = ?",
                                          {*session, entries[i].first}));
            if (!a || a->text(0).rfind("absent", 0) == 0)
              errors.push_back({"entries[" + std::to_string(i) + "].patient_id",
                                "was not marked present, late or left early at this session",
                                "not_present",
                                {}});
          }
          std::vector<std::string> used;
          name_check(content, entries, members, confirmed, errors, used);
          if (!errors.empty()) return Status::Invalid(std::move(errors));
          if (!used.empty()) {
            std::string words;
            for (const auto& w : used) words += (words.empty() ? "" : ", ") + w;
            // Confirming a word is not a name is on record (rules.md); the words themselves are clinical text, so only
            // the count.
            audit.record("note_name_check_confirmed", "note", id, std::nullopt, std::nullopt,
                         std::to_string(used.size()) + " words");
          }
        } else {
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, write_action(*kind), *patient, "note", id));
          ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, *patient));
          if (!pc || !pc->active() || !pc->program)
            return Status::ConflictWith({"state", *patient}, "The patient has no active episode of care.");
          program_id = pc->program->id;
          if (session) {
            ASSIGN_OR_RETURN(auto s, find_session(tx, who.org_id, *session));
            if (!s || std::find(s->patient_ids.begin(), s->patient_ids.end(), *patient) == s->patient_ids.end())
              return Status::Invalid({{"session_id", "is not a session of this patient", "unknown_reference", {}}});
            occurred_at = to_millis(s->starts);
            session_end = to_millis(s->ends);
          }
        }
        if (occurred_at > now + 3600 * 1000)
          return Status::Invalid({{"occurred_at", "must not be in the future", "future"}});
        // A late entry: written more than 24 hours after the service it documents.
        const bool late = now - session_end > 24 * kHour;
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO notes (org_id, id, kind, patient_id, session_id, group_id, program_id, author_id, status, "
            "content, "
            "occurred_at, late, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?)",
            {who.org_id, id, *kind, patient, session, group_id, program_id, who.user_id, json::serialize(content),
             occurred_at, late, now, now}));
        for (const auto& [pid, text] : entries)
          RETURN_IF_ERROR(tx.exec("INSERT INTO note_entries (org_id, note_id, patient_id, text) VALUES (?, ?, ?, ?)",
                                  {who.org_id, id, pid, text}));
        audit.record("note_create", "note", id, patient);
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o, note_json(
                                     tx, *n, [](const std::string&) -> Result<bool> { return true; }, std::nullopt));
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void Documentation::update_note(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        if (!n) return Status::NotFound();
        if (n->author_id != who.user_id) {
          audit.denied("note_update", "note", id, n->patient_id, "deny.not_author");
          return Status(Code::permission_denied, "Only the author edits a draft.");
        }
        if (n->status != "draft")
          return Status::ConflictWith({"state", id}, "A signed note is locked: add an addendum.");
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, n->version, id));
        json::object content = parse_obj(n->content);
        for (const auto& field : templates().at(n->kind)) {
          auto v = f.string(field, false, {1, field == "topic" ? size_t(300) : size_t(20000)});
          if (v) content[field] = *v;
        }
        std::optional<std::vector<std::pair<std::string, std::string>>> entries;
        if (n->kind == "group" && f.has("entries")) {
          entries.emplace();
          if (const json::array* arr = f.array("entries", true))
            for (size_t i = 0; i < arr->size(); ++i) {
              if (!(*arr)[i].is_object()) continue;
              Fields g((*arr)[i].as_object(), "entries[" + std::to_string(i) + "]");
              auto pid = g.string("patient_id", true, {1, 64});
              auto text = g.string("text", true, {1, 20000});
              g.reject_unknown();
              for (auto& x : g.errors()) f.errors().push_back(x);
              if (g.ok()) entries->emplace_back(*pid, *text);
            }
        }
        auto confirm = f.string_list("confirm_not_names", false, 50);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        if (n->patient_id)
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, write_action(n->kind), *n->patient_id, "note", id));
        if (n->kind == "group") {
          std::vector<std::pair<std::string, std::string>> current;
          if (entries)
            current = *entries;
          else {
            ASSIGN_OR_RETURN(auto rows, tx.query("SELECT patient_id, text FROM note_entries WHERE note_id = ?", {id}));
            for (const auto& r : rows) current.emplace_back(r.text(0), r.text(1));
          }
          for (const auto& [pid, text] : current)
            RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::group_note_write, pid, "note", id));
          std::set<std::string> confirmed;
          for (const auto& w : confirm.value_or(std::vector<std::string>{})) confirmed.insert(fold_name(w));
          ASSIGN_OR_RETURN(auto members, group_members(tx, *n->group_id, nicknames_));
          std::vector<FieldError> errors;
          std::vector<std::string> used;
          name_check(content, current, members, confirmed, errors, used);
          for (size_t i = 0; entries && i < entries->size(); ++i) {
            ASSIGN_OR_RETURN(auto a,
                             tx.query_one("SELECT status FROM attendance WHERE session_id = ? AND patient_id = ?",
                                          {*n->session_id, (*entries)[i].first}));
            if (!a || a->text(0).rfind("absent", 0) == 0)
              errors.push_back({"entries[" + std::to_string(i) + "].patient_id",
                                "was not marked present, late or left early at this session",
                                "not_present",
                                {}});
          }
          if (!errors.empty()) return Status::Invalid(std::move(errors));
          if (entries) {
            RETURN_IF_ERROR(tx.exec("DELETE FROM note_entries WHERE note_id = ?", {id}));
            for (const auto& [pid, text] : *entries)
              RETURN_IF_ERROR(
                  tx.exec("INSERT INTO note_entries (org_id, note_id, patient_id, text) VALUES (?, ?, ?, ?)",
                          {who.org_id, id, pid, text}));
          }
        }
        RETURN_IF_ERROR(tx.exec("UPDATE notes SET content = ?, version = version + 1, updated_at = ? WHERE id = ?",
                                {json::serialize(content), to_millis(ctx.now), id}));
        audit.record("note_update", "note", id, n->patient_id);
        ASSIGN_OR_RETURN(auto updated, load_note(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o,
                         note_json(
                             tx, *updated, [](const std::string&) -> Result<bool> { return true; }, std::nullopt));
        return ok(std::move(o));
      },
      std::move(done));
}

namespace {

// Whether the caller may read a note, and which member entries it shows them.
struct NoteAccess {
  bool readable = false;
};

}  // namespace

void Documentation::get_note(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        if (!n) return Status::NotFound();
        auto may_see = [&](const std::string& pid) -> Result<bool> {
          ASSIGN_OR_RETURN(bool chart, access_.allowed_patient(tx, ctx, Action::chart_read, pid));
          if (chart) return true;
          return access_.allowed_patient(tx, ctx, Action::group_note_write, pid);
        };
        if (n->patient_id) {
          ASSIGN_OR_RETURN(bool may, may_see(*n->patient_id));
          if (!may && n->author_id != who.user_id)
            return access_.require_patient(tx, ctx, audit, Action::chart_read, *n->patient_id, "note", id);
          audit.record("note_read", "note", id, n->patient_id);
        } else {
          ASSIGN_OR_RETURN(auto entries, tx.query("SELECT patient_id FROM note_entries WHERE note_id = ?", {id}));
          bool any = n->author_id == who.user_id;
          for (const auto& e : entries) {
            ASSIGN_OR_RETURN(bool m, may_see(e.text(0)));
            if (m) audit.record("note_read", "note", id, e.text(0));
            any = any || m;
          }
          if (!any) {
            audit.denied("note_read", "note", id, std::nullopt, "deny.no_relationship");
            return Status::NotFound();
          }
        }
        ASSIGN_OR_RETURN(auto o, note_json(tx, *n, may_see, std::nullopt));
        return ok(std::move(o));
      },
      std::move(done));
}

void Documentation::list_notes(const RequestContext& ctx, const Query& q, Done done) {
  auto session = q.get("session_id");
  auto patient = q.get("patient_id");
  if (patient) return patient_notes(ctx, *patient, std::move(done));
  if (!session) return done(Status(Code::bad_request, "`session_id` or `patient_id` is required."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id FROM notes WHERE session_id = ? AND org_id = ? ORDER BY created_at",
                                  {*session, who.org_id}));
        json::array items;
        auto may_see = [&](const std::string& pid) -> Result<bool> {
          ASSIGN_OR_RETURN(bool chart, access_.allowed_patient(tx, ctx, Action::chart_read, pid));
          if (chart) return true;
          return access_.allowed_patient(tx, ctx, Action::group_note_write, pid);
        };
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, r.text(0)));
          bool visible = n->author_id == who.user_id;
          if (n->patient_id) {
            ASSIGN_OR_RETURN(bool m, may_see(*n->patient_id));
            visible = visible || m;
          } else {
            ASSIGN_OR_RETURN(auto entries, tx.query("SELECT patient_id FROM note_entries WHERE note_id = ?", {n->id}));
            for (const auto& e : entries) {
              ASSIGN_OR_RETURN(bool m, may_see(e.text(0)));
              visible = visible || m;
            }
          }
          if (!visible) continue;
          audit.record("note_read", "note", n->id, n->patient_id);
          ASSIGN_OR_RETURN(auto o, note_json(tx, *n, may_see, std::nullopt));
          items.push_back(std::move(o));
        }
        return ok(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
      },
      std::move(done));
}

void Documentation::patient_notes(const RequestContext& ctx, const std::string& patient_id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        // Clinicians read the whole chart; program staff the check-in notes they write and co-sign;
        // group leaders the group notes. Everyone sees the notes they wrote themselves.
        ASSIGN_OR_RETURN(bool chart, access_.allowed_patient(tx, ctx, Action::chart_read, patient_id));
        ASSIGN_OR_RETURN(bool checkin_notes, access_.allowed_patient(tx, ctx, Action::checkin_note_write, patient_id));
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit,
                                                chart           ? Action::chart_read
                                                : checkin_notes ? Action::checkin_note_write
                                                                : Action::group_note_write,
                                                patient_id, "chart_notes", patient_id));
        // The member's chart: their own notes, and of each group note only the shared part and their
        // own entry — another member's entry never appears here (rules.md). The shared part goes
        // into every attending member's chart, with an entry or without one.
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT id FROM notes WHERE patient_id = ? AND org_id = ? UNION "
                                  "SELECT n.id FROM notes n JOIN note_entries e ON e.note_id = n.id WHERE "
                                  "e.patient_id = ? AND n.org_id = ? UNION "
                                  "SELECT n.id FROM notes n JOIN attendance a ON a.session_id = n.session_id WHERE "
                                  "n.kind = 'group' AND a.patient_id = ? AND a.status NOT LIKE 'absent%' AND "
                                  "n.org_id = ?",
                                  {patient_id, who.org_id, patient_id, who.org_id, patient_id, who.org_id}));
        std::vector<NoteRow> notes;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, r.text(0)));
          if (n &&
              (chart || n->kind == "group" || n->author_id == who.user_id || (checkin_notes && n->kind == "checkin")))
            notes.push_back(*n);
        }
        std::sort(notes.begin(), notes.end(),
                  [](const NoteRow& a, const NoteRow& b) { return a.occurred_at > b.occurred_at; });
        json::array items;
        for (const auto& n : notes) {
          ASSIGN_OR_RETURN(auto o, note_json(
                                       tx, n, [](const std::string&) -> Result<bool> { return false; }, patient_id));
          items.push_back(std::move(o));
        }
        return ok(json::object{{"patient_id", patient_id}, {"items", std::move(items)}, {"next_cursor", nullptr}});
      },
      std::move(done));
}

void Documentation::sign_note(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        if (!n) return Status::NotFound();
        if (n->status == "signed") return Status::ConflictWith({"state", id}, "The note is already signed.");
        bool cosign = false;
        if (n->kind == "group") {
          ASSIGN_OR_RETURN(
              auto g, tx.query_one(
                          "SELECT g.leader_id, lu.licensed, g.co_leader_id, cu.licensed FROM groups g JOIN users lu ON "
                          "lu.id = g.leader_id LEFT JOIN users cu ON cu.id = g.co_leader_id WHERE g.id = ?",
                          {*n->group_id}));
          const bool leader_licensed = g->boolean(1);
          const bool co_licensed = !g->is_null(2) && !g->is_null(3) && g->boolean(3);
          // rules.md: signed once, by the leader when licensed, else a licensed co-leader, else it
          // needs a licensed co-signature.
          std::optional<std::string> signer;
          if (leader_licensed)
            signer = g->text(0);
          else if (co_licensed)
            signer = g->text(2);
          if (signer) {
            if (who.user_id != *signer) {
              audit.denied("note_sign", "note", id, std::nullopt, "deny.group_note_signer");
              // Clients name the signer from `signer_id` and translate by `code`.
              return Status(Code::permission_denied, leader_licensed
                                                         ? "The group's leader signs this note."
                                                         : "The group's licensed co-leader signs this note.")
                  .with_extra({{"code", leader_licensed ? "leader_signs" : "co_leader_signs"}, {"signer_id", *signer}});
            }
          } else {
            if (who.user_id != g->text(0) && g->opt_text(2) != who.user_id) {
              audit.denied("note_sign", "note", id, std::nullopt, "deny.group_note_signer");
              return Status(Code::permission_denied, "A leader of the group signs this note.")
                  .with_extra({{"code", "group_leader_signs"}});
            }
            cosign = true;
          }
        } else {
          if (n->author_id != who.user_id) {
            audit.denied("note_sign", "note", id, n->patient_id, "deny.not_author");
            return Status(Code::permission_denied, "The author signs the note.")
                .with_extra({{"code", "author_signs"}, {"signer_id", n->author_id}});
          }
          const bool therapy = n->kind != "checkin";
          if (therapy && !who.licensed) {
            audit.denied("note_sign", "note", id, n->patient_id, "deny.unlicensed_signature");
            return Status(Code::permission_denied, "Only a licensed clinician signs therapy notes.")
                .with_extra({{"code", "licensed_signs"}});
          }
          if (!who.licensed) {
            ASSIGN_OR_RETURN(auto s, tx.query_one("SELECT settings FROM programs WHERE id = ?", {n->program_id}));
            json::object st = parse_obj(s->text(0));
            cosign = !st.contains("cosignature_required") || !st.at("cosignature_required").is_bool() ||
                     st.at("cosignature_required").as_bool();
          }
        }
        std::vector<std::pair<std::string, std::string>> entries;
        ASSIGN_OR_RETURN(
            auto rows,
            tx.query("SELECT patient_id, text FROM note_entries WHERE note_id = ? ORDER BY patient_id", {id}));
        for (const auto& r : rows) entries.emplace_back(r.text(0), r.text(1));
        const int64_t now = to_millis(ctx.now);
        const bool late = n->late || now - n->occurred_at > 24 * kHour + 4 * kHour;
        RETURN_IF_ERROR(
            tx.exec("UPDATE notes SET status = 'signed', content_hash = ?, signed_by = ?, signed_at = ?, late = ?, "
                    "cosign_required = ?, "
                    "cosign_due_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
                    {content_hash(*n, entries), who.user_id, now, late, cosign,
                     cosign ? std::optional<int64_t>(now + 72 * kHour) : std::nullopt, now, id}));
        audit.record("note_sign", "note", id, n->patient_id);
        ASSIGN_OR_RETURN(auto updated, load_note(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o,
                         note_json(
                             tx, *updated, [](const std::string&) -> Result<bool> { return true; }, std::nullopt));
        return ok(std::move(o));
      },
      std::move(done));
}

void Documentation::cosign_note(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        if (!n) return Status::NotFound();
        if (n->patient_id) {
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::note_cosign, *n->patient_id, "note", id));
        } else {
          RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::census_read, n->program_id));
          if (!who.licensed) return Status(Code::permission_denied, "Only a licensed clinician co-signs.");
        }
        if (n->status != "signed" || !n->cosign_required || n->cosigned_at)
          return Status::ConflictWith({"state", id}, "The note does not wait for a co-signature.");
        if (n->signed_by == who.user_id || n->author_id == who.user_id)
          return Status(Code::permission_denied, "A note is co-signed by someone other than its author.");
        RETURN_IF_ERROR(tx.exec(
            "UPDATE notes SET cosigned_by = ?, cosigned_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
            {who.user_id, to_millis(ctx.now), to_millis(ctx.now), id}));
        audit.record("note_cosign", "note", id, n->patient_id);
        if (n->patient_id) {
          // The info alert for overdue co-signatures goes once none of the patient's notes waits.
          ASSIGN_OR_RETURN(auto waiting,
                           tx.query_one("SELECT 1 FROM notes WHERE patient_id = ? AND cosign_required = 1 "
                                        "AND cosigned_at IS NULL AND cosign_due_at <= ? LIMIT 1",
                                        {*n->patient_id, to_millis(ctx.now)}));
          if (!waiting)
            RETURN_IF_ERROR(
                alerts_.resolve_done(tx, *n->patient_id, "cosignature_due", who.user_id, "co-signed", ctx.now));
        }
        ASSIGN_OR_RETURN(auto updated, load_note(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o,
                         note_json(
                             tx, *updated, [](const std::string&) -> Result<bool> { return true; }, std::nullopt));
        return ok(std::move(o));
      },
      std::move(done));
}

void Documentation::add_addendum(const RequestContext& ctx, const std::string& id, const json::object& body,
                                 Done done) {
  Fields f(body);
  auto text = f.string("text", true, {1, 20000});
  auto confirm = f.string_list("confirm_not_names", false, 20);
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  std::set<std::string> confirmed;
  for (const auto& w : confirm.value_or(std::vector<std::string>{})) confirmed.insert(fold_name(w));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto n, load_note(tx, who.org_id, id));
        if (!n) return Status::NotFound();
        if (n->patient_id) {
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, write_action(n->kind), *n->patient_id, "note", id));
        } else {
          ASSIGN_OR_RETURN(auto entries, tx.query("SELECT patient_id FROM note_entries WHERE note_id = ?", {id}));
          for (const auto& e : entries)
            RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::group_note_write, e.text(0), "note", id));
          ASSIGN_OR_RETURN(auto members, group_members(tx, *n->group_id, nicknames_));
          std::vector<domain::PersonName> names;
          for (const auto& m : members) names.push_back(m.name);
          std::vector<FieldError> errors;
          for (const auto& w : domain::name_matches(*text, names, confirmed))
            errors.push_back(
                {"text", "looks like the name of a group member: \"" + w + "\"", "member_name", {{"word", w}}});
          if (!errors.empty()) return Status::Invalid(std::move(errors));
          if (!domain::name_matches(*text, names, {}).empty())
            audit.record("note_name_check_confirmed", "note", id, std::nullopt);
        }
        if (n->status != "signed")
          return Status::ConflictWith({"state", id}, "Edit the draft; addenda are for signed notes.");
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO note_addenda (org_id, id, note_id, author_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            {who.org_id, auth::new_id("add"), id, who.user_id, *text, to_millis(ctx.now)}));
        audit.record("note_addendum", "note", id, n->patient_id);
        ASSIGN_OR_RETURN(auto updated, load_note(tx, who.org_id, id));
        ASSIGN_OR_RETURN(auto o,
                         note_json(
                             tx, *updated, [](const std::string&) -> Result<bool> { return true; }, std::nullopt));
        return ok(std::move(o), 201);
      },
      std::move(done));
}

}  // namespace pomost::service
