// Weekly patterns in a clinic's time zone: session occurrences across daylight-saving changes,
// ISO weeks, overlaps. Pure; the time zone database comes from the system (Howard Hinnant's tz).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace pomost::domain {

struct WeeklyPattern {
  std::vector<int> weekdays;  // 0 = Monday ... 6 = Sunday
  int start_minute = 0;       // minutes after local midnight
  int end_minute = 0;
};

struct Occurrence {
  int local_date = 0;  // days since 1970-01-01
  TimePoint starts;
  TimePoint ends;
};

// Every occurrence of `p` on local dates [from, to] (inclusive). Wall-clock times stay the same
// across daylight-saving changes; the instants move.
std::vector<Occurrence> occurrences(const WeeklyPattern& p, int from_date, int to_date, std::string_view time_zone);

// "mon,wed,thu" -> {0, 2, 3}; nullopt on an unknown day.
std::optional<std::vector<int>> parse_weekdays(std::string_view csv);
// "18:00" -> 1080; nullopt when malformed.
std::optional<int> parse_hhmm(std::string_view s);
std::string format_hhmm(int minutes);

// "2026-W48" -> the Monday of that ISO week (days since epoch); nullopt when malformed.
std::optional<int> parse_iso_week(std::string_view s);
std::string format_iso_week(int local_date);
int iso_week_monday(int local_date);

inline bool overlaps(TimePoint a_start, TimePoint a_end, TimePoint b_start, TimePoint b_end) {
  return a_start < b_end && b_start < a_end;
}

// Minutes of [start, end) on a weekday not covered by any of `busy` (same weekday windows).
struct DayWindow {
  int weekday = 0;
  int start_minute = 0;
  int end_minute = 0;
};
bool window_free(const DayWindow& slot, const std::vector<DayWindow>& busy);

}  // namespace pomost::domain
