// The operations issue's algorithms on their own (no HTTP, no store): the in-process ceiling for
// the end-to-end figures of bench/operations_bench.py.
//  - 12 weeks of session occurrences for 20 groups across the spring clock change in
//    Europe/Warsaw, with the room and staff double-booking check over all of them;
//  - placement of 500 patients with random work hours into 40 groups (20 tracks x 2), 10 % of
//    them already placed, by min-cost flow.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"
#include "domain/placement.h"
#include "domain/schedule.h"

namespace {

using namespace pomost;

std::vector<domain::WeeklyPattern> tracks(int n) {
  static const std::vector<std::vector<int>> days = {{0, 2, 3}, {1, 3, 4}, {0, 1, 3}, {1, 2, 4}, {0, 2, 4}};
  static const int starts[] = {8 * 60, 9 * 60, 13 * 60, 17 * 60, 18 * 60};
  std::vector<domain::WeeklyPattern> out;
  for (int i = 0; i < n; ++i) out.push_back({days[i % 5], starts[(i / 5) % 5], starts[(i / 5) % 5] + 180});
  return out;
}

void BM_TwelveWeeksOfSessions(benchmark::State& state) {
  // 20 groups on 10 tracks; 30 staff lead them (leader + co-leader), 10 rooms.
  const auto t = tracks(10);
  const int from = *parse_date("2027-03-01"), to = from + 12 * 7 - 1;
  size_t sessions = 0, conflicts = 0;
  for (auto _ : state) {
    struct S {
      TimePoint a, b;
      int room, leader, co;
    };
    std::vector<S> all;
    for (int g = 0; g < 20; ++g)
      for (const auto& o : domain::occurrences(t[g % 10], from, to, "Europe/Warsaw"))
        all.push_back({o.starts, o.ends, g / 2, g % 30, (g + 15) % 30});
    // Double booking of a room or a leader among all generated sessions (sorted sweep).
    std::sort(all.begin(), all.end(), [](const S& x, const S& y) { return x.a < y.a; });
    size_t c = 0;
    for (size_t i = 0; i < all.size(); ++i)
      for (size_t j = i + 1; j < all.size() && all[j].a < all[i].b; ++j)
        if (all[i].room == all[j].room || all[i].leader == all[j].leader || all[i].co == all[j].co) ++c;
    benchmark::DoNotOptimize(c);
    sessions = all.size();
    conflicts = c;
  }
  state.counters["sessions"] = static_cast<double>(sessions);
  state.counters["overlaps_found"] = static_cast<double>(conflicts);
}
BENCHMARK(BM_TwelveWeeksOfSessions)->Unit(benchmark::kMillisecond);

domain::PlacementInput placement_input(int patients, int track_count) {
  std::mt19937 rng(42);
  domain::PlacementInput in;
  const auto t = tracks(track_count);
  for (int i = 0; i < track_count * 2; ++i)
    in.groups.push_back({"g" + std::to_string(i), "t" + std::to_string(i / 2), t[i / 2], 12});
  std::uniform_int_distribution<int> shift(0, 4), pick(0, track_count * 2 - 1), pct(0, 99);
  for (int i = 0; i < patients; ++i) {
    domain::PlacementPatient p;
    p.id = "p" + std::to_string(i);
    const int s = shift(rng);  // 0: no work; 1: 08-16; 2: 09-17; 3: 14-22 (evenings); 4: nights
    for (int wd = 0; wd < 5 && s; ++wd) {
      if (s == 1) p.unavailable.push_back({wd, 8 * 60, 16 * 60});
      if (s == 2) p.unavailable.push_back({wd, 9 * 60, 17 * 60});
      if (s == 3) p.unavailable.push_back({wd, 14 * 60, 22 * 60});
      if (s == 4) p.unavailable.push_back({wd, 0, 7 * 60});
    }
    if (pct(rng) < 10) p.current_group = "g" + std::to_string(pick(rng));
    in.patients.push_back(std::move(p));
  }
  return in;
}

void BM_Placement(benchmark::State& state) {
  const auto in = placement_input(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)) / 2);
  domain::PlacementResult r;
  for (auto _ : state) {
    r = domain::place(in);
    benchmark::DoNotOptimize(r.cost);
  }
  state.counters["placed"] = r.placed;
  state.counters["unplaced"] = static_cast<double>(r.unplaced.size());
  state.counters["moved"] = r.moved;
  state.counters["optimal"] = r.optimal ? 1 : 0;
}
BENCHMARK(BM_Placement)->Args({500, 40})->Args({50, 4})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
