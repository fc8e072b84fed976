// What monitoring needs to know about a patient, read in the caller's transaction: the active
// episode and care team, the program with its time zone and parsed settings.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "domain/risk_rules.h"
#include "store/db.h"

namespace pomost::service {

struct Webhook {
  std::string url;
  std::string secret;
};

// Crisis resources as a reader sees them: each item's `translations[lang]` (name, description)
// replaces the clinic's own wording when present; `translations` itself is dropped.
json::array localized_resources(const json::array& resources, const std::string& lang);

// Program settings (GET/PUT /programs/{id}/settings) with rules.md defaults.
struct ProgramSettings {
  json::array crisis_resources;
  int checkin_cutoff_minutes = 12 * 60;  // check-in window 00:00 to the cut-off
  std::map<std::string, int> ack_minutes = {{"imminent", 5}, {"high", 30}, {"warning", 1440}};
  domain::RuleThresholds thresholds;
  std::string audit_c_cutoffs = "us";
  bool pcl5 = false;
  std::vector<Webhook> webhooks;
  std::set<std::string> closures;  // YYYY-MM-DD

  static ProgramSettings parse(const std::string& text);

  static ProgramSettings parse_uncached(const std::string& text);
  // Minutes to acknowledge an alert of this severity; nullopt for info (no deadline).
  std::optional<int> ack_deadline(const std::string& severity) const;
};

struct ProgramInfo {
  std::string id, name, focus, time_zone, language;
  ProgramSettings settings;
};

Result<std::optional<ProgramInfo>> load_program(store::Tx& tx, const std::string& program_id);

struct PatientContext {
  std::string org_id, patient_id, given_name, family_name, sex, language;
  std::optional<std::string> episode_id;
  std::string admitted_on;
  std::optional<std::string> planned_discharge_on;
  std::optional<std::string> therapist_id, psychiatrist_id;
  std::vector<std::string> program_staff_ids;
  std::optional<ProgramInfo> program;  // of the active episode

  bool active() const { return episode_id.has_value(); }
};

Result<std::optional<PatientContext>> load_patient_context(store::Tx& tx, const std::string& org_id,
                                                           const std::string& patient_id);

// The weekdays (0 = Monday) on which the patient's program meets: the tracks of the patient's
// groups, else every track of the program, else Monday to Friday.
Result<std::set<int>> program_days(store::Tx& tx, const std::string& program_id, const std::string& patient_id);

int weekday_of(int days_since_epoch);  // 0 = Monday

}  // namespace pomost::service
