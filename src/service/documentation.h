// Clinical documentation: group notes with per-member entries (never naming another member),
// individual DAP/SOAP, psychiatric and check-in notes; draft -> signed (locked, hashed) ->
// addenda; co-signature of unlicensed staff's notes; treatment plans with reviews and patient
// acknowledgement; the medication list; 12-step and recovery support; the discharge summary.
#pragma once
#include <string>

#include "domain/name_check.h"
#include "service/access.h"
#include "service/alerts.h"
#include "service/registry_service.h"
#include "service/runner.h"

namespace pomost::service {

class Documentation {
 public:
  Documentation(Runner& runner, const Access& access, const domain::NicknameTable& nicknames, const AlertEngine& alerts)
      : runner_(runner), access_(access), nicknames_(nicknames), alerts_(alerts) {}

  void create_note(const RequestContext& ctx, const json::object& body, Done done);
  void update_note(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void get_note(const RequestContext& ctx, const std::string& id, Done done);
  void list_notes(const RequestContext& ctx, const Query& q, Done done);
  void sign_note(const RequestContext& ctx, const std::string& id, Done done);
  void cosign_note(const RequestContext& ctx, const std::string& id, Done done);
  void add_addendum(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void patient_notes(const RequestContext& ctx, const std::string& patient_id, Done done);

  // `?version=N` reads an earlier version (every version is kept).
  void get_treatment_plan(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);
  void put_treatment_plan(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                          Done done);
  void review_treatment_plan(const RequestContext& ctx, const std::string& patient_id, const json::object& body,
                             Done done);
  void acknowledge_treatment_plan(const RequestContext& ctx, const std::string& patient_id, Done done);

  void list_medications(const RequestContext& ctx, const std::string& patient_id, Done done);
  void add_medication(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);
  void change_medication(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  void get_meetings(const RequestContext& ctx, const std::string& patient_id, Done done);
  void post_meetings(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);

  void discharge_summary(const RequestContext& ctx, const std::string& episode_id, Done done);

 private:
  Runner& runner_;
  const Access& access_;
  const domain::NicknameTable& nicknames_;
  const AlertEngine& alerts_;
};

}  // namespace pomost::service
