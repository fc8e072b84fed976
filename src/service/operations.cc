#include "service/operations.h"

#include <algorithm>
#include <set>

#include "auth/crypto.h"
#include "core/time.h"
#include "domain/registry.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kDay = 24 * 3600 * 1000;

std::string weekday_name(int wd) {
  static const char* k[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  return k[wd];
}

int weekday_index(const std::string& s) {
  static const char* k[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i)
    if (s == k[i]) return i;
  return -1;
}

std::string date_key(int d) {
  std::string s = format_date(d);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

std::string group_session_id(const std::string& group_id, int d) {
  return "gs_" + group_id + "_" + date_key(d);
}

// "gs_<group>_<YYYYMMDD>" -> (group, date).
std::optional<std::pair<std::string, int>> parse_group_session_id(const std::string& id) {
  if (id.rfind("gs_", 0) != 0 || id.size() < 3 + 1 + 9 || id[id.size() - 9] != '_') return std::nullopt;
  std::string ymd = id.substr(id.size() - 8);
  auto d = parse_date(ymd.substr(0, 4) + "-" + ymd.substr(4, 2) + "-" + ymd.substr(6, 2));
  if (!d) return std::nullopt;
  return std::make_pair(id.substr(3, id.size() - 3 - 9), *d);
}

// Reads [{weekday, start, end, reason?}] into JSON in calendar order, reporting each bad field.
json::array read_windows(Fields& f, const char* key, bool with_reason) {
  json::array out;
  const json::array* arr = f.array(key, false);
  if (!arr) return out;
  if (arr->size() > 100) f.fail(key, "must have at most 100 entries", "max_items", {{"max", 100}});
  std::vector<std::tuple<int, int, int, std::string>> rows;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string p = std::string(key) + "[" + std::to_string(i) + "]";
    if (!(*arr)[i].is_object()) {
      f.errors().push_back({f.path(p), "must be an object", "type", {{"expected", "object"}}});
      continue;
    }
    Fields g((*arr)[i].as_object(), f.path(p));
    auto wd = g.one_of("weekday", true, domain::kWeekdays);
    auto start = g.string("start", true, {5, 5});
    auto end = g.string("end", true, {5, 5});
    std::optional<std::string> reason;
    if (with_reason) reason = g.one_of("reason", false, {"work", "school", "care", "other"});
    g.reject_unknown();
    auto s = start ? domain::parse_hhmm(*start) : std::nullopt;
    // "24:00" ends a window at midnight.
    const std::optional<int> e = !end              ? std::nullopt
                                 : *end == "24:00" ? std::optional<int>(24 * 60)
                                                   : domain::parse_hhmm(*end);
    if (start && !s) g.fail("start", "must be a time HH:MM", "time");
    if (end && !e) g.fail("end", "must be a time HH:MM", "time");
    if (s && e && *e <= *s) g.fail("end", "must be after start", "after_start");
    for (auto& x : g.errors()) f.errors().push_back(x);
    if (g.ok()) rows.emplace_back(weekday_index(*wd), *s, *e, reason.value_or(""));
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& [wd, s, e, reason] : rows) {
    json::object w{{"weekday", weekday_name(wd)}, {"start", domain::format_hhmm(s)}, {"end", domain::format_hhmm(e)}};
    if (with_reason) w["reason"] = reason.empty() ? "other" : reason;
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<domain::DayWindow> day_windows(const json::array& a) {
  std::vector<domain::DayWindow> out;
  for (const auto& v : a) {
    const auto& o = v.as_object();
    const std::string end(o.at("end").as_string());
    out.push_back({weekday_index(std::string(o.at("weekday").as_string())),
                   *domain::parse_hhmm(o.at("start").as_string()),
                   end == "24:00" ? 24 * 60 : *domain::parse_hhmm(end)});
  }
  return out;
}

json::array parse_array(const std::string& text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return !ec && v.is_array() ? v.as_array() : json::array();
}

Result<std::string> org_time_zone(store::Tx& tx, const std::string& org) {
  ASSIGN_OR_RETURN(auto site,
                   tx.query_one("SELECT time_zone FROM sites WHERE org_id = ? ORDER BY created_at LIMIT 1", {org}));
  return site ? site->text(0) : std::string("UTC");
}

// Display names of rooms and staff: a schedule says where and with whom, also to patients, who
// may not read the room or staff registries.
struct Names {
  std::map<std::string, std::string> rooms, staff;
};

Result<Names> load_names(store::Tx& tx, const std::string& org) {
  Names n;
  ASSIGN_OR_RETURN(auto rooms, tx.query("SELECT id, name FROM rooms WHERE org_id = ?", {org}));
  for (const auto& r : rooms) n.rooms[r.text(0)] = r.text(1);
  ASSIGN_OR_RETURN(auto staff,
                   tx.query("SELECT id, display_name FROM users WHERE org_id = ? AND role <> 'patient'", {org}));
  for (const auto& r : staff) n.staff[r.text(0)] = r.text(1);
  return n;
}

json::object session_json(const SessionInfo& s, bool with_patients, const Names* names = nullptr) {
  json::object o;
  o["id"] = s.id;
  o["kind"] = s.kind;
  o["program_id"] = s.program_id;
  o["group_id"] = opt(s.group_id);
  o["track_id"] = opt(s.track_id);
  o["title"] = opt(s.title);
  o["date"] = format_date(s.local_date);
  o["starts"] = format_rfc3339_in(s.starts, s.time_zone);
  o["ends"] = format_rfc3339_in(s.ends, s.time_zone);
  o["room_id"] = opt(s.room_id);
  json::array staff;
  for (const auto& x : s.staff_ids) staff.emplace_back(x);
  o["staff_ids"] = std::move(staff);
  if (with_patients) {
    json::array pts;
    for (const auto& x : s.patient_ids) pts.emplace_back(x);
    o["patient_ids"] = std::move(pts);
  } else {
    o["patient_count"] = static_cast<int64_t>(s.patient_ids.size());
  }
  o["status"] = s.status;
  o["reason"] = opt(s.reason);
  o["version"] = s.version;
  if (names) {
    auto room = s.room_id ? names->rooms.find(*s.room_id) : names->rooms.end();
    o["room_name"] = room == names->rooms.end() ? json::value(nullptr) : json::value(room->second);
    json::array people;
    for (const auto& x : s.staff_ids)
      if (auto it = names->staff.find(x); it != names->staff.end())
        people.push_back(json::object{{"id", x}, {"display_name", it->second}});
    o["staff"] = std::move(people);
  }
  return o;
}

}  // namespace

Result<std::vector<SessionInfo>> list_session_infos(store::Tx& tx, const std::string& org, int from, int to,
                                                    const SessionFilter& f) {
  std::vector<SessionInfo> out;
  ASSIGN_OR_RETURN(
      auto groups,
      tx.query("SELECT g.id, g.program_id, g.track_id, g.name, g.leader_id, g.co_leader_id, g.room_id, t.weekdays, "
               "t.start_time, t.end_time, p.time_zone, p.settings, g.ends_on FROM groups g "
               "JOIN tracks t ON t.id = g.track_id "
               "JOIN programs p ON p.id = g.program_id WHERE g.org_id = ? AND (? IS NULL OR g.program_id = ?) AND "
               "(? IS NULL OR g.track_id = ? OR EXISTS (SELECT 1 FROM group_schedule_history h WHERE "
               "h.group_id = g.id AND h.track_id = ?)) AND (? IS NULL OR g.id = ?) AND "
               "(? IS NULL OR g.leader_id = ? OR g.co_leader_id = ?) AND "
               "(? IS NULL OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.patient_id = ?)) "
               "ORDER BY g.id",
               {org, f.program_id, f.program_id, f.track_id, f.track_id, f.track_id, f.group_id, f.group_id, f.staff_id,
                f.staff_id, f.staff_id, f.patient_id, f.patient_id}));
  for (const auto& g : groups) {
    const std::string group_id = g.text(0), tz = g.text(10);
    auto days = domain::parse_weekdays(g.text(7));
    auto start = domain::parse_hhmm(g.text(8)), end = domain::parse_hhmm(g.text(9));
    if (!days || !start || !end) continue;
    ProgramSettings settings = ProgramSettings::parse(g.text(11));
    ASSIGN_OR_RETURN(
        auto members,
        tx.query("SELECT patient_id FROM group_members WHERE group_id = ? ORDER BY patient_id", {group_id}));
    ASSIGN_OR_RETURN(
        auto overrides,
        tx.query("SELECT local_date, cancelled, starts_at, ends_at, room_id, version, reason FROM session_overrides "
                 "WHERE group_id = ? AND local_date >= ? AND local_date <= ?",
                 {group_id, format_date(from), format_date(to)}));
    std::map<std::string, const store::Row*> by_date;
    for (const auto& o : overrides) by_date[o.text(0)] = &o;
    // An ended group has no sessions after its last day.
    const int last = g.is_null(12) ? to : std::min(to, parse_date(g.text(12)).value_or(to));
    // Earlier patterns hold up to their through_date; the track's current one after the last.
    struct Segment {
      int from, to;
      domain::WeeklyPattern pattern;
      std::string track_id;
    };
    std::vector<Segment> segments;
    ASSIGN_OR_RETURN(auto history, tx.query("SELECT through_date, track_id, weekdays, start_time, end_time FROM "
                                            "group_schedule_history WHERE group_id = ? AND through_date >= ? "
                                            "ORDER BY through_date",
                                            {group_id, format_date(from)}));
    int seg_from = from;
    for (const auto& h : history) {
      auto through = parse_date(h.text(0));
      auto hd = domain::parse_weekdays(h.text(2));
      auto hs = domain::parse_hhmm(h.text(3)), he = domain::parse_hhmm(h.text(4));
      if (!through || !hd || !hs || !he) continue;
      if (seg_from <= std::min(*through, last))
        segments.push_back({seg_from, std::min(*through, last), {*hd, *hs, *he}, h.text(1)});
      seg_from = std::max(seg_from, *through + 1);
    }
    if (seg_from <= last) segments.push_back({seg_from, last, {*days, *start, *end}, g.text(2)});
    std::vector<std::pair<domain::Occurrence, const std::string*>> occs;
    for (const auto& seg : segments)
      for (const auto& occ : domain::occurrences(seg.pattern, seg.from, seg.to, tz))
        occs.emplace_back(occ, &seg.track_id);
    for (const auto& [occ, track] : occs) {
      if (settings.closures.count(format_date(occ.local_date))) continue;
      if (f.track_id && *track != *f.track_id) continue;
      SessionInfo s;
      s.id = group_session_id(group_id, occ.local_date);
      s.kind = "group";
      s.program_id = g.text(1);
      s.time_zone = tz;
      s.group_id = group_id;
      s.track_id = *track;
      s.title = g.text(3);
      s.room_id = g.opt_text(6);
      s.starts = occ.starts;
      s.ends = occ.ends;
      s.local_date = occ.local_date;
      s.staff_ids.push_back(g.text(4));
      if (!g.is_null(5)) s.staff_ids.push_back(g.text(5));
      for (const auto& m : members) s.patient_ids.push_back(m.text(0));
      if (auto it = by_date.find(format_date(occ.local_date)); it != by_date.end()) {
        const store::Row& o = *it->second;
        s.status = o.boolean(1) ? "cancelled" : "moved";
        s.starts = from_millis(o.i64(2));
        s.ends = from_millis(o.i64(3));
        if (!o.is_null(4)) s.room_id = o.text(4);
        s.version = o.i64(5);
        s.reason = o.opt_text(6);
      }
      if (!f.include_cancelled && s.status == "cancelled") continue;
      if (f.room_id && s.room_id != f.room_id) continue;
      out.push_back(std::move(s));
    }
  }
  // Appointments: a generous UTC window, then each kept by its program-local date.
  const int64_t lo = to_millis(local_time_to_utc(from, 0, "UTC")) - kDay,
                hi = to_millis(local_time_to_utc(to + 1, 0, "UTC")) + kDay;
  ASSIGN_OR_RETURN(
      auto appts,
      tx.query("SELECT a.id, a.program_id, a.patient_id, a.staff_id, a.kind, a.starts_at, a.ends_at, a.room_id, "
               "a.status, a.version, p.time_zone, a.reason FROM appointments a JOIN programs p ON p.id = a.program_id "
               "WHERE a.org_id = ? AND a.starts_at >= ? AND a.starts_at < ? AND (? IS NULL OR a.program_id = ?) "
               "AND (? IS NULL OR a.staff_id = ?) AND (? IS NULL OR a.patient_id = ?) AND "
               "(? IS NULL OR a.room_id = ?) ORDER BY a.starts_at",
               {org, lo, hi, f.program_id, f.program_id, f.staff_id, f.staff_id, f.patient_id, f.patient_id, f.room_id,
                f.room_id}));
  if (!f.track_id && !f.group_id) {
    for (const auto& a : appts) {
      const std::string tz = a.text(10);
      const int d = local_date(from_millis(a.i64(5)), tz);
      if (d < from || d > to) continue;
      if (!f.include_cancelled && a.text(8) == "cancelled") continue;
      SessionInfo s;
      s.id = a.text(0);
      s.kind = a.text(4);
      s.program_id = a.text(1);
      s.time_zone = tz;
      s.room_id = a.opt_text(7);
      s.starts = from_millis(a.i64(5));
      s.ends = from_millis(a.i64(6));
      s.local_date = d;
      s.staff_ids = {a.text(3)};
      s.patient_ids = {a.text(2)};
      s.status = a.text(8) == "cancelled" ? "cancelled" : "scheduled";
      s.version = a.i64(9);
      s.reason = a.opt_text(11);
      out.push_back(std::move(s));
    }
  }
  std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
    return a.starts != b.starts ? a.starts < b.starts : a.id < b.id;
  });
  return out;
}

Result<std::optional<SessionInfo>> find_session(store::Tx& tx, const std::string& org, const std::string& id) {
  if (auto g = parse_group_session_id(id)) {
    SessionFilter f;
    f.group_id = g->first;
    ASSIGN_OR_RETURN(auto all, list_session_infos(tx, org, g->second, g->second, f));
    for (auto& s : all)
      if (s.id == id) return std::optional<SessionInfo>(std::move(s));
    return std::optional<SessionInfo>();
  }
  if (id.rfind("apt_", 0) == 0) {
    ASSIGN_OR_RETURN(
        auto a, tx.query_one("SELECT starts_at, program_id FROM appointments WHERE id = ? AND org_id = ?", {id, org}));
    if (!a) return std::optional<SessionInfo>();
    ASSIGN_OR_RETURN(auto tz, tx.query_one("SELECT time_zone FROM programs WHERE id = ?", {a->text(1)}));
    const int d = local_date(from_millis(a->i64(0)), tz->text(0));
    ASSIGN_OR_RETURN(auto all, list_session_infos(tx, org, d, d, SessionFilter{a->text(1), {}, {}, {}, {}, {}, true}));
    for (auto& s : all)
      if (s.id == id) return std::optional<SessionInfo>(std::move(s));
  }
  return std::optional<SessionInfo>();
}

namespace {

// The first booking that collides with [starts, ends) for any of these people or the room.
Status check_conflicts(store::Tx& tx, const std::string& org, const std::vector<std::string>& patients,
                       const std::vector<std::string>& staff, const std::optional<std::string>& room, TimePoint starts,
                       TimePoint ends, const std::string& exclude) {
  const int from = local_date(starts, "UTC") - 1, to = local_date(ends, "UTC") + 1;
  auto clash = [&](const SessionFilter& f, const char* kind, const std::string& who) -> Status {
    ASSIGN_OR_RETURN(auto sessions, list_session_infos(tx, org, from, to, f));
    for (const auto& s : sessions) {
      if (s.id == exclude || s.status == "cancelled") continue;
      if (domain::overlaps(starts, ends, s.starts, s.ends))
        return Status::ConflictWith(
            {kind, who, s.id, format_rfc3339_in(s.starts, s.time_zone), format_rfc3339_in(s.ends, s.time_zone)},
            std::string("The ") + kind + " is already booked then (" + s.id + ", " +
                format_rfc3339_in(s.starts, s.time_zone) + ").");
    }
    return {};
  };
  for (const auto& p : patients) {
    SessionFilter f;
    f.patient_id = p;
    f.include_cancelled = false;
    RETURN_IF_ERROR(clash(f, "patient", p));
  }
  for (const auto& s : staff) {
    SessionFilter f;
    f.staff_id = s;
    f.include_cancelled = false;
    RETURN_IF_ERROR(clash(f, "staff", s));
  }
  if (room) {
    SessionFilter f;
    f.room_id = room;
    f.include_cancelled = false;
    RETURN_IF_ERROR(clash(f, "room", *room));
  }
  return {};
}

// A staff member's working windows (minutes of the local day) on date d: the day's exception when
// one is recorded (an empty one means away), else the weekly pattern.
std::vector<std::pair<int, int>> windows_on(const json::array& weekly, const json::array& exceptions, int d) {
  std::vector<std::pair<int, int>> windows;
  for (const auto& x : exceptions) {
    const auto& o = x.as_object();
    if (o.at("date").as_string() != format_date(d)) continue;
    for (const auto& w : o.at("windows").as_array())
      windows.emplace_back(*domain::parse_hhmm(w.as_object().at("start").as_string()),
                           *domain::parse_hhmm(w.as_object().at("end").as_string()));
    return windows;
  }
  for (const auto& w : day_windows(weekly))
    if (w.weekday == weekday_of(d)) windows.emplace_back(w.start_minute, w.end_minute);
  return windows;
}

Result<int> staff_availability_ok(store::Tx& tx, const std::string& org, const std::string& staff, TimePoint starts,
                                  TimePoint ends) {
  // 1 = inside a window, 0 = outside, -1 = no availability on record
  ASSIGN_OR_RETURN(
      auto row,
      tx.query_one("SELECT time_zone, weekly, exceptions FROM staff_availability WHERE user_id = ? AND org_id = ?",
                   {staff, org}));
  if (!row) return -1;
  const std::string tz = row->text(0);
  const int d = local_date(starts, tz);
  if (local_date(ends, tz) != d && to_millis(local_time_to_utc(d + 1, 0, tz)) != to_millis(ends)) return 0;
  const int s = static_cast<int>((to_millis(starts) - to_millis(local_time_to_utc(d, 0, tz))) / kMinute);
  const int e = static_cast<int>((to_millis(ends) - to_millis(local_time_to_utc(d, 0, tz))) / kMinute);
  for (const auto& [ws, we] : windows_on(parse_array(row->text(1)), parse_array(row->text(2)), d))
    if (s >= ws && e <= we) return 1;
  return 0;
}

Result<std::vector<domain::DayWindow>> patient_unavailable(store::Tx& tx, const std::string& patient) {
  ASSIGN_OR_RETURN(auto row,
                   tx.query_one("SELECT unavailable FROM patient_availability WHERE patient_id = ?", {patient}));
  if (!row) return std::vector<domain::DayWindow>{};
  return day_windows(parse_array(row->text(0)));
}

bool during_unavailable(const std::vector<domain::DayWindow>& busy, TimePoint starts, TimePoint ends,
                        const std::string& tz) {
  const int d = local_date(starts, tz);
  const int s = static_cast<int>((to_millis(starts) - to_millis(local_time_to_utc(d, 0, tz))) / kMinute);
  const int e = static_cast<int>((to_millis(ends) - to_millis(local_time_to_utc(d, 0, tz))) / kMinute);
  return !domain::window_free({weekday_of(d), s, e}, busy);
}

int default_minutes(const std::string& kind) {
  return kind == "psychiatrist" ? 30 : 60;
}

}  // namespace

void Operations::get_staff_availability(const RequestContext& ctx, const std::string& id, Done done) {
  const bool self = ctx.principal().user_id == id;
  if (!self) RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_read, "staff_availability"), done);
  done(runner_.read([&](store::Tx& tx) -> Result<Reply> {
    const std::string& org = ctx.principal().org_id;
    ASSIGN_OR_RETURN(auto user,
                     tx.query_one("SELECT 1 FROM users WHERE id = ? AND org_id = ? AND role <> 'patient'", {id, org}));
    if (!user) return Status::NotFound();
    ASSIGN_OR_RETURN(
        auto row,
        tx.query_one("SELECT time_zone, weekly, exceptions, version FROM staff_availability WHERE user_id = ?", {id}));
    ASSIGN_OR_RETURN(auto tz, org_time_zone(tx, org));
    json::object o{{"staff_id", id},
                   {"time_zone", row ? row->text(0) : tz},
                   {"weekly", row ? parse_array(row->text(1)) : json::array()},
                   {"exceptions", row ? parse_array(row->text(2)) : json::array()},
                   {"version", row ? row->i64(3) : 0}};
    return ok(std::move(o));
  }));
}

void Operations::put_staff_availability(const RequestContext& ctx, const std::string& id, const json::object& body,
                                        Done done) {
  const bool self = ctx.principal().user_id == id;
  if (!self) RETURN_IF_ERROR_DONE(access_.require_org(ctx, nullptr, Action::staff_manage, "staff_availability"), done);
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const std::string& org = ctx.principal().org_id;
        ASSIGN_OR_RETURN(
            auto user,
            tx.query_one("SELECT 1 FROM users WHERE id = ? AND org_id = ? AND role <> 'patient'", {id, org}));
        if (!user) return Status::NotFound();
        ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT version FROM staff_availability WHERE user_id = ?", {id}));
        Fields f(body);
        if (!f.has("version"))
          return Status(Code::precondition_required, "Send the version you are updating (0 for the first).");
        auto version = f.integer("version", true, 0, INT64_MAX);
        if (version && *version != (row ? row->i64(0) : 0))
          return Status::ConflictWith({"version", id}, "The availability was changed by someone else; reload it.");
        auto tz = f.time_zone("time_zone", false);
        json::array weekly = read_windows(f, "weekly", false);
        json::array exceptions;
        if (const json::array* ex = f.array("exceptions", false)) {
          for (size_t i = 0; i < ex->size(); ++i) {
            std::string p = "exceptions[" + std::to_string(i) + "]";
            if (!(*ex)[i].is_object()) {
              f.errors().push_back({p, "must be an object", "type", {{"expected", "object"}}});
              continue;
            }
            Fields g((*ex)[i].as_object(), p);
            auto date = g.date("date", true);
            json::array windows;
            if (const json::array* ws = g.array("windows", true)) {
              for (size_t k = 0; k < ws->size(); ++k) {
                if (!(*ws)[k].is_object()) continue;
                Fields h((*ws)[k].as_object(), g.path("windows[" + std::to_string(k) + "]"));
                auto s = h.string("start", true, {5, 5}), e = h.string("end", true, {5, 5});
                h.reject_unknown();
                auto sm = s ? domain::parse_hhmm(*s) : std::nullopt, em = e ? domain::parse_hhmm(*e) : std::nullopt;
                if (s && !sm) h.fail("start", "must be a time HH:MM", "time");
                if (e && !em) h.fail("end", "must be a time HH:MM", "time");
                if (sm && em && *em <= *sm) h.fail("end", "must be after start", "after_start");
                for (auto& x : h.errors()) g.errors().push_back(x);
                if (h.ok()) windows.push_back(json::object{{"start", *s}, {"end", *e}});
              }
            }
            g.reject_unknown();
            for (auto& x : g.errors()) f.errors().push_back(x);
            if (g.ok()) exceptions.push_back(json::object{{"date", *date}, {"windows", std::move(windows)}});
          }
        }
        f.reject_unknown();
        if (!f.ok()) return f.status();
        ASSIGN_OR_RETURN(auto org_tz, org_time_zone(tx, org));
        const int64_t now = to_millis(ctx.now);
        const int64_t next = (row ? row->i64(0) : 0) + 1;
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO staff_availability (org_id, user_id, time_zone, weekly, exceptions, version, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET time_zone = excluded.time_zone, "
            "weekly = excluded.weekly, exceptions = excluded.exceptions, version = excluded.version, "
            "updated_at = excluded.updated_at",
            {org, id, tz.value_or(org_tz), json::serialize(weekly), json::serialize(exceptions), next, now}));
        audit.record("staff_availability_update", "staff_availability", id, std::nullopt);
        return ok(json::object{{"staff_id", id},
                               {"time_zone", tz.value_or(org_tz)},
                               {"weekly", weekly},
                               {"exceptions", exceptions},
                               {"version", next}});
      },
      std::move(done));
}

void Operations::get_patient_availability(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::schedule_read, id, "patient_availability", id));
        ASSIGN_OR_RETURN(
            auto row, tx.query_one("SELECT unavailable, version FROM patient_availability WHERE patient_id = ?", {id}));
        return ok(json::object{{"patient_id", id},
                               {"unavailable", row ? parse_array(row->text(0)) : json::array()},
                               {"version", row ? row->i64(1) : 0}});
      },
      std::move(done));
}

void Operations::put_patient_availability(const RequestContext& ctx, const std::string& id, const json::object& body,
                                          Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::availability_write, id, "patient_availability", id));
        ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT version FROM patient_availability WHERE patient_id = ?", {id}));
        Fields f(body);
        if (!f.has("version"))
          return Status(Code::precondition_required, "Send the version you are updating (0 for the first).");
        auto version = f.integer("version", true, 0, INT64_MAX);
        if (version && *version != (row ? row->i64(0) : 0))
          return Status::ConflictWith({"version", id}, "The availability was changed by someone else; reload it.");
        json::array windows = read_windows(f, "unavailable", true);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        const int64_t next = (row ? row->i64(0) : 0) + 1;
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO patient_availability (org_id, patient_id, unavailable, version, updated_at) VALUES (?, ?, ?, "
            "?, ?) "
            "ON CONFLICT (patient_id) DO UPDATE SET unavailable = excluded.unavailable, version = excluded.version, "
            "updated_at = excluded.updated_at",
            {ctx.principal().org_id, id, json::serialize(windows), next, to_millis(ctx.now)}));
        return ok(json::object{{"patient_id", id}, {"unavailable", windows}, {"version", next}});
      },
      std::move(done));
}

void Operations::list_sessions(const RequestContext& ctx, const Query& q, Done done) {
  auto from = q.get("from"), to = q.get("to");
  if (!from || !to || !parse_date(*from) || !parse_date(*to))
    return done(Status(Code::bad_request, "`from` and `to` are required dates YYYY-MM-DD."));
  const int f = *parse_date(*from), t = *parse_date(*to);
  if (t < f || t - f > 120)
    return done(Status(Code::bad_request, "`to` must be on or after `from`, at most 120 days later."));
  SessionFilter filter;
  filter.track_id = q.get("track_id");
  filter.group_id = q.get("group_id");
  filter.staff_id = q.get("staff_id");
  filter.patient_id = q.get("patient_id");
  filter.room_id = q.get("room_id");
  filter.program_id = q.get("program_id");
  const Principal& who = ctx.principal();
  if (who.role == domain::Role::patient) filter.patient_id = who.patient_id;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        if (filter.patient_id) {
          RETURN_IF_ERROR(
              access_.require_patient(tx, ctx, audit, Action::schedule_read, *filter.patient_id, "schedule", ""));
        } else {
          RETURN_IF_ERROR(access_.require_org(ctx, &audit, Action::program_read, "schedule"));
        }
        ASSIGN_OR_RETURN(auto sessions, list_session_infos(tx, who.org_id, f, t, filter));
        std::set<std::string> mine;
        if (who.role != domain::Role::admin) {
          ASSIGN_OR_RETURN(auto programs,
                           tx.query("SELECT program_id FROM staff_programs WHERE user_id = ?", {who.user_id}));
          for (const auto& p : programs) mine.insert(p.text(0));
        }
        ASSIGN_OR_RETURN(auto names, load_names(tx, who.org_id));
        json::array items;
        for (const auto& s : sessions) {
          // Staff see the sessions of their programs; a patient's own schedule shows only theirs.
          if (!filter.patient_id && who.role != domain::Role::admin && !mine.count(s.program_id)) continue;
          bool with_patients = false;
          if (s.kind != "group" && who.role != domain::Role::admin) {
            ASSIGN_OR_RETURN(with_patients,
                             access_.allowed_patient(tx, ctx, Action::schedule_read, s.patient_ids.front()));
            if (!with_patients && !filter.patient_id) continue;  // someone else's appointment
          }
          items.push_back(session_json(s, with_patients || (filter.patient_id && s.kind != "group"), &names));
        }
        return ok(json::object{{"items", std::move(items)}, {"next_cursor", nullptr}});
      },
      std::move(done));
}

void Operations::patch_session(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto found, find_session(tx, who.org_id, id));
        if (!found) return Status::NotFound();
        SessionInfo s = *found;
        if (s.kind == "group") {
          RETURN_IF_ERROR(access_.require_program(tx, ctx, audit, Action::schedule_manage, s.program_id));
        } else {
          RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::appointment_book, s.patient_ids.front(),
                                                  "appointment", id));
        }
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, s.version, id));
        auto starts = f.timestamp("starts", false), ends = f.timestamp("ends", false);
        auto cancelled = f.boolean("cancelled", false);
        auto room = f.string("room_id", false, {1, 64});
        auto reason = f.string("reason", false, {1, 500});
        f.reject_unknown();
        TimePoint ns = starts ? *parse_rfc3339(*starts) : s.starts, ne = ends ? *parse_rfc3339(*ends) : s.ends;
        if (f.ok() && ne <= ns) f.fail("ends", "must be after starts", "after_start");
        if (f.ok() && to_millis(ne) - to_millis(ns) > 12 * 3600 * 1000)
          f.fail("ends", "a session lasts at most 12 hours", "range");
        if (room) {
          ASSIGN_OR_RETURN(auto r,
                           tx.query_one("SELECT 1 FROM rooms WHERE id = ? AND org_id = ?", {*room, who.org_id}));
          if (!r) f.fail("room_id", "is not a room of this organization", "unknown_reference");
        }
        if (!f.ok()) return f.status();
        const bool cancel = cancelled.value_or(false);
        const std::optional<std::string> new_room = room ? room : s.room_id;
        if (!cancel) RETURN_IF_ERROR(check_conflicts(tx, who.org_id, s.patient_ids, s.staff_ids, new_room, ns, ne, id));
        const int64_t now = to_millis(ctx.now);
        if (s.kind == "group") {
          RETURN_IF_ERROR(tx.exec(
              "INSERT INTO session_overrides (org_id, session_id, group_id, local_date, cancelled, starts_at, ends_at, "
              "room_id, reason, version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) "
              "DO UPDATE SET cancelled = excluded.cancelled, starts_at = excluded.starts_at, ends_at = "
              "excluded.ends_at, "
              "room_id = excluded.room_id, reason = excluded.reason, version = excluded.version, updated_at = "
              "excluded.updated_at",
              {who.org_id, id, *s.group_id, format_date(s.local_date), cancel, to_millis(ns), to_millis(ne), new_room,
               reason, s.version + 1, now}));
        } else {
          RETURN_IF_ERROR(
              tx.exec("UPDATE appointments SET starts_at = ?, ends_at = ?, room_id = ?, status = ?, reason = "
                      "COALESCE(?, reason), "
                      "version = version + 1, updated_at = ? WHERE id = ?",
                      {to_millis(ns), to_millis(ne), new_room, cancel ? "cancelled" : "booked", reason, now, id}));
        }
        audit.record(cancel ? "session_cancel" : "session_move", "session", id,
                     s.kind == "group" ? std::nullopt : std::optional<std::string>(s.patient_ids.front()));
        ASSIGN_OR_RETURN(auto updated, find_session(tx, who.org_id, id));
        return ok(session_json(*updated, s.kind != "group"));
      },
      std::move(done));
}

void Operations::book_appointment(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto patient = f.string("patient_id", true, {1, 64});
  auto kind = f.one_of("kind", true, {"individual", "psychiatrist", "family"});
  auto staff = f.string("staff_id", false, {1, 64});
  auto starts = f.timestamp("starts", true), ends = f.timestamp("ends", false);
  auto room = f.string("room_id", false, {1, 64});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::appointment_book, *patient, "appointment", ""));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, *patient));
        if (!pc || !pc->active() || !pc->program)
          return Status::ConflictWith({"state", *patient}, "The patient has no active episode of care.");
        std::vector<FieldError> errors;
        std::optional<std::string> s =
            staff ? staff : (*kind == "psychiatrist" ? pc->psychiatrist_id : pc->therapist_id);
        if (!s)
          errors.push_back(
              {"staff_id", "is required: the care team has nobody for this kind of visit", "required", {}});
        else {
          registry::StaffCheck check{true,
                                     *kind == "psychiatrist"
                                         ? std::vector<std::string>{"psychiatrist"}
                                         : std::vector<std::string>{"therapist", "clinical_director", "psychiatrist"},
                                     pc->program->id};
          ASSIGN_OR_RETURN(bool good, registry::check_staff(tx, who.org_id, *s, check, "staff_id", errors));
          (void)good;
        }
        const TimePoint st = *parse_rfc3339(*starts);
        const TimePoint en =
            ends ? *parse_rfc3339(*ends) : from_millis(to_millis(st) + default_minutes(*kind) * kMinute);
        if (en <= st) errors.push_back({"ends", "must be after starts", "after_start", {}});
        if (to_millis(en) - to_millis(st) > 4 * 3600 * 1000)
          errors.push_back({"ends", "an appointment lasts at most 4 hours", "range", {}});
        if (room) {
          ASSIGN_OR_RETURN(auto r,
                           tx.query_one("SELECT 1 FROM rooms WHERE id = ? AND org_id = ?", {*room, who.org_id}));
          if (!r) errors.push_back({"room_id", "is not a room of this organization", "unknown_reference", {}});
        }
        if (errors.empty() && s) {
          ASSIGN_OR_RETURN(int avail, staff_availability_ok(tx, who.org_id, *s, st, en));
          if (avail < 0)
            errors.push_back({"staff_id", "has no availability on record; set it first", "no_availability", {}});
          if (avail == 0)
            errors.push_back({"starts", "is outside the staff member's availability", "outside_availability", {}});
          ASSIGN_OR_RETURN(auto busy, patient_unavailable(tx, *patient));
          if (during_unavailable(busy, st, en, pc->program->time_zone))
            errors.push_back({"starts", "is during the patient's unavailable hours", "patient_unavailable", {}});
        }
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        RETURN_IF_ERROR(check_conflicts(tx, who.org_id, {*patient}, {*s}, room, st, en, ""));
        const std::string id = auth::new_id("apt");
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO appointments (org_id, id, program_id, patient_id, staff_id, kind, starts_at, ends_at, "
                    "room_id, status, "
                    "created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?)",
                    {who.org_id, id, pc->program->id, *patient, *s, *kind, to_millis(st), to_millis(en), room,
                     who.user_id, now, now}));
        audit.record("appointment_book", "appointment", id, *patient);
        ASSIGN_OR_RETURN(auto created, find_session(tx, who.org_id, id));
        return ok(session_json(*created, true), 201);
      },
      std::move(done));
}

void Operations::propose(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto patient = f.string("patient_id", true, {1, 64});
  auto kind = f.one_of("kind", true, {"individual", "psychiatrist", "family"});
  auto week = f.string("week", true, {8, 8});
  auto staff = f.string("staff_id", false, {1, 64});
  auto limit = f.integer("limit", false, 1, 50);
  f.reject_unknown();
  if (week && !domain::parse_iso_week(*week)) f.fail("week", "must be an ISO week YYYY-Www", "iso_week");
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::appointment_book, *patient, "appointment_proposal", ""));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, *patient));
        if (!pc || !pc->active() || !pc->program)
          return Status::ConflictWith({"state", *patient}, "The patient has no active episode of care.");
        std::optional<std::string> s =
            staff ? staff : (*kind == "psychiatrist" ? pc->psychiatrist_id : pc->therapist_id);
        if (!s)
          return Status::Invalid(
              {{"staff_id", "is required: the care team has nobody for this kind of visit", "required", {}}});
        ASSIGN_OR_RETURN(
            auto avail,
            tx.query_one(
                "SELECT time_zone, weekly, exceptions FROM staff_availability WHERE user_id = ? AND org_id = ?",
                {*s, who.org_id}));
        json::array slots;
        if (avail) {
          const std::string tz = pc->program->time_zone;
          const int monday = *domain::parse_iso_week(*week);
          const int minutes = default_minutes(*kind);
          ASSIGN_OR_RETURN(auto busy, patient_unavailable(tx, *patient));
          SessionFilter pf, sf;
          pf.patient_id = *patient;
          sf.staff_id = *s;
          pf.include_cancelled = sf.include_cancelled = false;
          ASSIGN_OR_RETURN(auto p_sessions, list_session_infos(tx, who.org_id, monday - 1, monday + 7, pf));
          ASSIGN_OR_RETURN(auto s_sessions, list_session_infos(tx, who.org_id, monday - 1, monday + 7, sf));
          const json::array weekly = parse_array(avail->text(1)), exceptions = parse_array(avail->text(2));
          const size_t max = static_cast<size_t>(limit.value_or(10));
          for (int d = monday; d < monday + 7 && slots.size() < max; ++d) {
            if (pc->program->settings.closures.count(format_date(d))) continue;
            for (const auto& [ws, we] : windows_on(weekly, exceptions, d)) {
              for (int m = ws; m + minutes <= we && slots.size() < max; m += 30) {
                const TimePoint st = local_time_to_utc(d, m, avail->text(0)),
                                en = from_millis(to_millis(st) + minutes * kMinute);
                if (st < ctx.now) continue;
                if (during_unavailable(busy, st, en, tz)) continue;
                bool clash = false;
                for (const auto* list : {&p_sessions, &s_sessions})
                  for (const auto& x : *list) clash = clash || domain::overlaps(st, en, x.starts, x.ends);
                if (clash) continue;
                slots.push_back(json::object{
                    {"starts", format_rfc3339_in(st, tz)}, {"ends", format_rfc3339_in(en, tz)}, {"staff_id", *s}});
              }
            }
          }
        }
        return ok(json::object{
            {"patient_id", *patient}, {"kind", *kind}, {"week", *week}, {"staff_id", *s}, {"slots", std::move(slots)}});
      },
      std::move(done));
}

}  // namespace pomost::service
