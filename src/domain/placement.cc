#include "domain/placement.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>

// After the algorithm: it needs the named-parameter machinery the algorithm's header brings.
#include <boost/graph/find_flow_cost.hpp>

namespace pomost::domain {

int attendable_minutes(const PlacementPatient& p, const PlacementGroup& g) {
  int minutes = 0;
  for (int wd : g.pattern.weekdays) {
    DayWindow slot{wd, g.pattern.start_minute, g.pattern.end_minute};
    if (window_free(slot, p.unavailable)) minutes += g.pattern.end_minute - g.pattern.start_minute;
  }
  return minutes;
}

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, long,
                    boost::property<boost::edge_residual_capacity_t, long,
                                    boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                                    boost::property<boost::edge_weight_t, long>>>>>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct Builder {
  Graph g;
  Edge add(int from, int to, long cap, long cost) {
    auto cap_map = boost::get(boost::edge_capacity, g);
    auto rev = boost::get(boost::edge_reverse, g);
    auto w = boost::get(boost::edge_weight, g);
    Edge e = boost::add_edge(from, to, g).first;
    Edge r = boost::add_edge(to, from, g).first;
    cap_map[e] = cap;
    cap_map[r] = 0;
    w[e] = cost;
    w[r] = -cost;
    rev[e] = r;
    rev[r] = e;
    return e;
  }
};

}  // namespace

PlacementResult place(const PlacementInput& in) {
  // Costs: leaving a patient unplaced costs more than any number of moves, so the flow first
  // places as many as possible, then moves as few as possible.
  const long n = static_cast<long>(in.patients.size());
  const long kUnplaced = n + 1;
  const int source = 0, sink = 1, first_patient = 2;
  const int first_group = first_patient + static_cast<int>(n);
  Builder b;
  for (int v = 0; v < first_group + static_cast<int>(in.groups.size()); ++v) boost::add_vertex(b.g);
  std::vector<std::vector<std::pair<int, Edge>>> options(in.patients.size());
  std::vector<Edge> unplaced_edge;
  std::vector<int> best(in.patients.size(), 0);
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const auto& p = in.patients[i];
    const int pv = first_patient + static_cast<int>(i);
    b.add(source, pv, 1, 0);
    for (size_t j = 0; j < in.groups.size(); ++j) {
      const int minutes = attendable_minutes(p, in.groups[j]);
      best[i] = std::max(best[i], minutes);
      if (minutes + in.other_services_minutes < in.minimum_minutes) continue;
      // Moving an already-placed patient costs 1; placing a new one or keeping a place costs 0.
      const bool moves = p.current_group.has_value() && *p.current_group != in.groups[j].id;
      options[i].push_back({static_cast<int>(j), b.add(pv, first_group + static_cast<int>(j), 1, moves ? 1 : 0)});
    }
    // Leaving an already-placed patient without a group also takes their place away: a move too.
    unplaced_edge.push_back(b.add(pv, sink, 1, kUnplaced + (p.current_group ? 1 : 0)));
  }
  for (size_t j = 0; j < in.groups.size(); ++j)
    b.add(first_group + static_cast<int>(j), sink, std::max(0, in.groups[j].capacity), 0);

  boost::successive_shortest_path_nonnegative_weights(b.g, source, sink);
  PlacementResult r;
  r.cost = boost::find_flow_cost(b.g);
  auto cap = boost::get(boost::edge_capacity, b.g);
  auto res = boost::get(boost::edge_residual_capacity, b.g);
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const auto& p = in.patients[i];
    bool placed = false;
    for (const auto& [j, e] : options[i]) {
      if (cap[e] - res[e] == 1) {
        const auto& grp = in.groups[static_cast<size_t>(j)];
        const bool moved = p.current_group.has_value() && *p.current_group != grp.id;
        r.assignments.push_back({p.id, grp.id, grp.track_id, moved});
        ++r.placed;
        if (moved) ++r.moved;
        placed = true;
      }
    }
    if (!placed) r.unplaced.push_back({p.id, options[i].empty() ? "no_fitting_track" : "fitting_groups_full", best[i]});
  }
  return r;
}

}  // namespace pomost::domain
