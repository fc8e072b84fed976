// Continuous monitoring: instruments and check-in forms, check-ins and measures with their risk
// rules evaluated in the same transaction, due lists, alerts (list, acknowledge, resolve, seen,
// live stream), crises, safety plans, and the time-driven work (escalations, missed check-ins).
#pragma once
#include <memory>
#include <string>

#include "core/work_queue.h"
#include "domain/instrument.h"
#include "domain/risk_rules.h"
#include "service/access.h"
#include "service/alerts.h"
#include "service/auth_service.h"
#include "service/event_hub.h"
#include "service/registry_service.h"
#include "service/runner.h"

namespace pomost::service {

class Monitoring {
 public:
  Monitoring(Runner& runner, const Access& access, const Clock& clock, const domain::InstrumentCatalog& instruments,
             const domain::ReasonCatalog& reasons, const AlertEngine& alerts, EventHub& hub, AuthService& auth,
             WorkQueue& feed_pool)
      : runner_(runner),
        access_(access),
        clock_(clock),
        instruments_(instruments),
        reasons_(reasons),
        alerts_(alerts),
        hub_(hub),
        auth_(auth),
        feed_pool_(feed_pool) {}

  void list_instruments(const RequestContext& ctx, Done done);
  void get_instrument(const RequestContext& ctx, const std::string& id, Done done);
  void checkin_form(const RequestContext& ctx, const Query& q, Done done);

  void submit_checkin(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);
  void list_checkins(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);
  void submit_assessment(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);
  void list_assessments(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);
  void due(const RequestContext& ctx, const std::string& patient_id, Done done);

  void list_alerts(const RequestContext& ctx, const Query& q, Done done);
  void get_alert(const RequestContext& ctx, const std::string& id, Done done);
  void acknowledge(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void resolve(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void seen(const RequestContext& ctx, const std::string& id, Done done);
  // GET /alerts/stream: server-sent events from `last_event_id` (or from now).
  void stream(const RequestContext& ctx, const std::string& last_event_id, Done done);

  void open_crisis(const RequestContext& ctx, const json::object& body, Done done);
  void list_crises(const RequestContext& ctx, const Query& q, Done done);
  void get_crisis(const RequestContext& ctx, const std::string& id, Done done);
  void patch_crisis(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void crisis_action(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  // `?version=N` reads an earlier version; without it, the current one.
  void get_safety_plan(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);
  void put_safety_plan(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);

  // GET /census?program_id=: one row per active patient the caller may see.
  void census(const RequestContext& ctx, const Query& q, Done done);
  // GET /worklist?program_id=&date=: the day's check-ins, alerts, measures due, roster gaps.
  void worklist(const RequestContext& ctx, const Query& q, Done done);

  // The time-driven work, called every few hundred milliseconds by the ticker thread.
  void tick(TimePoint now);

  const AlertEngine& alerts() const { return alerts_; }
  const Access& access() const { return access_; }
  Runner& runner() { return runner_; }

 private:
  struct Submission;
  // The per-program measurement schedule of rules.md for one patient on a program-local day:
  // each measure's window [from, to) in local dates and whether it is done, due or overdue.
  struct ScheduledMeasure {
    std::string instrument, schedule, status;
    int from = 0, to = 0;
  };
  Result<std::vector<ScheduledMeasure>> scheduled_measures(store::Tx& tx, const ProgramInfo& program,
                                                           const std::string& patient_id,
                                                           const std::string& admitted_on,
                                                           const std::optional<std::string>& planned_discharge_on,
                                                           int today) const;
  Result<Reply> submit(store::Tx& tx, Audit& audit, const RequestContext& ctx, const std::string& patient_id,
                       const std::string& form_id, const json::object& answers, bool checkin);
  Status missed_checkins(const std::string& program_id, TimePoint now);
  void on_alert(const RequestContext& ctx, const std::string& id, domain::Action high, domain::Action low,
                std::function<Status(store::Tx&, const std::string& user)> change, Done done);

  Runner& runner_;
  const Access& access_;
  const Clock& clock_;
  const domain::InstrumentCatalog& instruments_;
  const domain::ReasonCatalog& reasons_;
  const AlertEngine& alerts_;
  EventHub& hub_;
  AuthService& auth_;
  WorkQueue& feed_pool_;
  int64_t last_cleanup_ = 0;
};

}  // namespace pomost::service
