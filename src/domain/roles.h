// Roles of rules.md. One role per person.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pomost::domain {

enum class Role { admin, clinical_director, psychiatrist, therapist, group_leader, program_staff, patient };

std::string_view to_string(Role r);
std::optional<Role> parse_role(std::string_view s);
inline bool is_staff(Role r) {
  return r != Role::patient;
}

// Languages of the interface.
bool is_language(std::string_view s);

}  // namespace pomost::domain
