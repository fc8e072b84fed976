// Alerts over the API (list, read, acknowledge, resolve, seen, the live stream), crises and
// safety plans.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "auth/crypto.h"
#include "core/time.h"
#include "service/monitoring.h"
#include "service/patient_context.h"
#include "service/registry_common.h"

namespace pomost::service {

using domain::Action;

namespace {

Result<std::optional<store::Row>> alert_patient(store::Tx& tx, const std::string& org, const std::string& id) {
  return tx.query_one("SELECT patient_id, severity, status FROM alerts WHERE id = ? AND org_id = ?", {id, org});
}

}  // namespace

void Monitoring::list_alerts(const RequestContext& ctx, const Query& q, Done done) {
  RETURN_IF_ERROR_DONE(domain::role_may_ever({ctx.principal().role, ctx.principal().licensed}, Action::alert_read)
                           ? Status::Ok()
                           : Status(Code::permission_denied, "Your role may not do this.").with_rule("deny.role_never"),
                       done);
  std::string status = q.get("status").value_or("active");
  if (status != "active" && status != "open" && status != "acknowledged" && status != "escalated" &&
      status != "resolved" && status != "all")
    return done(Status(Code::bad_request, "`status` must be active, open, acknowledged, escalated, resolved or all."));
  auto program = q.get("program_id"), patient = q.get("patient_id");
  auto page = parse_page(q);
  if (!page.ok()) return done(page.status());
  // Keyset over (severity rank desc, raised_at desc, id): the cursor is the last row returned.
  struct Key {
    int64_t rank = 0, raised = 0;
    std::string id;
  };
  std::optional<Key> after;
  if (!page->after.empty()) {
    const auto& c = page->after;
    const size_t d1 = c.find('.'), d2 = d1 == std::string::npos ? d1 : c.find('.', d1 + 1);
    try {
      if (d2 == std::string::npos) throw std::invalid_argument("cursor");
      after = Key{std::stoll(c.substr(0, d1)), std::stoll(c.substr(d1 + 1, d2 - d1 - 1)), c.substr(d2 + 1)};
    } catch (const std::exception&) {
      return done(Status(Code::bad_request, "`cursor` is not one this list gave out."));
    }
  }
  const int64_t limit = page->limit;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        std::unordered_map<std::string, bool> may;
        json::array items;
        std::optional<Key> last = after;
        bool exhausted = false;
        // Rows outside the caller's reach are skipped, so read in batches until the page is full:
        // the most urgent alerts come first and none is cut off by a fixed window.
        while (static_cast<int64_t>(items.size()) < limit && !exhausted) {
          const int64_t batch = std::max<int64_t>(limit * 2, 100);
          ASSIGN_OR_RETURN(
              auto rows,
              tx.query("SELECT id, patient_id, rank, raised_at FROM (SELECT id, patient_id, raised_at, CASE severity "
                       "WHEN 'imminent' THEN 4 WHEN 'high' THEN 3 WHEN 'warning' THEN 2 ELSE 1 END AS rank "
                       "FROM alerts WHERE org_id = ? AND (? IS NULL OR program_id = ?) AND "
                       "(? IS NULL OR patient_id = ?) AND (? = 'all' OR (? = 'active' AND status <> 'resolved') OR "
                       "status = ?)) AS a WHERE (? IS NULL OR rank < ? OR (rank = ? AND (raised_at < ? OR "
                       "(raised_at = ? AND id > ?)))) ORDER BY rank DESC, raised_at DESC, id LIMIT ?",
                       {who.org_id, program, program, patient, patient, status, status, status,
                        last ? store::Value(last->rank) : store::Value(), last ? last->rank : 0, last ? last->rank : 0,
                        last ? last->raised : 0, last ? last->raised : 0, last ? last->id : std::string(), batch}));
          exhausted = static_cast<int64_t>(rows.size()) < batch;
          for (const auto& r : rows) {
            if (static_cast<int64_t>(items.size()) >= limit) {
              exhausted = false;
              break;
            }
            last = Key{r.i64(2), r.i64(3), r.text(0)};
            const std::string pid = r.text(1);
            if (!may.count(pid)) {
              ASSIGN_OR_RETURN(bool m, access_.allowed_patient(tx, ctx, Action::alert_read, pid));
              may[pid] = m;
              if (m) audit.record("alert_read", "alert", std::nullopt, pid);
            }
            if (!may[pid]) continue;
            ASSIGN_OR_RETURN(auto o, alerts_.to_json(tx, r.text(0), ctx.lang, false));
            items.push_back(std::move(o));
          }
          if (rows.empty()) exhausted = true;
        }
        json::value cursor = nullptr;
        if (!exhausted && last)
          cursor = std::to_string(last->rank) + "." + std::to_string(last->raised) + "." + last->id;
        return ok(json::object({{"items", std::move(items)}, {"next_cursor", std::move(cursor)}}));
      },
      std::move(done));
}

// One alert, read or changed by someone who may: `high` is the action for high and imminent
// alerts, `low` for warning and info; `change` (may be empty) runs before the alert is answered.
void Monitoring::on_alert(const RequestContext& ctx, const std::string& id, Action high, Action low,
                          std::function<Status(store::Tx&, const std::string& user)> change, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto a, alert_patient(tx, ctx.principal().org_id, id));
        if (!a) {
          audit.denied(change ? "alert_update" : "alert_read", "alert", id, std::nullopt, "deny.unknown_alert");
          return Status::NotFound();
        }
        const std::string severity = a->text(1);
        const Action action = severity == "high" || severity == "imminent" ? high : low;
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, action, a->text(0), "alert", id));
        if (change) RETURN_IF_ERROR(change(tx, ctx.principal().user_id));
        ASSIGN_OR_RETURN(auto o, alerts_.to_json(tx, id, ctx.lang, true));
        return ok(std::move(o));
      },
      std::move(done));
}

void Monitoring::get_alert(const RequestContext& ctx, const std::string& id, Done done) {
  on_alert(ctx, id, Action::alert_read, Action::alert_read, nullptr, std::move(done));
}

void Monitoring::acknowledge(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  Fields f(body);
  auto note = f.string("note", false, {1, 2000});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  // High and imminent alerts only by a licensed clinician (rules.md).
  on_alert(
      ctx, id, Action::alert_ack_high, Action::alert_ack_low,
      [this, id, note, now = ctx.now](store::Tx& tx, const std::string& user) {
        return alerts_.acknowledge(tx, id, user, note, now);
      },
      std::move(done));
}

void Monitoring::resolve(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  Fields f(body);
  auto note = f.string("note", true, {3, 2000});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  // Warning and info alerts are closed by whoever may acknowledge them; high ones need the
  // licensed clinician's resolve right.
  on_alert(
      ctx, id, Action::alert_resolve, Action::alert_ack_low,
      [this, id, note = *note, now = ctx.now](store::Tx& tx, const std::string& user) {
        return alerts_.resolve(tx, id, user, note, now);
      },
      std::move(done));
}

void Monitoring::seen(const RequestContext& ctx, const std::string& id, Done done) {
  on_alert(
      ctx, id, Action::alert_seen, Action::alert_seen,
      [this, id, now = ctx.now](store::Tx& tx, const std::string& user) { return alerts_.seen(tx, id, user, now); },
      std::move(done));
}

namespace {

// Server-sent events for one signed-in user: alerts they may see, heartbeats every 15 s, and
// `session_expired` when the session ends (the stream does not keep it alive).
class AlertFeed final : public Feed, public std::enable_shared_from_this<AlertFeed> {
 public:
  AlertFeed(Monitoring& m, store::Store& store, AuthService& auth, EventHub& hub, WorkQueue& pool, const Clock& clock,
            RequestContext ctx, int64_t after)
      : m_(m),
        store_(store),
        auth_(auth),
        hub_(hub),
        pool_(pool),
        clock_(clock),
        ctx_(std::move(ctx)),
        last_seq_(after) {}

  void start() {
    std::weak_ptr<AlertFeed> weak = shared_from_this();
    sub_ = hub_.subscribe([weak] {
      if (auto self = weak.lock()) self->wake();
    });
    next_heartbeat_ = to_millis(clock_.now()) + kHeartbeatMs;
    pending_ = "retry: 3000\n\n";
    wake();
  }

  void next(std::function<void(std::string, bool)> deliver) override {
    std::unique_lock lock(mu_);
    if (!pending_.empty() || ended_) {
      std::string chunk = std::move(pending_);
      pending_.clear();
      bool end = ended_ && chunk.empty();
      lock.unlock();
      deliver(std::move(chunk), end);
      return;
    }
    deliver_ = std::move(deliver);
  }

  void cancel() override {
    hub_.unsubscribe(sub_);
    std::lock_guard lock(mu_);
    ended_ = true;
    deliver_ = nullptr;
  }

 private:
  static constexpr int64_t kHeartbeatMs = 15000;

  void wake() {
    {
      std::lock_guard lock(mu_);
      if (computing_ || (ended_ && !deliver_)) return;
      computing_ = true;
    }
    std::weak_ptr<AlertFeed> weak = shared_from_this();
    if (!pool_.post([weak] {
          if (auto self = weak.lock()) self->compute();
        })) {
      std::lock_guard lock(mu_);
      computing_ = false;
    }
  }

  void compute() {
    std::string frames;
    bool end = false;
    const TimePoint now = clock_.now();
    if (hub_.closed()) {
      end = true;
    } else {
      auto expires = auth_.session_expires_at(ctx_.principal().session_id, now);
      if (!expires.ok() || now >= *expires) {
        frames += "event: session_expired\ndata: {\"message\":\"alerts paused - sign in\"}\n\n";
        end = true;
      }
    }
    std::vector<std::pair<std::string, bool>> first_seen;  // patient, check-in event
    if (!end && hub_.latest() > last_seq_) {
      RequestContext c = ctx_;
      c.now = now;
      Status st = store_.read([&](store::Tx& tx) -> Status {
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT seq, alert_id, patient_id, kind FROM stream_events WHERE seq > ? AND "
                                  "org_id = ? ORDER BY seq LIMIT 200",
                                  {last_seq_, c.principal().org_id}));
        for (const auto& r : rows) {
          last_seq_ = r.i64(0);
          const std::string patient = r.text(2);
          const bool checkin = r.text(3) == "checkin";
          auto& cache = checkin ? may_checkins_ : may_;
          auto cached = cache.find(patient);
          if (cached == cache.end() || to_millis(now) - cached->second.second > 30000) {
            ASSIGN_OR_RETURN(bool may, m_.access().allowed_patient(
                                           tx, c, checkin ? Action::checkin_read : Action::alert_read, patient));
            cached = cache.insert_or_assign(patient, std::make_pair(may, to_millis(now))).first;
          }
          if (!cached->second.first) continue;
          if ((checkin ? audited_checkins_ : audited_).insert(patient).second)
            first_seen.emplace_back(patient, checkin);
          if (checkin) {
            ASSIGN_OR_RETURN(auto row, tx.query_one("SELECT local_date, submitted_at, risk_level, on_behalf, "
                                                    "program_id FROM checkins WHERE id = ?",
                                                    {r.text(1)}));
            if (!row) continue;
            json::object o{{"id", r.text(1)},
                           {"patient_id", patient},
                           {"program_id", row->text(4)},
                           {"local_date", row->text(0)},
                           {"submitted_at", registry::ts(row->i64(1))},
                           {"on_behalf", row->boolean(3)},
                           {"risk", json::object{{"level", row->text(2)}}}};
            frames += "id: " + std::to_string(r.i64(0)) + "\nevent: checkin\ndata: " + json::serialize(o) + "\n\n";
            continue;
          }
          ASSIGN_OR_RETURN(auto alert, m_.alerts().to_json(tx, r.text(1), c.lang, false));
          frames += "id: " + std::to_string(r.i64(0)) + "\nevent: alert\ndata: " + json::serialize(alert) + "\n\n";
        }
        return Status::Ok();
      });
      if (!st.ok()) spdlog::warn("alert stream: {}", st.message());
    }
    // The stream is one request: each patient it shows is on record once (rules.md), under the
    // stream's request id, and before anything about them leaves: events wait for that commit.
    // If the audit cannot be written, the stream ends and shows nothing more; the client resumes
    // from the last event it received, and a new stream tries again.
    if (!first_seen.empty()) {
      RequestContext c = ctx_;
      c.now = now;
      c.idempotency_key.reset();
      std::weak_ptr<AlertFeed> weak = shared_from_this();
      m_.runner().write(
          c,
          [first_seen](store::Tx&, Audit& audit) -> Result<Reply> {
            for (const auto& [patient, checkin] : first_seen)
              audit.record(checkin ? "checkin_stream_read" : "alert_stream_read", "alert_stream", std::nullopt,
                           patient);
            return Reply{204, nullptr, {}};
          },
          [weak, frames = std::move(frames), end, now](Result<Reply> r) mutable {
            auto self = weak.lock();
            if (!self) return;
            if (!r.ok()) {
              spdlog::error("alert stream audit: {}", r.status().message());
              frames.clear();
              end = true;
            }
            self->publish(std::move(frames), end, now);
          });
      return;
    }
    publish(std::move(frames), end, now);
  }

  // Hands the computed frames (and a heartbeat when due) to the waiting connection.
  void publish(std::string frames, bool end, TimePoint now) {
    if (!end && to_millis(now) >= next_heartbeat_) {
      frames += ": heartbeat\n\n";
      next_heartbeat_ = to_millis(now) + kHeartbeatMs;
    }
    std::function<void(std::string, bool)> deliver;
    std::string chunk;
    bool finish = false;
    {
      std::lock_guard lock(mu_);
      computing_ = false;
      pending_ += frames;
      if (end) ended_ = true;
      if (deliver_ && (!pending_.empty() || ended_)) {
        deliver = std::move(deliver_);
        deliver_ = nullptr;
        chunk = std::move(pending_);
        pending_.clear();
        finish = ended_ && chunk.empty();
      }
    }
    if (end) hub_.unsubscribe(sub_);
    if (deliver) deliver(std::move(chunk), finish);
    // More may be waiting than one batch (LIMIT 200): go again at once.
    if (!end && hub_.latest() > last_seq_) wake();
  }

  Monitoring& m_;
  store::Store& store_;
  AuthService& auth_;
  EventHub& hub_;
  WorkQueue& pool_;
  const Clock& clock_;
  RequestContext ctx_;
  int64_t last_seq_;
  int64_t next_heartbeat_ = 0;
  uint64_t sub_ = 0;
  std::unordered_map<std::string, std::pair<bool, int64_t>> may_;  // patient -> (may read, decided at)
  std::unordered_map<std::string, std::pair<bool, int64_t>> may_checkins_;
  std::unordered_set<std::string> audited_, audited_checkins_;
  std::mutex mu_;
  std::string pending_;
  bool ended_ = false;
  bool computing_ = false;
  std::function<void(std::string, bool)> deliver_;
};

}  // namespace

void Monitoring::stream(const RequestContext& ctx, const std::string& last_event_id, Done done) {
  const Principal& who = ctx.principal();
  if (!domain::role_may_ever({who.role, who.licensed}, Action::alert_read))
    return done(Status(Code::permission_denied, "Your role may not do this.").with_rule("deny.role_never"));
  int64_t after = hub_.latest();
  if (!last_event_id.empty()) {
    try {
      size_t used = 0;
      after = std::stoll(last_event_id, &used);
      if (used != last_event_id.size() || after < 0) throw std::invalid_argument("id");
    } catch (const std::exception&) {
      return done(Status(Code::bad_request, "Last-Event-ID must be an event id from this stream."));
    }
    after = std::min(after, hub_.latest());
  }
  auto feed = std::make_shared<AlertFeed>(*this, runner_.store(), auth_, hub_, feed_pool_, clock_, ctx, after);
  feed->start();
  Reply r;
  r.status = 200;
  r.content_type = "text/event-stream; charset=utf-8";
  r.stream = feed;
  r.headers.emplace_back("X-Accel-Buffering", "no");
  done(std::move(r));
}

namespace {

constexpr auto kDispositions = std::to_array<std::string_view>(
    {"stabilized_continuing", "step_up_php", "step_up_inpatient", "emergency_department"});
constexpr auto kCrisisActions = std::to_array<std::string_view>(
    {"patient_contacted", "safety_plan_reviewed", "emergency_services_called", "mobile_crisis_team", "family_contacted",
     "means_restricted", "psychiatrist_consulted", "note"});

Result<json::object> crisis_json(store::Tx& tx, const std::string& id) {
  ASSIGN_OR_RETURN(
      auto r, tx.query_one("SELECT id, patient_id, program_id, alert_id, status, opened_by, opened_at, disposition, "
                           "closed_at, closed_by, version, episode_id FROM crises WHERE id = ?",
                           {id}));
  if (!r) return Status::NotFound();
  json::object o;
  o["id"] = r->text(0);
  o["patient_id"] = r->text(1);
  o["program_id"] = r->text(2);
  o["alert_id"] = opt(r->opt_text(3));
  o["status"] = r->text(4);
  o["opened_by"] = r->text(5);
  o["opened_at"] = registry::ts(r->i64(6));
  o["disposition"] = opt(r->opt_text(7));
  o["closed_at"] = r->is_null(8) ? json::value(nullptr) : json::value(registry::ts(r->i64(8)));
  o["closed_by"] = opt(r->opt_text(9));
  o["version"] = r->i64(10);
  o["episode_id"] = opt(r->opt_text(11));
  ASSIGN_OR_RETURN(
      auto resp,
      tx.query("SELECT user_id FROM crisis_responders WHERE crisis_id = ? ORDER BY added_at, user_id", {id}));
  json::array responders;
  for (const auto& x : resp) responders.emplace_back(x.text(0));
  o["responders"] = std::move(responders);
  ASSIGN_OR_RETURN(auto acts,
                   tx.query("SELECT id, kind, at, user_id, note, recorded_at FROM crisis_actions WHERE crisis_id = ? "
                            "ORDER BY at, seq",
                            {id}));
  json::array actions;
  for (const auto& a : acts)
    actions.push_back(json::object({{"id", a.text(0)},
                                    {"kind", a.text(1)},
                                    {"at", registry::ts(a.i64(2))},
                                    {"user_id", a.text(3)},
                                    {"note", opt(a.opt_text(4))},
                                    {"recorded_at", registry::ts(a.i64(5))}}));
  o["actions"] = std::move(actions);
  return o;
}

Status add_responder(store::Tx& tx, const std::string& org, const std::string& crisis, const std::string& user,
                     int64_t now) {
  ASSIGN_OR_RETURN(auto have,
                   tx.query_one("SELECT 1 FROM crisis_responders WHERE crisis_id = ? AND user_id = ?", {crisis, user}));
  if (have) return {};
  return tx
      .exec("INSERT INTO crisis_responders (org_id, crisis_id, user_id, added_at) VALUES (?, ?, ?, ?)",
            {org, crisis, user, now})
      .status();
}

}  // namespace

void Monitoring::open_crisis(const RequestContext& ctx, const json::object& body, Done done) {
  Fields f(body);
  auto patient_id = f.string("patient_id", true, {1, 64});
  auto alert_id = f.string("alert_id", false, {1, 64});
  f.reject_unknown();
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::crisis_manage, *patient_id, "crisis", ""));
        ASSIGN_OR_RETURN(auto pc, load_patient_context(tx, who.org_id, *patient_id));
        if (!pc || !pc->active() || !pc->program)
          return Status::ConflictWith({"state", *patient_id}, "The patient has no active episode of care.");
        if (alert_id) {
          ASSIGN_OR_RETURN(auto a, tx.query_one("SELECT patient_id FROM alerts WHERE id = ? AND org_id = ?",
                                                {*alert_id, who.org_id}));
          if (!a || a->text(0) != *patient_id)
            return Status::Invalid({{"alert_id", "is not an alert of this patient", "unknown_alert"}});
        }
        const std::string id = auth::new_id("crs");
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO crises (org_id, id, patient_id, episode_id, program_id, alert_id, opened_by, "
                    "opened_at, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open')",
                    {who.org_id, id, *patient_id, pc->episode_id, pc->program->id, alert_id, who.user_id, now}));
        RETURN_IF_ERROR(add_responder(tx, who.org_id, id, who.user_id, now));
        if (alert_id)
          RETURN_IF_ERROR(tx.exec(
              "INSERT INTO alert_history (org_id, id, alert_id, ord, at, kind, user_id, detail) VALUES "
              "(?, ?, ?, (SELECT count(*) + 1 FROM alert_history WHERE alert_id = ?), ?, 'crisis_opened', ?, ?)",
              {who.org_id, auth::new_id("ahi"), *alert_id, *alert_id, now, who.user_id, id}));
        audit.record("crisis_open", "crisis", id, *patient_id);
        ASSIGN_OR_RETURN(auto o, crisis_json(tx, id));
        return ok(std::move(o), 201);
      },
      std::move(done));
}

void Monitoring::list_crises(const RequestContext& ctx, const Query& q, Done done) {
  auto patient = q.get("patient_id"), program = q.get("program_id");
  std::string status = q.get("status").value_or("open");
  if (status != "open" && status != "closed" && status != "all")
    return done(Status(Code::bad_request, "`status` must be open, closed or all."));
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(
            auto rows,
            tx.query("SELECT id, patient_id FROM crises WHERE org_id = ? AND (? IS NULL OR patient_id = ?) AND "
                     "(? IS NULL OR program_id = ?) AND (? = 'all' OR status = ?) ORDER BY opened_at DESC LIMIT 200",
                     {ctx.principal().org_id, patient, patient, program, program, status, status}));
        json::array items;
        for (const auto& r : rows) {
          ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::crisis_manage, r.text(1)));
          if (!may) {
            ASSIGN_OR_RETURN(may, access_.allowed_patient(tx, ctx, Action::chart_read, r.text(1)));
          }
          if (!may) continue;
          audit.record("crisis_read", "crisis", r.text(0), r.text(1));
          ASSIGN_OR_RETURN(auto o, crisis_json(tx, r.text(0)));
          items.push_back(std::move(o));
        }
        return ok(json::object({{"items", std::move(items)}, {"next_cursor", nullptr}}));
      },
      std::move(done));
}

void Monitoring::get_crisis(const RequestContext& ctx, const std::string& id, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        ASSIGN_OR_RETURN(auto c, tx.query_one("SELECT patient_id FROM crises WHERE id = ? AND org_id = ?",
                                              {id, ctx.principal().org_id}));
        if (!c) return Status::NotFound();
        ASSIGN_OR_RETURN(bool may, access_.allowed_patient(tx, ctx, Action::crisis_manage, c->text(0)));
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, may ? Action::crisis_manage : Action::chart_read,
                                                c->text(0), "crisis", id));
        ASSIGN_OR_RETURN(auto o, crisis_json(tx, id));
        return ok(std::move(o));
      },
      std::move(done));
}

void Monitoring::patch_crisis(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(
            auto c,
            tx.query_one("SELECT patient_id, status, version, opened_at FROM crises WHERE id = ? AND org_id = ?",
                         {id, who.org_id}));
        if (!c) return Status::NotFound();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::crisis_manage, c->text(0), "crisis", id));
        Fields f(body);
        RETURN_IF_ERROR(check_version(f, c->i64(2), id));
        auto disposition = f.one_of("disposition", false, kDispositions);
        auto status = f.one_of("status", false, {"open", "closed"});
        auto closed_at = f.timestamp("closed_at", false);
        auto responders = f.string_list("add_responders", false, 20);
        f.reject_unknown();
        if (c->text(1) == "closed") return Status::ConflictWith({"state", id}, "The crisis is closed.");
        const bool closing = status == "closed" || closed_at.has_value();
        if (closing && !disposition) f.fail("disposition", "is required to close a crisis", "required");
        int64_t closed = to_millis(ctx.now);
        if (closed_at) {
          closed = to_millis(*parse_rfc3339(*closed_at));
          if (closed > to_millis(ctx.now) + 60000) f.fail("closed_at", "must not be in the future", "future");
          if (closed < c->i64(3)) f.fail("closed_at", "must not be before the crisis was opened", "before_start");
        }
        std::vector<FieldError> errors = f.errors();
        if (responders)
          for (size_t i = 0; i < responders->size(); ++i) {
            ASSIGN_OR_RETURN(bool okay, registry::check_staff(tx, who.org_id, (*responders)[i], {},
                                                              "add_responders[" + std::to_string(i) + "]", errors));
            (void)okay;
          }
        if (!errors.empty()) return Status::Invalid(std::move(errors));
        const int64_t now = to_millis(ctx.now);
        RETURN_IF_ERROR(tx.exec(
            "UPDATE crises SET disposition = COALESCE(?, disposition), status = ?, closed_at = ?, closed_by = ?, "
            "version = version + 1 WHERE id = ?",
            {disposition, closing ? "closed" : "open", closing ? std::optional<int64_t>(closed) : std::nullopt,
             closing ? std::optional<std::string>(who.user_id) : std::nullopt, id}));
        if (responders)
          for (const auto& r : *responders) RETURN_IF_ERROR(add_responder(tx, who.org_id, id, r, now));
        RETURN_IF_ERROR(add_responder(tx, who.org_id, id, who.user_id, now));
        audit.record(closing ? "crisis_close" : "crisis_update", "crisis", id, c->text(0), std::nullopt,
                     disposition ? "disposition=" + *disposition : "");
        ASSIGN_OR_RETURN(auto o, crisis_json(tx, id));
        return ok(std::move(o));
      },
      std::move(done));
}

void Monitoring::crisis_action(const RequestContext& ctx, const std::string& id, const json::object& body, Done done) {
  Fields f(body);
  auto kind = f.one_of("kind", true, kCrisisActions);
  auto note = f.string("note", false, {1, 4000});
  auto at = f.timestamp("at", false);
  f.reject_unknown();
  if (kind == "note" && !note) f.fail("note", "is required for a note", "required");
  if (at && to_millis(*parse_rfc3339(*at)) > to_millis(ctx.now) + 60000)
    f.fail("at", "must not be in the future", "future");
  if (!f.ok()) return done(f.status());
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        ASSIGN_OR_RETURN(auto c, tx.query_one("SELECT patient_id, status FROM crises WHERE id = ? AND org_id = ?",
                                              {id, who.org_id}));
        if (!c) return Status::NotFound();
        RETURN_IF_ERROR(access_.require_patient(tx, ctx, audit, Action::crisis_manage, c->text(0), "crisis", id));
        if (c->text(1) == "closed") return Status::ConflictWith({"state", id}, "The crisis is closed.");
        const int64_t now = to_millis(ctx.now);
        const int64_t when = at ? to_millis(*parse_rfc3339(*at)) : now;
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO crisis_actions (org_id, id, crisis_id, kind, at, recorded_at, user_id, note, seq) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(max(seq), 0) + 1 FROM crisis_actions WHERE "
                    "crisis_id = ?))",
                    {who.org_id, auth::new_id("cra"), id, *kind, when, now, who.user_id, note, id}));
        RETURN_IF_ERROR(add_responder(tx, who.org_id, id, who.user_id, now));
        audit.record("crisis_action", "crisis", id, c->text(0), std::nullopt, *kind);
        ASSIGN_OR_RETURN(auto o, crisis_json(tx, id));
        return ok(std::move(o), 201);
      },
      std::move(done));
}

namespace {

// The six Stanley–Brown steps (domain.md 6.1), plus reasons for living.
void read_plan(Fields& f, json::object& out) {
  auto list = [&](const char* key) {
    json::array a;
    if (auto* arr = f.array(key, false)) {
      if (arr->size() > 20) f.fail(key, "must have at most 20 entries");
      for (size_t i = 0; i < arr->size(); ++i) {
        const auto& v = (*arr)[i];
        std::string p = std::string(key) + "[" + std::to_string(i) + "]";
        if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 500) {
          f.errors().push_back({f.path(p), "must be a non-empty text of at most 500 characters"});
          continue;
        }
        a.push_back(v);
      }
    }
    out[key] = std::move(a);
  };
  auto contacts = [&](const char* key) {
    json::array a;
    if (auto* arr = f.array(key, false)) {
      if (arr->size() > 20) f.fail(key, "must have at most 20 entries");
      for (size_t i = 0; i < arr->size(); ++i) {
        std::string p = std::string(key) + "[" + std::to_string(i) + "]";
        if (!(*arr)[i].is_object()) {
          f.errors().push_back({f.path(p), "must be an object {name, phone?}"});
          continue;
        }
        Fields g((*arr)[i].as_object(), f.path(p));
        auto name = g.string("name", true, {1, 200});
        auto phone = g.phone("phone", false);
        auto note = g.string("note", false, {1, 300});
        g.reject_unknown();
        for (auto& e : g.errors()) f.errors().push_back(e);
        if (!g.ok()) continue;
        json::object c{{"name", *name}};
        if (phone) c["phone"] = *phone;
        if (note) c["note"] = *note;
        a.push_back(std::move(c));
      }
    }
    out[key] = std::move(a);
  };
  list("warning_signs");
  list("internal_coping");
  contacts("social_distractions");
  contacts("people_to_ask_for_help");
  contacts("professionals_and_agencies");
  list("making_environment_safe");
  list("reasons_for_living");
}

}  // namespace

void Monitoring::get_safety_plan(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done) {
  auto version = q.version();
  if (!version.ok()) return done(version.status());
  const std::optional<int64_t> wanted = *version;
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::safety_plan_read, patient_id, "safety_plan", patient_id));
        ASSIGN_OR_RETURN(auto rows,
                         tx.query("SELECT version, content, with_patient, created_by, created_at FROM safety_plans "
                                  "WHERE patient_id = ? ORDER BY version DESC",
                                  {patient_id}));
        json::object o;
        o["patient_id"] = patient_id;
        size_t shown = 0;  // rows are newest first
        if (wanted) {
          while (shown < rows.size() && rows[shown].i64(0) != *wanted) ++shown;
          if (shown == rows.size()) return Status::NotFound("There is no such version of the safety plan.");
        }
        if (rows.empty()) {
          o["version"] = 0;
          o["plan"] = nullptr;
        } else {
          boost::system::error_code ec;
          json::value plan = json::parse(rows[shown].text(1), ec);
          o["version"] = rows[shown].i64(0);
          o["current_version"] = rows[0].i64(0);
          o["plan"] = ec ? json::value(nullptr) : plan;
          o["with_patient"] = rows[shown].boolean(2);
          o["updated_by"] = rows[shown].text(3);
          o["updated_at"] = registry::ts(rows[shown].i64(4));
        }
        json::array versions;
        for (const auto& r : rows)
          versions.push_back(
              json::object({{"version", r.i64(0)}, {"created_by", r.text(3)}, {"created_at", registry::ts(r.i64(4))}}));
        o["versions"] = std::move(versions);
        ASSIGN_OR_RETURN(auto program,
                         tx.query_one("SELECT p.settings FROM episodes e JOIN programs p ON p.id = e.program_id "
                                      "WHERE e.patient_id = ? AND e.status = 'active'",
                                      {patient_id}));
        o["crisis_resources"] =
            program ? localized_resources(ProgramSettings::parse(program->text(0)).crisis_resources, ctx.lang)
                    : json::array();
        return ok(std::move(o));
      },
      std::move(done));
}

void Monitoring::put_safety_plan(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                                 Done done) {
  runner_.write(
      ctx,
      [=, this](store::Tx& tx, Audit& audit) -> Result<Reply> {
        const Principal& who = ctx.principal();
        RETURN_IF_ERROR(
            access_.require_patient(tx, ctx, audit, Action::safety_plan_write, patient_id, "safety_plan", patient_id));
        ASSIGN_OR_RETURN(
            auto cur,
            tx.query_one("SELECT COALESCE(max(version), 0) FROM safety_plans WHERE patient_id = ?", {patient_id}));
        Fields f(body);
        if (!f.has("version")) {
          f.accept("version");
          return Status(Code::precondition_required, "Send the version you are updating (0 for the first plan).");
        }
        auto version = f.integer("version", true, 0, INT64_MAX);
        if (version && *version != cur->i64(0))
          return Status::ConflictWith({"version", patient_id},
                                      "The safety plan was changed by someone else; reload it.");
        auto with_patient = f.boolean("with_patient", false);
        json::object plan;
        read_plan(f, plan);
        f.reject_unknown();
        if (!f.ok()) return f.status();
        const int64_t next = cur->i64(0) + 1;
        RETURN_IF_ERROR(tx.exec(
            "INSERT INTO safety_plans (org_id, patient_id, version, content, with_patient, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            {who.org_id, patient_id, next, json::serialize(plan), with_patient.value_or(true), who.user_id,
             to_millis(ctx.now)}));
        audit.record("safety_plan_update", "safety_plan", patient_id, patient_id, std::nullopt,
                     "version " + std::to_string(next));
        json::object o{{"patient_id", patient_id},
                       {"version", next},
                       {"plan", plan},
                       {"with_patient", with_patient.value_or(true)},
                       {"updated_by", who.user_id},
                       {"updated_at", registry::ts(to_millis(ctx.now))}};
        return ok(std::move(o));
      },
      std::move(done));
}

}  // namespace pomost::service
