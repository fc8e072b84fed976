// Golden scoring vectors for every shipped instrument, read from data/instruments.
#include "domain/instrument.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace pomost::domain {
namespace {

const InstrumentCatalog& catalog() {
  static InstrumentCatalog c = [] {
    InstrumentCatalog cat;
    Status st = cat.load_directory(std::string(POMOST_DATA_DIR) + "/instruments");
    EXPECT_TRUE(st.ok()) << st.message();
    st = cat.load_directory(std::string(POMOST_DATA_DIR) + "/checkin-forms");
    EXPECT_TRUE(st.ok()) << st.message();
    return cat;
  }();
  return c;
}

const Instrument& ins(const std::string& id) {
  const Instrument* i = catalog().find(id);
  if (!i) throw std::runtime_error("no instrument " + id);
  return *i;
}

json::object answers(std::initializer_list<std::pair<std::string, json::value>> kv) {
  json::object o;
  for (auto& [k, v] : kv) o[k] = v;
  return o;
}

// Answers for items prefix_1..n adding up to `total`, each at most `max` (item 9 last).
json::object reaching(const std::string& prefix, int n, int max, int total) {
  json::object o;
  for (int i = 1; i <= n; ++i) {
    int v = std::min(max, total);
    o[prefix + std::to_string(i)] = v;
    total -= v;
  }
  EXPECT_EQ(total, 0);
  return o;
}

std::vector<std::string> fields(const Status& st) {
  std::vector<std::string> out;
  for (const auto& e : st.errors()) out.push_back(e.field);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Instruments, AllShippedDefinitionsLoadAndSayWhatEachLanguageIs) {
  for (const char* id :
       {"phq9", "gad7", "asq", "cssrs_screener", "audit_c", "pcl5", "bam", "bam_iop", "scoff", "checkin_substance_use",
        "checkin_mood_anxiety", "checkin_eating_disorder", "checkin_serious_mental_illness"}) {
    const Instrument& i = ins(id);
    for (const char* lang : {"en", "pl", "de"}) {
      ASSERT_TRUE(i.language_status.count(lang)) << id << " " << lang;
      // A language marked validated or original must have its own wording for every item.
      if (i.language_status.at(lang) == "validated" || i.language_status.at(lang) == "original")
        for (const auto& it : i.items) {
          if (it.scored) {
            EXPECT_TRUE(it.text.has(lang)) << id << " " << it.id << " " << lang;
          }
        }
    }
    EXPECT_FALSE(i.licence.empty()) << id;
  }
}

struct BandCase {
  std::string id;
  std::string prefix;
  int items, max, total;
  std::string band;
};

class Bands : public ::testing::TestWithParam<BandCase> {};

TEST_P(Bands, BoundaryTotals) {
  const auto& c = GetParam();
  json::object a = reaching(c.prefix, c.items, c.max, c.total);
  auto s = score(ins(c.id), a, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(*s->total, c.total);
  EXPECT_EQ(*s->band, c.band) << c.id << " total " << c.total;
}

INSTANTIATE_TEST_SUITE_P(
    Golden, Bands,
    ::testing::Values(
        BandCase{"phq9", "phq9_", 9, 3, 0, "minimal"}, BandCase{"phq9", "phq9_", 9, 3, 4, "minimal"},
        BandCase{"phq9", "phq9_", 9, 3, 5, "mild"}, BandCase{"phq9", "phq9_", 9, 3, 9, "mild"},
        BandCase{"phq9", "phq9_", 9, 3, 10, "moderate"}, BandCase{"phq9", "phq9_", 9, 3, 14, "moderate"},
        BandCase{"phq9", "phq9_", 9, 3, 15, "moderately_severe"},
        BandCase{"phq9", "phq9_", 9, 3, 19, "moderately_severe"}, BandCase{"phq9", "phq9_", 9, 3, 20, "severe"},
        BandCase{"phq9", "phq9_", 9, 3, 27, "severe"}, BandCase{"gad7", "gad7_", 7, 3, 0, "minimal"},
        BandCase{"gad7", "gad7_", 7, 3, 4, "minimal"}, BandCase{"gad7", "gad7_", 7, 3, 5, "mild"},
        BandCase{"gad7", "gad7_", 7, 3, 9, "mild"}, BandCase{"gad7", "gad7_", 7, 3, 10, "moderate"},
        BandCase{"gad7", "gad7_", 7, 3, 14, "moderate"}, BandCase{"gad7", "gad7_", 7, 3, 15, "severe"},
        BandCase{"gad7", "gad7_", 7, 3, 21, "severe"}, BandCase{"pcl5", "pcl5_", 20, 4, 0, "below_threshold"},
        BandCase{"pcl5", "pcl5_", 20, 4, 30, "below_threshold"},
        BandCase{"pcl5", "pcl5_", 20, 4, 31, "provisional_threshold"},
        BandCase{"pcl5", "pcl5_", 20, 4, 33, "provisional_threshold"},
        BandCase{"pcl5", "pcl5_", 20, 4, 34, "probable_ptsd"}, BandCase{"pcl5", "pcl5_", 20, 4, 80, "probable_ptsd"},
        BandCase{"scoff", "scoff_", 5, 1, 0, "unlikely"}, BandCase{"scoff", "scoff_", 5, 1, 1, "unlikely"},
        BandCase{"scoff", "scoff_", 5, 1, 2, "likely"}, BandCase{"scoff", "scoff_", 5, 1, 5, "likely"}));

TEST(Phq9, MissingOutOfRangeAndUnknownItemsAreEachNamed) {
  json::object a = reaching("phq9_", 9, 3, 12);
  a.erase("phq9_3");
  a["phq9_5"] = 4;
  a["phq9_11"] = 1;
  a["phq9_7"] = "2";
  auto s = score(ins("phq9"), a, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Code::invalid);
  EXPECT_EQ(fields(s.status()),
            (std::vector<std::string>{"answers.phq9_11", "answers.phq9_3", "answers.phq9_5", "answers.phq9_7"}));
  // Each with a code clients translate.
  std::map<std::string, std::string> codes;
  for (const auto& e : s.status().errors()) codes[e.field] = e.code;
  EXPECT_EQ(codes["answers.phq9_11"], "unknown_field");
  EXPECT_EQ(codes["answers.phq9_3"], "required");
  EXPECT_EQ(codes["answers.phq9_5"], "one_of");
  EXPECT_EQ(codes["answers.phq9_7"], "type");
}

TEST(Phq9, Item9IsSafetyCriticalEvenInARefusedSubmission) {
  auto signals = safety_signals(ins("phq9"), answers({{"phq9_9", 1}, {"phq9_1", 7}}));
  EXPECT_EQ(signals, std::vector<std::string>{"item9_positive"});
  EXPECT_TRUE(safety_signals(ins("phq9"), answers({{"phq9_9", 0}})).empty());
  EXPECT_TRUE(safety_signals(ins("phq9"), answers({{"phq9_9", 9}})).empty());  // out of range: not an answer
  json::object a = reaching("phq9_", 9, 3, 3);
  a["phq9_10"] = 2;  // the functioning question is not scored
  auto s = score(ins("phq9"), a, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->total, 3);
}

TEST(AuditC, SexSpecificCutOffsAndTheGermanSet) {
  auto total = [](int t) {
    return reaching("auditc_", 3, 4, t);
  };
  auto band = [&](int t, const char* sex, const char* set) {
    auto s = score(ins("audit_c"), total(t), {sex, set});
    EXPECT_TRUE(s.ok());
    return *s->band;
  };
  EXPECT_EQ(band(4, "male", "us"), "positive");
  EXPECT_EQ(band(3, "male", "us"), "negative");
  EXPECT_EQ(band(3, "female", "us"), "positive");
  EXPECT_EQ(band(2, "female", "us"), "negative");
  EXPECT_EQ(band(3, "diverse", "us"), "positive");  // the lower cut-off
  EXPECT_EQ(band(3, "unknown", "us"), "positive");
  EXPECT_EQ(band(4, "male", "de_s3"), "negative");
  EXPECT_EQ(band(5, "male", "de_s3"), "positive");
  EXPECT_EQ(band(4, "female", "de_s3"), "positive");
  EXPECT_EQ(band(3, "female", "de_s3"), "negative");
  EXPECT_FALSE(score(ins("audit_c"), answers({{"auditc_1", 5}, {"auditc_2", 0}, {"auditc_3", 0}}), {}).ok());
}

TEST(Asq, TriageAndDeclinedAnswers) {
  auto cls = [](json::object a) {
    auto s = score(ins("asq"), a, {});
    EXPECT_TRUE(s.ok()) << s.status().message() << (s.ok() ? "" : s.status().errors()[0].field);
    return s.ok() ? s->classification.value_or("") : "";
  };
  EXPECT_EQ(cls(answers({{"asq_1", 0}, {"asq_2", 0}, {"asq_3", 0}, {"asq_4", 0}})), "negative");
  EXPECT_EQ(cls(answers({{"asq_1", 0}, {"asq_2", 1}, {"asq_3", 0}, {"asq_4", 0}, {"asq_5", 0}})), "non_acute_positive");
  EXPECT_EQ(cls(answers({{"asq_1", 1}, {"asq_2", 1}, {"asq_3", 1}, {"asq_4", 0}, {"asq_5", 1}})), "acute_positive");
  EXPECT_EQ(cls(answers({{"asq_1", 0}, {"asq_2", 0}, {"asq_3", "declined"}, {"asq_4", 0}, {"asq_5", 0}})),
            "non_acute_positive");
  EXPECT_EQ(cls(answers({{"asq_1", 1}, {"asq_2", 0}, {"asq_3", 0}, {"asq_4", 0}, {"asq_5", "declined"}})),
            "acute_positive");
  // Question 5 is asked only after a yes (or a refusal), and then it is required.
  auto skipped = score(ins("asq"), answers({{"asq_1", 0}, {"asq_2", 0}, {"asq_3", 0}, {"asq_4", 0}, {"asq_5", 0}}), {});
  EXPECT_EQ(fields(skipped.status()), std::vector<std::string>{"answers.asq_5"});
  auto missing = score(ins("asq"), answers({{"asq_1", 1}, {"asq_2", 0}, {"asq_3", 0}, {"asq_4", 0}}), {});
  EXPECT_EQ(fields(missing.status()), std::vector<std::string>{"answers.asq_5"});
  // A refused ASQ with a yes is still positive.
  EXPECT_EQ(safety_signals(ins("asq"), answers({{"asq_2", 1}})), std::vector<std::string>{"non_acute_positive"});
}

TEST(Cssrs, ScreenerTriage) {
  auto cls = [](json::object a) {
    auto s = score(ins("cssrs_screener"), a, {});
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.status().errors()[0].field);
    return s.ok() ? s->classification.value_or("") : "";
  };
  EXPECT_EQ(cls(answers({{"cssrs_1", 0}, {"cssrs_2", 0}, {"cssrs_6", 0}})), "none");
  EXPECT_EQ(cls(answers({{"cssrs_1", 1}, {"cssrs_2", 0}, {"cssrs_6", 0}})), "low");
  EXPECT_EQ(
      cls(answers({{"cssrs_1", 1}, {"cssrs_2", 1}, {"cssrs_3", 0}, {"cssrs_4", 0}, {"cssrs_5", 0}, {"cssrs_6", 0}})),
      "low");
  EXPECT_EQ(
      cls(answers({{"cssrs_1", 1}, {"cssrs_2", 1}, {"cssrs_3", 1}, {"cssrs_4", 0}, {"cssrs_5", 0}, {"cssrs_6", 0}})),
      "moderate");
  EXPECT_EQ(
      cls(answers({{"cssrs_1", 1}, {"cssrs_2", 1}, {"cssrs_3", 1}, {"cssrs_4", 1}, {"cssrs_5", 0}, {"cssrs_6", 0}})),
      "high");
  EXPECT_EQ(cls(answers({{"cssrs_1", 0}, {"cssrs_2", 0}, {"cssrs_6", 1}, {"cssrs_6b", 1}})), "high");
  EXPECT_EQ(cls(answers({{"cssrs_1", 0}, {"cssrs_2", 0}, {"cssrs_6", 1}, {"cssrs_6b", 0}})), "moderate");
  auto asked_wrong =
      score(ins("cssrs_screener"), answers({{"cssrs_1", 0}, {"cssrs_2", 0}, {"cssrs_3", 1}, {"cssrs_6", 0}}), {});
  EXPECT_EQ(fields(asked_wrong.status()), std::vector<std::string>{"answers.cssrs_3"});
}

json::object bam_answers(const std::string& p, std::map<int, int> v) {
  json::object a;
  for (int i : {1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})
    a[p + std::to_string(i)] = v.count(i) ? v[i] : 0;
  return a;
}

TEST(Bam, DaysAreConvertedForTheSubscalesOfThe30DayVersion) {
  // Use: 3 days -> 1, 4 days -> 2, 16 days -> 4.
  json::object a = bam_answers("bam_", {{4, 3},
                                        {5, 4},
                                        {6, 16},
                                        {1, 4},
                                        {2, 9},
                                        {3, 30},
                                        {8, 2},
                                        {11, 1},
                                        {15, 3},
                                        {9, 3},
                                        {10, 8},
                                        {12, 1},
                                        {13, 15},
                                        {14, 4},
                                        {16, 0}});
  for (char c = 'a'; c <= 'g'; ++c) a[std::string("bam_7") + c] = 0;
  auto s = score(ins("bam"), a, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->subscales.at("use"), 1 + 2 + 4);
  EXPECT_EQ(s->subscales.at("risk"), 4 + 3 + 4 + 2 + 1 + 3);        // Likert items keep their value
  EXPECT_EQ(s->subscales.at("protective"), 3 + 2 + 1 + 3 + 4 + 0);  // income yes = 4
  EXPECT_FALSE(s->total);
  // Drug detail (7A-7G) is asked when drugs were used, and then required.
  a.erase("bam_7c");
  EXPECT_EQ(fields(score(ins("bam"), a, {}).status()), std::vector<std::string>{"answers.bam_7c"});
  json::object bad = bam_answers("bam_", {{4, 31}, {14, 1}});
  EXPECT_EQ(fields(score(ins("bam"), bad, {}).status()), (std::vector<std::string>{"answers.bam_14", "answers.bam_4"}));
}

TEST(Bam, TheSevenDayVersionKeepsRawDays) {
  json::object a = bam_answers("bam_iop_", {{4, 3}, {5, 1}, {6, 2}, {10, 4}});
  for (char c = 'a'; c <= 'g'; ++c) a[std::string("bam_iop_7") + c] = c == 'a' ? 2 : 0;
  auto s = score(ins("bam_iop"), a, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->subscales.at("alcohol_days"), 3);
  EXPECT_EQ(s->subscales.at("drug_days"), 2);
  EXPECT_EQ(s->subscales.at("total_use_days"), 5);
  EXPECT_EQ(s->subscales.at("self_help_days"), 4);
  EXPECT_FALSE(score(ins("bam_iop"), bam_answers("bam_iop_", {{4, 8}}), {}).ok());  // 7 days at most
}

TEST(Pcl5, ClusterSubscales) {
  json::object a;
  for (int i = 1; i <= 20; ++i) a["pcl5_" + std::to_string(i)] = i <= 5 ? 4 : (i <= 7 ? 3 : (i <= 14 ? 1 : 2));
  auto s = score(ins("pcl5"), a, {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->subscales.at("intrusion"), 20);
  EXPECT_EQ(s->subscales.at("avoidance"), 6);
  EXPECT_EQ(s->subscales.at("cognition_mood"), 7);
  EXPECT_EQ(s->subscales.at("arousal"), 12);
  EXPECT_EQ(*s->total, 45);
}

TEST(Checkin, FormsAskIntentOnlyAfterThoughtsAndFlagSelfHarm) {
  json::object a = answers({{"mood", 3},
                            {"anxiety", 6},
                            {"craving", 7},
                            {"used", 0},
                            {"sleep_hours", 5.5},
                            {"medication", 1},
                            {"self_harm_thoughts", 1},
                            {"self_harm_intent", 1},
                            {"meetings", 1}});
  auto s = score(ins("checkin_substance_use"), a, {});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->safety_classifications, (std::vector<std::string>{"self_harm_intent", "self_harm_thoughts"}));
  a["self_harm_thoughts"] = 0;
  EXPECT_EQ(fields(score(ins("checkin_substance_use"), a, {}).status()),
            std::vector<std::string>{"answers.self_harm_intent"});
  a.erase("self_harm_intent");
  a["mood"] = 11;
  a["sleep_hours"] = -1;
  auto st = score(ins("checkin_substance_use"), a, {}).status();
  EXPECT_EQ(fields(st), (std::vector<std::string>{"answers.mood", "answers.sleep_hours"}));
  for (const auto& e : st.errors()) {
    EXPECT_EQ(e.code, "range") << e.field;
    if (e.field == "answers.mood") {
      EXPECT_EQ(e.params.at("max").to_number<double>(), 10);
    }
  }
}

TEST(Loader, RejectsBrokenDefinitions) {
  auto bad = parse_object(R"({"id":"x","version":"1","title":{"en":"X"},"administration":"self_report",
    "languages":{"en":"original"},"licence":"l","items":[{"id":"a","options":"nope","text":{"en":"A"}}],
    "total":{"items":["b"]},"bands":[{"min":0,"max":1,"id":"lo","label":{"en":"lo"}},{"min":3,"max":4,"id":"hi","label":{"en":"hi"}}]})");
  ASSERT_TRUE(bad.ok());
  auto r = load_instrument(*bad);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> f = fields(r.status());
  EXPECT_NE(std::find(f.begin(), f.end(), "items[0].options"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "total.items"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "bands[1]"), f.end());
  EXPECT_NE(std::find(f.begin(), f.end(), "languages.pl"), f.end());
}

}  // namespace
}  // namespace pomost::domain
