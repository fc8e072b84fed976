// Alerts: raising and de-duplicating them, notifying the right people, escalating on deadlines,
// acknowledging and resolving — all inside the caller's transaction, as rules.md says. Every
// notification, escalation and acknowledgement lands in the alert's history, on the live stream
// (a durable event sequence) and in the delivery outbox (webhooks, e-mail).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "domain/risk_rules.h"
#include "service/patient_context.h"
#include "store/db.h"

namespace pomost::service {

struct AlertOptions {
  std::string public_url = "http://127.0.0.1:8080";  // links in webhooks and e-mails
  bool email = false;                                // SMTP configured
};

struct RaisedAlert {
  std::string id, rule, severity, status;
};

class AlertEngine {
 public:
  AlertEngine(const domain::ReasonCatalog& reasons, AlertOptions options) : reasons_(reasons), o_(std::move(options)) {}

  // Records a risk event per reason and raises (or repeats, or raises the severity of) the
  // patient's alert for each rule.
  Result<std::vector<RaisedAlert>> raise(store::Tx& tx, const PatientContext& patient, const std::string& program_id,
                                         const std::vector<domain::Reason>& reasons, const std::string& source_type,
                                         const std::optional<std::string>& source_id, TimePoint now) const;

  // Escalates every alert whose deadline has passed; returns how many.
  // Escalates every alert past its deadline; answers the alerts it escalated (for the audit trail).
  struct Escalated {
    std::string org_id, id, patient_id;
  };
  Result<std::vector<Escalated>> escalate_due(store::Tx& tx, TimePoint now) const;

  Status acknowledge(store::Tx& tx, const std::string& alert_id, const std::string& user_id,
                     const std::optional<std::string>& note, TimePoint now) const;
  // Resolves the patient's open alert of `rule` (an info alert for a due item) once the item is
  // done, with the person who did it and `note` on record.
  Status resolve_done(store::Tx& tx, const std::string& patient_id, const std::string& rule, const std::string& user_id,
                      const std::string& note, TimePoint now) const;
  Status resolve(store::Tx& tx, const std::string& alert_id, const std::string& user_id, const std::string& note,
                 TimePoint now) const;
  Status seen(store::Tx& tx, const std::string& alert_id, const std::string& user_id, TimePoint now) const;

  // The alert as GET /alerts/{id} shows it (reasons in `lang`), with or without its history.
  Result<json::object> to_json(store::Tx& tx, const std::string& alert_id, const std::string& lang,
                               bool with_history) const;

  static int severity_rank(const std::string& severity);

 private:
  struct AlertRow;
  Result<std::optional<AlertRow>> load(store::Tx& tx, const std::string& alert_id) const;
  Status notify(store::Tx& tx, const AlertRow& a, const std::vector<std::string>& recipients, const std::string& why,
                TimePoint now) const;
  Status stream(store::Tx& tx, const AlertRow& a, const std::string& kind, TimePoint now) const;
  Status outbox_webhooks(store::Tx& tx, const AlertRow& a, const std::optional<std::string>& recipient,
                         TimePoint now) const;
  Status history(store::Tx& tx, const AlertRow& a, const std::string& kind, const std::optional<std::string>& user,
                 const std::optional<std::string>& recipient, const std::string& channels, const std::string& detail,
                 TimePoint now) const;
  // Who hears of an alert at once. When an on-call tier of the first step is empty, the chain's
  // next steps are taken at once too (rules.md), and `start_step` says where the chain now stands.
  Result<std::vector<std::string>> first_recipients(store::Tx& tx, const AlertRow& a, TimePoint now,
                                                    int64_t& start_step) const;
  Result<std::vector<std::string>> escalation_step(store::Tx& tx, const AlertRow& a, int step, TimePoint now,
                                                   bool& exists) const;

  const domain::ReasonCatalog& reasons_;
  AlertOptions o_;
};

}  // namespace pomost::service
