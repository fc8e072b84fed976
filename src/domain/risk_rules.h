// The risk rules of rules.md ("Risk levels, alert severities, first notification"): from a scored
// submission (and what the episode already holds) to fired rules, each with its level and a
// reason in plain words (rendered per language from data/i18n/reasons.json). Rules marked ⚑ in
// rules.md cannot be disabled or weakened by program settings.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "domain/instrument.h"

namespace pomost::domain {

enum class RiskLevel { none = 0, low = 1, moderate = 2, high = 3, imminent = 4 };

std::string_view to_string(RiskLevel l);
std::optional<RiskLevel> parse_risk_level(std::string_view s);
// imminent -> "imminent", high -> "high", moderate -> "warning", low -> "info".
std::string_view severity_of(RiskLevel l);
std::optional<RiskLevel> level_of_severity(std::string_view severity);

struct Reason {
  std::string rule;  // dedupe key with the patient (rules.md: "Repeats")
  RiskLevel level = RiskLevel::none;
  bool safety_floor = false;
  std::map<std::string, std::string> params;  // filled into the reason's text
};

// Program thresholds (settings.rule_thresholds), defaults of rules.md.
struct RuleThresholds {
  double phq9_severe_total = 20;    // PHQ-9 >= this: warning
  double phq9_reliable_change = 6;  // rise from the episode's first score: warning
  double gad7_reliable_change = 4;
  int binge_episodes = 0;  // binge episodes above this: warning (any purging always warns)
  int restrict_episodes = 0;
  int missed_checkins = 2;   // consecutive missed check-ins on program days: warning
  int post_alert_days = 14;  // a missed check-in within this many days after high/imminent: high

  // Reads settings, reporting bad values as `rule_thresholds.<key>`.
  static RuleThresholds from(const json::object& thresholds, std::vector<FieldError>* errors);
  json::object to_json() const;
};

struct AssessmentHistory {
  std::optional<double> baseline_total;  // the episode's first score of this instrument
};

// Rules that follow from a complete, scored submission. `form_id` is an instrument id or a
// check-in form id ("checkin_<focus>").
std::vector<Reason> evaluate(const std::string& form_id, const Score& score, const AssessmentHistory& history,
                             const RuleThresholds& t);

// Rules that follow from a refused submission's safety signals (rules.md: "Incomplete submissions ⚑").
std::vector<Reason> evaluate_refused(const std::string& form_id, const std::vector<std::string>& safety_classifications,
                                     const json::object& answers);

RiskLevel max_level(const std::vector<Reason>& reasons);

// Whether any self-harm or suicide item is positive (the patient then sees crisis resources at
// any level, rules.md ⚑).
bool self_harm_positive(const std::vector<Reason>& reasons);

// Rules that grade one finding at several levels share one alert (rules.md: the key is (patient,
// rule), and "a rise in severity restarts the chain"): ASQ, C-SSRS and the check-in's self-harm
// questions. Every rule of `rule`'s family, itself included; other rules are a family of one.
std::vector<std::string> rule_family(const std::string& rule);

// Reason texts in English, Polish and German (data/i18n/reasons.json): {rule: {lang: template}},
// templates with {param} placeholders.
class ReasonCatalog {
 public:
  Status load(const json::object& o);
  std::string render(const Reason& r, const std::string& lang) const;
  std::string render(const std::string& rule, const std::map<std::string, std::string>& params,
                     const std::string& lang) const;
  std::vector<std::string> rules() const;

 private:
  std::map<std::string, std::map<std::string, std::string>> templates_;
};

// Every rule this engine can fire, for the catalog's completeness test.
const std::vector<std::string>& all_rule_ids();

}  // namespace pomost::domain
