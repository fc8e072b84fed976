// Program operations: availability, session occurrences (generated from tracks, moved or
// cancelled one at a time), appointments with conflict checks and proposals, attendance and
// hours against the weekly minimum, certification of need, placement around work hours.
#pragma once
#include <string>

#include "domain/placement.h"
#include "domain/schedule.h"
#include "service/access.h"
#include "service/alerts.h"
#include "service/registry_service.h"
#include "service/runner.h"

namespace pomost::service {

// One occurrence of a group session or one appointment.
struct SessionInfo {
  std::string id;
  std::string kind;  // group, individual, psychiatrist, family
  std::string program_id;
  std::string time_zone;
  std::optional<std::string> group_id, track_id, title, room_id;
  TimePoint starts, ends;
  std::vector<std::string> staff_ids;
  std::vector<std::string> patient_ids;
  std::string status = "scheduled";   // scheduled, moved, cancelled
  std::optional<std::string> reason;  // why it was moved or cancelled
  int64_t version = 1;
  int local_date = 0;
};

class Operations {
 public:
  Operations(Runner& runner, const Access& access, const AlertEngine& alerts)
      : runner_(runner), access_(access), alerts_(alerts) {}

  void get_staff_availability(const RequestContext& ctx, const std::string& id, Done done);
  void put_staff_availability(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void get_patient_availability(const RequestContext& ctx, const std::string& id, Done done);
  void put_patient_availability(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  void list_sessions(const RequestContext& ctx, const Query& q, Done done);
  void patch_session(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void book_appointment(const RequestContext& ctx, const json::object& body, Done done);
  void propose(const RequestContext& ctx, const json::object& body, Done done);

  void get_attendance(const RequestContext& ctx, const std::string& session_id, Done done);
  void put_attendance(const RequestContext& ctx, const std::string& session_id, const json::object& body, Done done);
  void group_roster(const RequestContext& ctx, const std::string& group_id, const Query& q, Done done);
  void hours(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);
  // One patient's attendance records, `?from=&to=` (program-local dates, at most 366 days).
  void patient_attendance(const RequestContext& ctx, const std::string& patient_id, const Query& q, Done done);

  void get_certification(const RequestContext& ctx, const std::string& episode_id, Done done);
  void put_certification(const RequestContext& ctx, const std::string& episode_id, const json::object& body, Done done);

  void placement(const RequestContext& ctx, const std::string& program_id, const json::object& body, Done done);

  // Time-driven: the weekly minimum out of reach (mid-week) and due reviews, co-signatures and
  // certifications become signals for the risk rules.
  Status tick(TimePoint now);

 private:
  Runner& runner_;
  const Access& access_;
  const AlertEngine& alerts_;
};

// Sessions of the organization on local dates [from, to] (both groups and appointments), narrowed
// by the filters that are set.
struct SessionFilter {
  std::optional<std::string> program_id, track_id, group_id, staff_id, patient_id, room_id;
  bool include_cancelled = true;
};
Result<std::vector<SessionInfo>> list_session_infos(store::Tx& tx, const std::string& org_id, int from, int to,
                                                    const SessionFilter& f);
Result<std::optional<SessionInfo>> find_session(store::Tx& tx, const std::string& org_id, const std::string& id);

// Minutes attended in the ISO week starting `monday` (program time zone), and minutes still
// scheduled from `now` to the week's end.
struct WeekHours {
  std::string week;
  int64_t attended = 0;
  int64_t remaining = 0;
  int64_t minimum = 0;
};
// The due dates the worklist lists and the daily job turns into info alerts (rules.md).
struct PlanReviewDue {
  int64_t due_at = 0;     // UTC millis
  bool has_plan = false;  // else the first plan is due within 7 days of admission
};
Result<PlanReviewDue> plan_review_due(store::Tx& tx, const std::string& patient_id, const std::string& admitted_on,
                                      const std::string& time_zone);
struct CertificationDue {
  std::string due_on;  // program-local date
  bool renewal = false;
};
Result<CertificationDue> certification_due(store::Tx& tx, const std::string& episode_id,
                                           const std::string& admitted_on);

Result<WeekHours> week_hours(store::Tx& tx, const std::string& org_id, const std::string& patient_id,
                             const std::string& program_id, int monday, TimePoint now);

}  // namespace pomost::service
