#include "domain/registry.h"

namespace pomost::domain {

double default_min_hours_per_week(std::string_view level_of_care, std::string_view population) {
  if (level_of_care == "2.5") return 20;
  return population == "adolescent" ? 6 : 9;
}

}  // namespace pomost::domain
