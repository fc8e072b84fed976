// Password rules of the foundation issue: at least 12 characters and not a common password.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pomost::domain {

inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 256;

struct PasswordProblem {
  std::string reason;   // stable code: too_short, too_long, common, few_characters, sequence, common_word, username
  std::string message;  // English, for the 422 field message
};

// The 422 field error of a refused password (code "weak_password", params {reason, min}).
inline FieldError password_error(std::string field, const PasswordProblem& p) {
  return {std::move(field), p.message, "weak_password", {{"reason", p.reason}, {"min", kMinPasswordLength}}};
}

// nullopt when acceptable, else why not.
std::optional<PasswordProblem> check_password(std::string_view password, std::string_view username);

}  // namespace pomost::domain
