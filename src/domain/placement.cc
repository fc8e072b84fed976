#include "domain/placement.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <limits>
#include <map>

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

// Boost's successive_shortest_path_nonnegative_weights, with one change: Boost adds "infinity" to
// the potential of a vertex Dijkstra did not reach, which overflows (UBSan) and leaves garbage
// potentials that can misprice later paths. Here an unreached vertex gets the largest finite
// distance of the round, which keeps every residual edge's reduced cost non-negative.
void min_cost_max_flow(Graph& g, int source, int sink) {
  const auto n = boost::num_vertices(g);
  auto capacity = boost::get(boost::edge_capacity, g);
  auto residual = boost::get(boost::edge_residual_capacity, g);
  auto weight = boost::get(boost::edge_weight, g);
  auto rev = boost::get(boost::edge_reverse, g);
  auto index = boost::get(boost::vertex_index, g);
  std::vector<Edge> pred_v(n);
  std::vector<long> dist_v(n), potential_v(n, 0);
  auto pred = boost::make_iterator_property_map(pred_v.begin(), index);
  auto dist = boost::make_iterator_property_map(dist_v.begin(), index);
  auto potential = boost::make_iterator_property_map(potential_v.begin(), index);
  auto gres = boost::detail::residual_graph(g, residual);
  BGL_FORALL_EDGES(e, g, Graph) {
    residual[e] = capacity[e];
  }
  const long inf = std::numeric_limits<long>::max();
  while (true) {
    std::fill(pred_v.begin(), pred_v.end(), Edge());
    boost::dijkstra_shortest_paths(
        gres, static_cast<Graph::vertex_descriptor>(source),
        boost::weight_map(boost::detail::make_mapReducedWeight(gres, weight, potential, rev))
            .distance_map(dist)
            .vertex_index_map(index)
            .visitor(boost::make_dijkstra_visitor(boost::record_edge_predecessors(pred, boost::on_edge_relaxed()))));
    if (pred_v[static_cast<size_t>(sink)] == Edge()) break;
    long reached_max = 0;
    for (long d : dist_v)
      if (d != inf) reached_max = std::max(reached_max, d);
    for (size_t v = 0; v < n; ++v) potential_v[v] += dist_v[v] == inf ? reached_max : dist_v[v];
    boost::detail::augment(g, static_cast<Graph::vertex_descriptor>(source),
                           static_cast<Graph::vertex_descriptor>(sink), pred, residual, rev);
  }
}

}  // namespace

PlacementResult place(const PlacementInput& in) {
  // Costs: leaving a patient unplaced costs more than any number of moves, so the flow first
  // places as many as possible, then moves as few as possible.
  const long n = static_cast<long>(in.patients.size());
  const long kUnplaced = n + 1;
  // Patients who fit the same groups and sit in the same group now are interchangeable: one node
  // per such class, with the class size as capacity, gives the same optimum on a far smaller
  // graph (clinics have a handful of work patterns, not one per patient).
  std::vector<int> best(in.patients.size(), 0);
  std::map<std::pair<std::vector<int>, std::string>, int> class_of;
  struct Class {
    std::vector<int> fits;  // group indices
    std::optional<std::string> current;
    std::vector<size_t> members;
  };
  std::vector<Class> classes;
  std::vector<size_t> cls(in.patients.size());
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const auto& p = in.patients[i];
    std::vector<int> fits;
    for (size_t j = 0; j < in.groups.size(); ++j) {
      const int minutes = attendable_minutes(p, in.groups[j]);
      best[i] = std::max(best[i], minutes);
      if (minutes + in.other_services_minutes >= in.minimum_minutes) fits.push_back(static_cast<int>(j));
    }
    std::string key = p.current_group ? "=" + *p.current_group : "";
    auto [it, fresh] = class_of.try_emplace({fits, key}, static_cast<int>(classes.size()));
    if (fresh) classes.push_back({std::move(fits), p.current_group, {}});
    cls[i] = static_cast<size_t>(it->second);
    classes[cls[i]].members.push_back(i);
  }

  const int source = 0, sink = 1, first_class = 2;
  const int first_group = first_class + static_cast<int>(classes.size());
  Builder b;
  for (int v = 0; v < first_group + static_cast<int>(in.groups.size()); ++v) boost::add_vertex(b.g);
  std::vector<std::vector<std::pair<int, Edge>>> options(classes.size());
  for (size_t c = 0; c < classes.size(); ++c) {
    const Class& k = classes[c];
    const int cv = first_class + static_cast<int>(c);
    const long size = static_cast<long>(k.members.size());
    b.add(source, cv, size, 0);
    for (int j : k.fits) {
      // Moving an already-placed patient costs 1; placing a new one or keeping a place costs 0.
      const bool moves = k.current.has_value() && *k.current != in.groups[static_cast<size_t>(j)].id;
      options[c].push_back({j, b.add(cv, first_group + j, size, moves ? 1 : 0)});
    }
    // Leaving an already-placed patient without a group also takes their place away: a move too.
    b.add(cv, sink, size, kUnplaced + (k.current ? 1 : 0));
  }
  for (size_t j = 0; j < in.groups.size(); ++j)
    b.add(first_group + static_cast<int>(j), sink, std::max(0, in.groups[j].capacity), 0);

  min_cost_max_flow(b.g, source, sink);
  PlacementResult r;
  r.cost = boost::find_flow_cost(b.g);
  auto cap = boost::get(boost::edge_capacity, b.g);
  auto res = boost::get(boost::edge_residual_capacity, b.g);
  std::vector<std::optional<int>> group_of(in.patients.size());
  for (size_t c = 0; c < classes.size(); ++c) {
    size_t next = 0;  // members in input order take the class's places
    for (const auto& [j, e] : options[c])
      for (long f = cap[e] - res[e]; f > 0 && next < classes[c].members.size(); --f)
        group_of[classes[c].members[next++]] = j;
  }
  for (size_t i = 0; i < in.patients.size(); ++i) {
    const auto& p = in.patients[i];
    if (group_of[i]) {
      const auto& grp = in.groups[static_cast<size_t>(*group_of[i])];
      const bool moved = p.current_group.has_value() && *p.current_group != grp.id;
      r.assignments.push_back({p.id, grp.id, grp.track_id, moved});
      ++r.placed;
      if (moved) ++r.moved;
    } else {
      const bool fits = !classes[cls[i]].fits.empty();
      r.unplaced.push_back({p.id, fits ? "fitting_groups_full" : "no_fitting_track", best[i]});
    }
  }
  return r;
}

}  // namespace pomost::domain
