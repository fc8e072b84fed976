#include "domain/risk_rules.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace pomost::domain {

std::string_view to_string(RiskLevel l) {
  switch (l) {
    case RiskLevel::none:
      return "none";
    case RiskLevel::low:
      return "low";
    case RiskLevel::moderate:
      return "moderate";
    case RiskLevel::high:
      return "high";
    case RiskLevel::imminent:
      return "imminent";
  }
  return "none";
}

std::optional<RiskLevel> parse_risk_level(std::string_view s) {
  for (auto l : {RiskLevel::none, RiskLevel::low, RiskLevel::moderate, RiskLevel::high, RiskLevel::imminent})
    if (to_string(l) == s) return l;
  return std::nullopt;
}

std::string_view severity_of(RiskLevel l) {
  switch (l) {
    case RiskLevel::imminent:
      return "imminent";
    case RiskLevel::high:
      return "high";
    case RiskLevel::moderate:
      return "warning";
    default:
      return "info";
  }
}

std::optional<RiskLevel> level_of_severity(std::string_view s) {
  if (s == "imminent") return RiskLevel::imminent;
  if (s == "high") return RiskLevel::high;
  if (s == "warning") return RiskLevel::moderate;
  if (s == "info") return RiskLevel::low;
  return std::nullopt;
}

namespace {

std::string num(double d) {
  std::ostringstream s;
  s << d;
  return s.str();
}

const std::vector<std::string> kRules = {"asq_acute",
                                         "asq_positive",
                                         "cssrs_high",
                                         "cssrs_moderate",
                                         "cssrs_low",
                                         "phq9_item9",
                                         "phq9_severe",
                                         "phq9_deterioration",
                                         "gad7_deterioration",
                                         "bam_use",
                                         "checkin_self_harm_intent",
                                         "checkin_self_harm_thoughts",
                                         "checkin_substance_use",
                                         "checkin_eating_disorder",
                                         "missed_checkins",
                                         "missed_after_high_alert",
                                         "measure_missed"};

Reason reason(std::string rule, RiskLevel level, bool floor, std::map<std::string, std::string> params = {}) {
  return Reason{std::move(rule), level, floor, std::move(params)};
}

double answer(const Score& s, const std::string& id) {
  auto it = s.answers.find(id);
  return it != s.answers.end() && it->second.is_number() ? it->second.to_number<double>() : 0;
}

bool has(const std::vector<std::string>& v, const char* x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The safety rules of an instrument's own classifications.
void safety_rules(const std::string& form, const std::vector<std::string>& cls, const json::object* answers,
                  std::vector<Reason>& out) {
  auto value = [&](const char* id) -> std::string {
    if (!answers) return "";
    auto* v = answers->if_contains(id);
    if (!v) return "";
    return v->is_string() ? std::string(v->as_string()) : num(v->to_number<double>());
  };
  if (form == "asq") {
    if (has(cls, "acute_positive"))
      out.push_back(reason("asq_acute", RiskLevel::imminent, true));
    else if (has(cls, "non_acute_positive"))
      out.push_back(reason("asq_positive", RiskLevel::high, true));
  } else if (form == "cssrs_screener") {
    if (has(cls, "high"))
      out.push_back(reason("cssrs_high", RiskLevel::imminent, true));
    else if (has(cls, "moderate"))
      out.push_back(reason("cssrs_moderate", RiskLevel::high, true));
  } else if (form == "phq9") {
    if (has(cls, "item9_positive"))
      out.push_back(reason("phq9_item9", RiskLevel::high, true, {{"value", value("phq9_9")}}));
  } else if (form.rfind("checkin_", 0) == 0) {
    if (has(cls, "self_harm_intent"))
      out.push_back(reason("checkin_self_harm_intent", RiskLevel::imminent, true));
    else if (has(cls, "self_harm_thoughts"))
      out.push_back(reason("checkin_self_harm_thoughts", RiskLevel::high, true));
  }
}

}  // namespace

const std::vector<std::string>& all_rule_ids() {
  return kRules;
}

RuleThresholds RuleThresholds::from(const json::object& o, std::vector<FieldError>* errors) {
  RuleThresholds t;
  Fields f(o, "rule_thresholds");
  if (auto v = f.number("phq9_severe_total", false, 10, 27)) t.phq9_severe_total = *v;
  if (auto v = f.number("phq9_reliable_change", false, 1, 27)) t.phq9_reliable_change = *v;
  if (auto v = f.number("gad7_reliable_change", false, 1, 21)) t.gad7_reliable_change = *v;
  if (auto v = f.integer("binge_episodes", false, 0, 50)) t.binge_episodes = static_cast<int>(*v);
  if (auto v = f.integer("restrict_episodes", false, 0, 50)) t.restrict_episodes = static_cast<int>(*v);
  if (auto v = f.integer("missed_checkins", false, 1, 7)) t.missed_checkins = static_cast<int>(*v);
  if (auto v = f.integer("post_alert_days", false, 1, 90)) t.post_alert_days = static_cast<int>(*v);
  f.reject_unknown();
  if (errors)
    for (auto& e : f.errors()) errors->push_back(e);
  return t;
}

json::object RuleThresholds::to_json() const {
  json::object o;
  o["phq9_severe_total"] = phq9_severe_total;
  o["phq9_reliable_change"] = phq9_reliable_change;
  o["gad7_reliable_change"] = gad7_reliable_change;
  o["binge_episodes"] = binge_episodes;
  o["restrict_episodes"] = restrict_episodes;
  o["missed_checkins"] = missed_checkins;
  o["post_alert_days"] = post_alert_days;
  return o;
}

std::vector<Reason> evaluate(const std::string& form, const Score& s, const AssessmentHistory& h,
                             const RuleThresholds& t) {
  std::vector<Reason> out;
  json::object answers;
  for (const auto& [k, v] : s.answers) answers[k] = v;
  safety_rules(form, s.safety_classifications, &answers, out);
  if (form == "cssrs_screener" && s.classification == "low") out.push_back(reason("cssrs_low", RiskLevel::low, false));
  if (form == "phq9" && s.total) {
    if (*s.total >= t.phq9_severe_total)
      out.push_back(reason("phq9_severe", RiskLevel::moderate, false,
                           {{"total", num(*s.total)}, {"threshold", num(t.phq9_severe_total)}}));
    if (h.baseline_total && *s.total - *h.baseline_total >= t.phq9_reliable_change)
      out.push_back(reason("phq9_deterioration", RiskLevel::moderate, false,
                           {{"total", num(*s.total)},
                            {"baseline", num(*h.baseline_total)},
                            {"change", num(*s.total - *h.baseline_total)},
                            {"threshold", num(t.phq9_reliable_change)}}));
  }
  if (form == "gad7" && s.total && h.baseline_total && *s.total - *h.baseline_total >= t.gad7_reliable_change)
    out.push_back(reason("gad7_deterioration", RiskLevel::moderate, false,
                         {{"total", num(*s.total)},
                          {"baseline", num(*h.baseline_total)},
                          {"change", num(*s.total - *h.baseline_total)},
                          {"threshold", num(t.gad7_reliable_change)}}));
  if (form == "bam" || form == "bam_iop") {
    const double alcohol = answer(s, form + "_4"), heavy = answer(s, form + "_5"), drugs = answer(s, form + "_6");
    if (alcohol + heavy + drugs > 0)
      out.push_back(reason("bam_use", RiskLevel::moderate, false,
                           {{"alcohol_days", num(alcohol)},
                            {"heavy_days", num(heavy)},
                            {"drug_days", num(drugs)},
                            {"days", form == "bam" ? "30" : "7"}}));
  }
  if (form.rfind("checkin_", 0) == 0) {
    if (answer(s, "used") == 1) {
      std::string what;
      for (const char* k : {"alcohol", "cannabis", "opioids", "stimulants", "sedatives", "other"})
        if (answer(s, std::string("used_") + k) == 1) what += (what.empty() ? "" : ", ") + std::string(k);
      out.push_back(reason("checkin_substance_use", RiskLevel::moderate, false, {{"what", what}}));
    }
    const double binge = answer(s, "binge"), purge = answer(s, "purge"), restrict = answer(s, "restrict");
    if (purge > 0 || binge > t.binge_episodes || restrict > t.restrict_episodes)
      out.push_back(reason("checkin_eating_disorder", RiskLevel::moderate, false,
                           {{"binge", num(binge)},
                            {"purge", num(purge)},
                            {"restrict", num(restrict)},
                            {"binge_threshold", num(t.binge_episodes)},
                            {"restrict_threshold", num(t.restrict_episodes)}}));
  }
  return out;
}

std::vector<Reason> evaluate_refused(const std::string& form, const std::vector<std::string>& cls,
                                     const json::object& answers) {
  std::vector<Reason> out;
  safety_rules(form, cls, &answers, out);
  return out;
}

RiskLevel max_level(const std::vector<Reason>& reasons) {
  RiskLevel m = RiskLevel::none;
  for (const auto& r : reasons) m = std::max(m, r.level);
  return m;
}

std::vector<std::string> rule_family(const std::string& rule) {
  static const std::vector<std::vector<std::string>> kFamilies = {
      {"asq_positive", "asq_acute"},
      {"cssrs_low", "cssrs_moderate", "cssrs_high"},
      {"checkin_self_harm_thoughts", "checkin_self_harm_intent"},
  };
  for (const auto& f : kFamilies)
    if (std::find(f.begin(), f.end(), rule) != f.end()) return f;
  return {rule};
}

bool self_harm_positive(const std::vector<Reason>& reasons) {
  static const std::vector<std::string> kSelfHarm = {"asq_acute",
                                                     "asq_positive",
                                                     "cssrs_high",
                                                     "cssrs_moderate",
                                                     "cssrs_low",
                                                     "phq9_item9",
                                                     "checkin_self_harm_intent",
                                                     "checkin_self_harm_thoughts"};
  return std::any_of(reasons.begin(), reasons.end(), [](const Reason& r) {
    return std::find(kSelfHarm.begin(), kSelfHarm.end(), r.rule) != kSelfHarm.end();
  });
}

Status ReasonCatalog::load(const json::object& o) {
  std::vector<FieldError> errors;
  for (const auto& kv : o) {
    if (kv.key() == "_comment") continue;
    if (!kv.value().is_object()) {
      errors.push_back({std::string(kv.key()), "must map languages to templates"});
      continue;
    }
    for (const auto& lt : kv.value().as_object())
      if (lt.value().is_string())
        templates_[std::string(kv.key())][std::string(lt.key())] = std::string(lt.value().as_string());
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "reasons catalog");
  return {};
}

std::vector<std::string> ReasonCatalog::rules() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : templates_) out.push_back(k);
  return out;
}

std::string ReasonCatalog::render(const Reason& r, const std::string& lang) const {
  return render(r.rule, r.params, lang);
}

std::string ReasonCatalog::render(const std::string& rule, const std::map<std::string, std::string>& params,
                                  const std::string& lang) const {
  auto it = templates_.find(rule);
  if (it == templates_.end()) return rule;
  auto t = it->second.find(lang);
  if (t == it->second.end()) t = it->second.find("en");
  if (t == it->second.end()) return rule;
  std::string out;
  const std::string& s = t->second;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{') {
      size_t j = s.find('}', i);
      if (j != std::string::npos) {
        auto p = params.find(s.substr(i + 1, j - i - 1));
        out += p != params.end() ? p->second : "?";
        i = j;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

}  // namespace pomost::domain
