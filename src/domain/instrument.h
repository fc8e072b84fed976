// Standardized instruments as data (data/instruments/*.json) and the one engine that scores them.
//
// A definition lists items with their answer options and values, wording per language, scoring
// (sums over items, subscales with optional day-count transforms), severity bands (optionally by
// sex and cut-off set) and the instrument's own triage ("classifications": ordered conditions over
// answers and scores, each naming a result such as ASQ "acute_positive"). The engine refuses
// missing or out-of-range answers naming each item, and separately evaluates the safety-critical
// classifications on whatever was answered, so that a refused submission can still raise its alert.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace pomost::domain {

// Text in several languages; falls back to English.
struct Text {
  std::map<std::string, std::string> by_lang;
  const std::string& in(const std::string& lang) const;
  bool has(const std::string& lang) const { return by_lang.count(lang) > 0; }
};

struct Option {
  int value = 0;
  Text label;
};

// A boolean expression over answers and scores (see data/instruments/README.md).
struct Condition {
  enum class Kind { item, declined, total, subscale, any, all, classification } kind = Kind::item;
  std::string ref;  // item id, subscale id or classification id
  std::string op;   // ">=", ">", "<=", "<", "==", "!="
  double value = 0;
  std::vector<Condition> children;
};

struct Item {
  std::string id;
  Text text;
  std::string type = "choice";  // "choice" (options) or "number" (min..max)
  std::vector<Option> options;
  double min = 0, max = 0;
  bool integer = true;
  bool required = true;
  bool scored = true;
  bool allow_declined = false;       // "declined" is a valid answer (ASQ, C-SSRS)
  std::optional<Condition> show_if;  // asked only when true (skipped items are not required)
  std::string loinc;
};

struct Subscale {
  std::string id;
  Text label;
  std::vector<std::string> items;
  std::string transform;  // "" or "bam_days_30" (0, 1-3, 4-8, 9-15, 16-30 days -> 0..4)
};

struct Band {
  double min = 0, max = 0;
  std::string id;
  Text label;
};

// Cut-off of a positive screen by sex, for one named cut-off set (AUDIT-C: "us", "de_s3").
struct SexCutoffs {
  std::map<std::string, double> by_sex;  // "male", "female"; others use the lowest
};

struct Classification {
  std::string id;  // e.g. "acute_positive"
  Condition when;
  bool safety = false;  // evaluated on refused submissions too (rules.md ⚑)
};

struct Instrument {
  std::string id;
  std::string version;
  Text title;
  Text instructions;
  std::string administration;                          // "self_report" or "clinician"
  std::map<std::string, std::string> language_status;  // lang -> "original" | "validated" | "fallback_en"
  std::string licence;
  std::string translation_note;
  std::string loinc_panel, loinc_total;
  std::vector<Item> items;
  std::vector<std::string> total_items;  // empty: no total
  std::string total_transform;
  std::vector<Subscale> subscales;
  std::vector<Band> bands;                        // over the total
  std::map<std::string, SexCutoffs> cutoff_sets;  // positive when total >= cut-off
  std::vector<Classification> classifications;    // ordered; the first that holds is the result
  json::object source;                            // the definition as loaded (served by GET /instruments/{id})

  const Item* item(const std::string& id) const;
};

// Everything the scoring needs beyond the answers.
struct ScoringContext {
  std::string sex = "unknown";  // for sex-specific cut-offs
  std::string cutoff_set;       // "" = the instrument's first set
};

struct Score {
  std::map<std::string, json::value> answers;  // validated; "declined" kept as a string
  std::optional<double> total;
  std::map<std::string, double> subscales;
  std::optional<std::string> band;                  // severity band id, or "positive"/"negative"
  std::optional<std::string> classification;        // the instrument's own triage result
  std::vector<std::string> safety_classifications;  // safety-flagged classifications that hold
};

// Loads one definition; every structural mistake is reported.
Result<Instrument> load_instrument(const json::object& definition);

// Scores a complete submission; a 422 lists each missing or out-of-range item as `answers.<id>`.
Result<Score> score(const Instrument& ins, const json::object& answers, const ScoringContext& ctx);

// The safety-flagged classifications that hold on the valid part of a (possibly refused) submission.
std::vector<std::string> safety_signals(const Instrument& ins, const json::object& answers);

// All instruments of a directory, by id.
class InstrumentCatalog {
 public:
  Status load_directory(const std::string& dir);
  Status add(const json::object& definition);
  const Instrument* find(const std::string& id) const;
  std::vector<const Instrument*> all() const;

 private:
  std::map<std::string, std::shared_ptr<const Instrument>> by_id_;
};

}  // namespace pomost::domain
