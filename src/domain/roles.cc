#include "domain/roles.h"

#include <array>
#include <utility>

namespace pomost::domain {

namespace {
constexpr std::array<std::pair<Role, std::string_view>, 7> kRoles{{
    {Role::admin, "admin"},
    {Role::clinical_director, "clinical_director"},
    {Role::psychiatrist, "psychiatrist"},
    {Role::therapist, "therapist"},
    {Role::group_leader, "group_leader"},
    {Role::program_staff, "program_staff"},
    {Role::patient, "patient"},
}};
}  // namespace

std::string_view to_string(Role r) {
  for (const auto& [role, name] : kRoles)
    if (role == r) return name;
  return "unknown";
}

std::optional<Role> parse_role(std::string_view s) {
  for (const auto& [role, name] : kRoles)
    if (name == s) return role;
  return std::nullopt;
}

bool is_language(std::string_view s) {
  return s == "en" || s == "pl" || s == "de";
}

}  // namespace pomost::domain
