// RFC 3339 timestamps, calendar dates and clinic time zones (IANA names via Howard Hinnant's tz).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace pomost {

// "2026-11-23T17:00:00Z" (UTC, second precision).
std::string format_rfc3339(TimePoint t);
// "Mon, 23 Nov 2026 08:00:00 GMT" (RFC 9110 IMF-fixdate, for the Date header).
std::string format_http_date(TimePoint t);
// The same instant with the zone's offset at that instant: "2026-11-23T18:00:00+01:00".
std::string format_rfc3339_in(TimePoint t, std::string_view time_zone);
// Accepts "Z" or a numeric offset and optional fractional seconds; nullopt when malformed.
std::optional<TimePoint> parse_rfc3339(std::string_view s);

// A valid calendar date "YYYY-MM-DD"; returns days since 1970-01-01.
std::optional<int> parse_date(std::string_view s);
std::string format_date(int days_since_epoch);
// The local calendar date of an instant in a zone.
int local_date(TimePoint t, std::string_view time_zone);

// The instant of a clinic-local wall time (days since epoch, minutes after midnight). In the
// autumn overlap the earlier instant is chosen; in the spring gap the time after the gap.
TimePoint local_time_to_utc(int local_days, int minutes, std::string_view time_zone);

bool is_valid_time_zone(std::string_view name);

}  // namespace pomost
