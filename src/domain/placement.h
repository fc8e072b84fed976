// Placing patients into groups around their unavailable hours: a min-cost flow (Boost Graph,
// successive shortest paths) that places as many patients as possible in a group whose track
// they can attend often enough to reach the weekly minimum, and among those placements moves as
// few already-placed patients as possible. The flow is integral and optimal by construction.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "domain/schedule.h"

namespace pomost::domain {

struct PlacementGroup {
  std::string id;
  std::string track_id;
  WeeklyPattern pattern;  // the track's sessions
  int capacity = 12;
};

struct PlacementPatient {
  std::string id;
  std::optional<std::string> current_group;  // kept there if possible
  std::vector<DayWindow> unavailable;        // work, school, care duties
};

struct PlacementInput {
  std::vector<PlacementPatient> patients;
  std::vector<PlacementGroup> groups;
  int minimum_minutes = 540;        // per week
  int other_services_minutes = 90;  // individual therapy and psychiatrist visit count too (rules.md)
};

struct PlacementResult {
  struct Assignment {
    std::string patient_id, group_id, track_id;
    bool moved = false;
  };
  struct Unplaced {
    std::string patient_id;
    std::string reason;    // "no_fitting_track" or "fitting_groups_full"
    int best_minutes = 0;  // the most weekly minutes any track would give
  };
  std::vector<Assignment> assignments;
  std::vector<Unplaced> unplaced;
  int placed = 0;
  int moved = 0;
  long long cost = 0;  // the objective: unplaced * (patients + 1) + moved (losing a place counts as a move)
  bool optimal = true;
};

// Weekly minutes of `g`'s sessions that `p` can attend.
int attendable_minutes(const PlacementPatient& p, const PlacementGroup& g);

PlacementResult place(const PlacementInput& in);

}  // namespace pomost::domain
