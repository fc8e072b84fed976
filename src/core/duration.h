// Durations in configuration: "500ms", "30s", "15m", "12h", "7d".
#pragma once
#include <optional>
#include <string_view>

#include "core/clock.h"

namespace pomost {

std::optional<Millis> parse_duration(std::string_view s);

}  // namespace pomost
