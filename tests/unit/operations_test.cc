// Schedules across clock changes, placement against brute force, the group-note name check.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "core/time.h"
#include "domain/name_check.h"
#include "domain/placement.h"
#include "domain/schedule.h"

namespace pomost::domain {
namespace {

int day(const char* s) {
  return *parse_date(s);
}

struct DstCase {
  const char* zone;
  const char* before;  // the Monday before the change
  const char* after;   // the Monday after
  const char* utc_before;
  const char* utc_after;
};

class DstSchedule : public ::testing::TestWithParam<DstCase> {};

TEST_P(DstSchedule, WallClockStaysInstantsMove) {
  const auto& c = GetParam();
  WeeklyPattern p{{0, 2, 3}, 18 * 60, 21 * 60};  // Mon/Wed/Thu 18:00-21:00
  auto occ = occurrences(p, day(c.before), day(c.after), c.zone);
  ASSERT_EQ(occ.size(), 4u);  // Mon, Wed, Thu, and the next Monday
  EXPECT_EQ(format_rfc3339(occ.front().starts), c.utc_before);
  EXPECT_EQ(format_rfc3339(occ.back().starts), c.utc_after);
  for (const auto& o : occ) {
    EXPECT_EQ(format_rfc3339_in(o.starts, c.zone).substr(11, 5), "18:00");
    EXPECT_EQ(to_millis(o.ends) - to_millis(o.starts), 3 * 3600 * 1000);
  }
}

INSTANTIATE_TEST_SUITE_P(
    SpringAndAutumn, DstSchedule,
    ::testing::Values(
        // Spring forward: Europe on 2026-03-29, New York on 2026-03-08.
        DstCase{"Europe/Warsaw", "2026-03-23", "2026-03-30", "2026-03-23T17:00:00Z", "2026-03-30T16:00:00Z"},
        DstCase{"Europe/Berlin", "2026-03-23", "2026-03-30", "2026-03-23T17:00:00Z", "2026-03-30T16:00:00Z"},
        DstCase{"America/New_York", "2026-03-02", "2026-03-09", "2026-03-02T23:00:00Z", "2026-03-09T22:00:00Z"},
        // Fall back: Europe on 2026-10-25, New York on 2026-11-01.
        DstCase{"Europe/Warsaw", "2026-10-19", "2026-10-26", "2026-10-19T16:00:00Z", "2026-10-26T17:00:00Z"},
        DstCase{"Europe/Berlin", "2026-10-19", "2026-10-26", "2026-10-19T16:00:00Z", "2026-10-26T17:00:00Z"},
        DstCase{"America/New_York", "2026-10-26", "2026-11-02", "2026-10-26T22:00:00Z", "2026-11-02T23:00:00Z"}));

TEST(Schedule, SessionsOnTheNightOfTheChange) {
  // A 01:30-03:30 session on the night the clocks go back lasts three real hours in Warsaw.
  WeeklyPattern p{{6}, 90, 210};
  auto occ = occurrences(p, day("2026-10-25"), day("2026-10-25"), "Europe/Warsaw");
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_EQ((to_millis(occ[0].ends) - to_millis(occ[0].starts)) / 60000, 180);
}

TEST(Schedule, IsoWeeks) {
  EXPECT_EQ(format_iso_week(day("2026-11-23")), "2026-W48");
  EXPECT_EQ(*parse_iso_week("2026-W48"), day("2026-11-23"));
  EXPECT_EQ(format_iso_week(day("2027-01-01")), "2026-W53");  // Friday of the 53rd week
  EXPECT_EQ(*parse_iso_week("2021-W01"), day("2021-01-04"));
  EXPECT_FALSE(parse_iso_week("2026-48"));
  EXPECT_FALSE(parse_iso_week("2026-W54"));
  EXPECT_EQ(iso_week_monday(day("2026-11-29")), day("2026-11-23"));
  EXPECT_EQ(*parse_weekdays("mon,wed,thu"), (std::vector<int>{0, 2, 3}));
  EXPECT_FALSE(parse_weekdays("mon,funday"));
  EXPECT_EQ(*parse_hhmm("18:30"), 1110);
  EXPECT_FALSE(parse_hhmm("24:00"));
}

// Brute force: every assignment of each patient to a group or to nobody.
long long brute_force(const PlacementInput& in) {
  const long long big = static_cast<long long>(in.patients.size()) + 1;
  long long best = -1;
  std::vector<int> choice(in.patients.size(), -1);
  std::function<void(size_t)> go = [&](size_t i) {
    if (i == in.patients.size()) {
      std::vector<int> load(in.groups.size(), 0);
      long long cost = 0;
      for (size_t k = 0; k < choice.size(); ++k) {
        if (choice[k] < 0) {
          cost += big + (in.patients[k].current_group ? 1 : 0);
          continue;
        }
        const auto& g = in.groups[static_cast<size_t>(choice[k])];
        if (++load[static_cast<size_t>(choice[k])] > g.capacity) return;
        if (attendable_minutes(in.patients[k], g) + in.other_services_minutes < in.minimum_minutes) return;
        if (in.patients[k].current_group && *in.patients[k].current_group != g.id) cost += 1;
      }
      if (best < 0 || cost < best) best = cost;
      return;
    }
    for (int g = -1; g < static_cast<int>(in.groups.size()); ++g) {
      choice[i] = g;
      go(i + 1);
    }
  };
  go(0);
  return best;
}

TEST(Placement, MatchesBruteForceOnSmallCases) {
  std::mt19937 rng(20261123);
  const std::vector<WeeklyPattern> tracks = {
      {{0, 2, 3}, 18 * 60, 21 * 60}, {{1, 2, 4}, 9 * 60, 12 * 60}, {{0, 1, 3}, 13 * 60, 16 * 60}};
  // The second half draws patients from three work patterns, so many are interchangeable and the
  // solver's grouping of identical patients is exercised.
  const std::vector<std::vector<DayWindow>> patterns = {
      {},
      {{0, 8 * 60, 16 * 60}, {1, 8 * 60, 16 * 60}, {4, 8 * 60, 16 * 60}},
      {{0, 17 * 60, 23 * 60}, {3, 12 * 60, 20 * 60}}};
  for (int round = 0; round < 120; ++round) {
    const bool templated = round >= 60;
    PlacementInput in;
    const int groups = 1 + static_cast<int>(rng() % 3);
    for (int g = 0; g < groups; ++g)
      in.groups.push_back({"g" + std::to_string(g), "t" + std::to_string(g), tracks[static_cast<size_t>(g)],
                           1 + static_cast<int>(rng() % 3)});
    const int patients = 1 + static_cast<int>(rng() % (templated ? 8 : 6));
    for (int p = 0; p < patients; ++p) {
      PlacementPatient pp;
      pp.id = "p" + std::to_string(p);
      if (rng() % (templated ? 3 : 2) == 0)
        pp.current_group = "g" + std::to_string(rng() % static_cast<unsigned>(groups));
      if (templated) pp.unavailable = patterns[rng() % patterns.size()];
      const int busy = templated ? 0 : static_cast<int>(rng() % 3);
      for (int b = 0; b < busy; ++b) {
        int wd = static_cast<int>(rng() % 5);
        int start = (8 + static_cast<int>(rng() % 10)) * 60;
        pp.unavailable.push_back({wd, start, start + 8 * 60});
      }
      in.patients.push_back(pp);
    }
    PlacementResult r = place(in);
    EXPECT_EQ(r.cost, brute_force(in)) << "round " << round;
    EXPECT_EQ(r.placed + static_cast<int>(r.unplaced.size()), patients);
    EXPECT_TRUE(r.optimal);
    std::map<std::string, int> load;
    std::map<std::string, const PlacementPatient*> by_id;
    for (const auto& pp : in.patients) by_id[pp.id] = &pp;
    for (const auto& a : r.assignments) {
      ++load[a.group_id];
      const auto& g =
          *std::find_if(in.groups.begin(), in.groups.end(), [&](const auto& x) { return x.id == a.group_id; });
      EXPECT_GE(attendable_minutes(*by_id[a.patient_id], g) + in.other_services_minutes, in.minimum_minutes);
      EXPECT_EQ(a.moved, by_id[a.patient_id]->current_group.has_value() && *by_id[a.patient_id]->current_group != g.id);
    }
    for (const auto& g : in.groups) EXPECT_LE(load[g.id], g.capacity);
  }
}

TEST(Placement, ExplainsWhyAPatientIsNotPlaced) {
  PlacementInput in;
  in.groups.push_back({"evening", "t1", {{0, 2, 3}, 18 * 60, 21 * 60}, 1});
  PlacementPatient night_shift{"p1", std::nullopt, {{0, 17 * 60, 23 * 60}, {2, 17 * 60, 23 * 60}}};
  PlacementPatient a{"p2", std::string("evening"), {}};
  PlacementPatient b{"p3", std::nullopt, {}};
  in.patients = {night_shift, a, b};
  PlacementResult r = place(in);
  ASSERT_EQ(r.assignments.size(), 1u);
  EXPECT_EQ(r.assignments[0].patient_id, "p2");  // the placed patient keeps her place
  EXPECT_EQ(r.moved, 0);
  ASSERT_EQ(r.unplaced.size(), 2u);
  EXPECT_EQ(r.unplaced[0].reason, "no_fitting_track");
  EXPECT_EQ(r.unplaced[0].best_minutes, 180);
  EXPECT_EQ(r.unplaced[1].reason, "fitting_groups_full");
}

TEST(NameCheck, MatchesNamesInflectionsAndInitials) {
  std::vector<PersonName> others = {{"Anna", "Kowalska"}, {"Łukasz", "Wiśniewski"}, {"Jo", "Müller"}};
  auto m = [&](const char* text) {
    return name_matches(text, others, {});
  };
  EXPECT_EQ(m("Today the group discussed relapse triggers."), std::vector<std::string>{});
  EXPECT_EQ(m("He supported Anna."), std::vector<std::string>{"Anna"});
  EXPECT_EQ(m("Rozmawiał z Anną i Łukaszem."), (std::vector<std::string>{"Anną", "Łukaszem"}));
  EXPECT_EQ(m("Er sprach mit Frau Müllers Tochter"), std::vector<std::string>{"Müllers"});
  EXPECT_EQ(m("pani kowalskiej nie było"), std::vector<std::string>{"kowalskiej"});
  EXPECT_EQ(m("Feedback from A. K. was kind"), std::vector<std::string>{"A. K."});
  EXPECT_EQ(m("Feedback from A.K. was kind"), std::vector<std::string>{"A.K."});
  EXPECT_EQ(m("Jo came late"), std::vector<std::string>{});           // two-letter names are not checked
  EXPECT_EQ(m("Annual review"), std::vector<std::string>{"Annual"});  // "Ann" + up to 3 more: confirmable
  EXPECT_EQ(name_matches("Annual review", others, {"annual"}), std::vector<std::string>{});
  EXPECT_EQ(m("Wisniewski"), std::vector<std::string>{"Wisniewski"});  // diacritics ignored
}

TEST(NameCheck, ShortFormsOfGivenNames) {
  NicknameTable table;
  table.load({{"Katarzyna", {"Kasia", "Kaśka"}}, {"Anna", {"Ania"}}, {"Ewa", {"Ewka"}}, {"Weronika", {"Wera"}}});
  std::vector<PersonName> others = {{"Katarzyna", "Wójcik", table.of("katarzyna")},
                                    {"Anna", "Nowak", table.of("ANNA")},
                                    {"Ewa", "Lis", table.of("Ewa")},
                                    {"Weronika", "Zając", table.of("Weronika")}};
  auto m = [&](const char* text) {
    return name_matches(text, others, {});
  };
  EXPECT_EQ(m("Rozmawiała z Kasią, potem z Kaśką."), (std::vector<std::string>{"Kasią", "Kaśką"}));
  EXPECT_EQ(m("Kasia came late"), std::vector<std::string>{"Kasia"});
  // Four-letter Polish short forms: their own case forms only.
  EXPECT_EQ(m("Poprosiła Anię o radę, Aniu"), (std::vector<std::string>{"Anię", "Aniu"}));
  EXPECT_EQ(m("Ania"), std::vector<std::string>{"Ania"});
  EXPECT_EQ(m("nie było ani razu"), std::vector<std::string>{});  // "ani" is a word, not Ania
  EXPECT_EQ(m("Ewki nie było, o Ewce mówiono, z Ewką"), (std::vector<std::string>{"Ewki", "Ewce", "Ewką"}));
  EXPECT_EQ(m("they were late"), std::vector<std::string>{});  // "Wera" stays exact
  EXPECT_EQ(m("Wera"), std::vector<std::string>{"Wera"});
  EXPECT_TRUE(table.of("Piotr").empty());
}

}  // namespace
}  // namespace pomost::domain
