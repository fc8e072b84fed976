// The registry: organizations and sites, programs and their settings and on-call rosters, staff,
// rooms, tracks, groups, patients, episodes of care, patient accounts, break-glass access,
// notifications. Every use case decides access through Access and runs through the Runner.
#pragma once
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "service/access.h"
#include "service/auth_service.h"
#include "service/runner.h"

namespace pomost::service {

struct Query {
  std::map<std::string, std::string> params;
  std::optional<std::string> get(const std::string& k) const {
    auto it = params.find(k);
    if (it == params.end()) return std::nullopt;
    return it->second;
  }
  // `?version=N` of records that keep every version: none when absent, 400 when not a number >= 1.
  Result<std::optional<int64_t>> version() const {
    auto v = get("version");
    if (!v) return std::optional<int64_t>();
    char* end = nullptr;
    const long long n = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || n < 1)
      return Status(Code::bad_request, "`version` must be a version number (1 or more).");
    return std::optional<int64_t>(n);
  }
};

class RegistryService {
 public:
  // `email`: an SMTP server is configured (the roster warns when nobody can be reached outside the
  // browser).
  RegistryService(Runner& runner, const Access& access, AuthService& auth, WorkQueue& hash_pool, bool email = false)
      : runner_(runner), access_(access), auth_(auth), hash_pool_(hash_pool), email_(email) {}

  // Programs
  void create_program(const RequestContext& ctx, const json::object& body, Done done);
  void list_programs(const RequestContext& ctx, Done done);
  void get_program(const RequestContext& ctx, const std::string& id, Done done);
  void patch_program(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void get_settings(const RequestContext& ctx, const std::string& id, Done done);
  void put_settings(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void get_on_call(const RequestContext& ctx, const std::string& id, Done done);
  void put_on_call(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void create_track(const RequestContext& ctx, const std::string& program_id, const json::object& body, Done done);
  void list_tracks(const RequestContext& ctx, const std::string& program_id, Done done);
  void patch_track(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  // Staff
  void create_staff(const RequestContext& ctx, const json::object& body, Done done);
  void list_staff(const RequestContext& ctx, const Query& q, Done done);
  void get_staff(const RequestContext& ctx, const std::string& id, Done done);
  void patch_staff(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  // Rooms and groups
  void create_room(const RequestContext& ctx, const json::object& body, Done done);
  void list_rooms(const RequestContext& ctx, Done done);
  void patch_room(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void list_sites(const RequestContext& ctx, Done done);
  void create_group(const RequestContext& ctx, const json::object& body, Done done);
  void list_groups(const RequestContext& ctx, const Query& q, Done done);
  void get_group(const RequestContext& ctx, const std::string& id, Done done);
  void patch_group(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  // Patients
  void create_patient(const RequestContext& ctx, const json::object& body, Done done);
  void list_patients(const RequestContext& ctx, const Query& q, Done done);
  void get_patient(const RequestContext& ctx, const std::string& id, Done done);
  void patch_patient(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void search_patients(const RequestContext& ctx, const json::object& body, Done done);
  void create_account(const RequestContext& ctx, const std::string& patient_id, const json::object& body, Done done);

  // Episodes
  void create_episode(const RequestContext& ctx, const json::object& body, Done done);
  void list_episodes(const RequestContext& ctx, const Query& q, Done done);
  void get_episode(const RequestContext& ctx, const std::string& id, Done done);
  void patch_episode(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);
  void discharge_episode(const RequestContext& ctx, const std::string& id, const json::object& body, Done done);

  // Break-glass and notifications
  void break_glass(const RequestContext& ctx, const json::object& body, Done done);
  void list_notifications(const RequestContext& ctx, Done done);

 private:
  Runner& runner_;
  const Access& access_;
  AuthService& auth_;
  WorkQueue& hash_pool_;
  bool email_ = false;
};

// Checks the `version` field of an update: 428 when missing, 409 when stale.
Status check_version(Fields& f, int64_t current, const std::string& id);

// Pagination of lists: ?limit= (1..200, default 50) and an opaque cursor.
struct Page {
  int64_t limit = 50;
  std::string after;  // the last id of the previous page
};
Result<Page> parse_page(const Query& q);
json::object page_json(json::array items, const Page& page, const std::string& last_id);

}  // namespace pomost::service
