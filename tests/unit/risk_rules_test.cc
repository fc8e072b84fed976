// Each risk rule of rules.md firing and not firing, and its reason in every language.
#include "domain/risk_rules.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pomost::domain {
namespace {

Score scored(std::initializer_list<std::pair<std::string, json::value>> kv, std::optional<double> total = std::nullopt,
             std::vector<std::string> safety = {}, std::optional<std::string> cls = std::nullopt) {
  Score s;
  for (auto& [k, v] : kv) s.answers[k] = v;
  s.total = total;
  s.safety_classifications = std::move(safety);
  s.classification = cls;
  return s;
}

std::vector<std::string> rules(const std::vector<Reason>& r) {
  std::vector<std::string> out;
  for (const auto& x : r) out.push_back(x.rule);
  return out;
}

using V = std::vector<std::string>;

TEST(RiskRules, Phq9) {
  RuleThresholds t;
  EXPECT_EQ(rules(evaluate("phq9", scored({{"phq9_9", 0}}, 19), {}, t)), V{});
  EXPECT_EQ(rules(evaluate("phq9", scored({{"phq9_9", 0}}, 20), {}, t)), V{"phq9_severe"});
  auto item9 = evaluate("phq9", scored({{"phq9_9", 1}}, 3, {"item9_positive"}), {}, t);
  EXPECT_EQ(rules(item9), V{"phq9_item9"});
  EXPECT_EQ(max_level(item9), RiskLevel::high);
  EXPECT_TRUE(item9[0].safety_floor);
  EXPECT_EQ(rules(evaluate("phq9", scored({}, 15), {9}, t)), V{"phq9_deterioration"});  // +6
  EXPECT_EQ(rules(evaluate("phq9", scored({}, 14), {9}, t)), V{});                      // +5
  t.phq9_severe_total = 15;
  EXPECT_EQ(rules(evaluate("phq9", scored({}, 15), {}, t)), V{"phq9_severe"});
}

TEST(RiskRules, Gad7Deterioration) {
  RuleThresholds t;
  EXPECT_EQ(rules(evaluate("gad7", scored({}, 12), {8}, t)), V{"gad7_deterioration"});
  EXPECT_EQ(rules(evaluate("gad7", scored({}, 11), {8}, t)), V{});
  EXPECT_EQ(rules(evaluate("gad7", scored({}, 21), {}, t)), V{});  // no baseline yet
}

TEST(RiskRules, AsqAndCssrs) {
  RuleThresholds t;
  auto acute = evaluate("asq", scored({}, {}, {"acute_positive", "non_acute_positive"}), {}, t);
  EXPECT_EQ(rules(acute), V{"asq_acute"});
  EXPECT_EQ(max_level(acute), RiskLevel::imminent);
  EXPECT_EQ(rules(evaluate("asq", scored({}, {}, {"non_acute_positive"}), {}, t)), V{"asq_positive"});
  EXPECT_EQ(rules(evaluate("asq", scored({}, {}, {}, "negative"), {}, t)), V{});
  EXPECT_EQ(max_level(evaluate("cssrs_screener", scored({}, {}, {"high", "moderate"}), {}, t)), RiskLevel::imminent);
  EXPECT_EQ(max_level(evaluate("cssrs_screener", scored({}, {}, {"moderate"}), {}, t)), RiskLevel::high);
  auto low = evaluate("cssrs_screener", scored({}, {}, {}, "low"), {}, t);
  EXPECT_EQ(rules(low), V{"cssrs_low"});
  EXPECT_EQ(severity_of(max_level(low)), "info");
  EXPECT_TRUE(self_harm_positive(low));
}

TEST(RiskRules, CheckinAndBam) {
  RuleThresholds t;
  auto intent = evaluate(
      "checkin_mood_anxiety",
      scored({{"self_harm_thoughts", 1}, {"self_harm_intent", 1}}, {}, {"self_harm_intent", "self_harm_thoughts"}), {},
      t);
  EXPECT_EQ(rules(intent), V{"checkin_self_harm_intent"});
  EXPECT_EQ(max_level(intent), RiskLevel::imminent);
  auto thoughts =
      evaluate("checkin_mood_anxiety", scored({{"self_harm_thoughts", 1}}, {}, {"self_harm_thoughts"}), {}, t);
  EXPECT_EQ(rules(thoughts), V{"checkin_self_harm_thoughts"});
  EXPECT_EQ(max_level(thoughts), RiskLevel::high);
  auto used = evaluate("checkin_substance_use", scored({{"used", 1}, {"used_alcohol", 1}, {"used_opioids", 1}}), {}, t);
  EXPECT_EQ(rules(used), V{"checkin_substance_use"});
  EXPECT_EQ(used[0].params.at("what"), "alcohol, opioids");
  EXPECT_EQ(rules(evaluate("checkin_substance_use", scored({{"used", 0}, {"craving", 9}}), {}, t)), V{});
  EXPECT_EQ(rules(evaluate("checkin_eating_disorder", scored({{"purge", 1}}), {}, t)), V{"checkin_eating_disorder"});
  EXPECT_EQ(rules(evaluate("checkin_eating_disorder", scored({{"binge", 0}, {"restrict", 0}, {"purge", 0}}), {}, t)),
            V{});
  t.binge_episodes = 2;
  EXPECT_EQ(rules(evaluate("checkin_eating_disorder", scored({{"binge", 2}}), {}, t)), V{});
  EXPECT_EQ(rules(evaluate("checkin_eating_disorder", scored({{"binge", 3}}), {}, t)), V{"checkin_eating_disorder"});
  EXPECT_EQ(rules(evaluate("bam_iop", scored({{"bam_iop_4", 0}, {"bam_iop_5", 0}, {"bam_iop_6", 1}}), {}, t)),
            V{"bam_use"});
  EXPECT_EQ(rules(evaluate("bam", scored({{"bam_4", 0}, {"bam_5", 0}, {"bam_6", 0}}), {}, t)), V{});
}

TEST(RiskRules, RefusedSubmissionsKeepOnlyTheSafetyRules) {
  json::object a;
  a["phq9_9"] = 2;
  auto r = evaluate_refused("phq9", {"item9_positive"}, a);
  EXPECT_EQ(rules(r), V{"phq9_item9"});
  EXPECT_EQ(r[0].params.at("value"), "2");
  EXPECT_TRUE(evaluate_refused("gad7", {}, a).empty());
}

TEST(RiskRules, ThresholdsFromSettingsAreBoundedAndNamed) {
  std::vector<FieldError> errors;
  auto o = parse_object(R"({"phq9_severe_total": 5, "missed_checkins": 3, "binge_episodes": "x", "item9": 2})");
  RuleThresholds t = RuleThresholds::from(*o, &errors);
  EXPECT_EQ(t.missed_checkins, 3);
  EXPECT_EQ(t.phq9_severe_total, 20);
  std::vector<std::string> f;
  for (auto& e : errors) f.push_back(e.field);
  EXPECT_EQ(f, (V{"rule_thresholds.phq9_severe_total", "rule_thresholds.binge_episodes", "rule_thresholds.item9"}));
}

TEST(Reasons, EveryRuleHasItsReasonInEveryLanguage) {
  std::ifstream in(std::string(POMOST_DATA_DIR) + "/i18n/reasons.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto o = parse_object(ss.str());
  ASSERT_TRUE(o.ok());
  ReasonCatalog cat;
  ASSERT_TRUE(cat.load(*o).ok());
  for (const auto& rule : all_rule_ids()) {
    for (const char* lang : {"en", "pl", "de"}) {
      ASSERT_TRUE(o->contains(rule)) << rule;
      EXPECT_TRUE(o->at(rule).as_object().contains(lang)) << rule << " " << lang;
    }
  }
  Reason r{"phq9_deterioration",
           RiskLevel::moderate,
           false,
           {{"baseline", "8"}, {"total", "15"}, {"change", "7"}, {"threshold", "6"}}};
  EXPECT_EQ(cat.render(r, "en"),
            "PHQ-9 rose from 8 (first score of this episode) to 15: +7 is a reliable deterioration (threshold +6).");
  EXPECT_NE(cat.render(r, "pl").find("PHQ-9 wzrósł z 8"), std::string::npos);
  EXPECT_NE(cat.render(r, "de").find("PHQ-9 stieg von 8"), std::string::npos);
  EXPECT_EQ(cat.render(r, "fr"), cat.render(r, "en"));
}

}  // namespace
}  // namespace pomost::domain
