// Password rules of the foundation issue: at least 12 characters and not a common password.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace pomost::domain {

inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 256;

// nullopt when acceptable, else the reason (for a 422 field message).
std::optional<std::string> check_password(std::string_view password, std::string_view username);

}  // namespace pomost::domain
