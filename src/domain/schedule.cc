#include "domain/schedule.h"

#include <date/date.h>
#include <date/iso_week.h>

#include <charconv>

#include "core/time.h"

namespace pomost::domain {

std::vector<Occurrence> occurrences(const WeeklyPattern& p, int from_date, int to_date, std::string_view time_zone) {
  std::vector<Occurrence> out;
  for (int d = from_date; d <= to_date; ++d) {
    const int wd = static_cast<int>(date::weekday(date::sys_days(date::days(d))).iso_encoding()) - 1;
    bool on = false;
    for (int w : p.weekdays) on = on || w == wd;
    if (!on) continue;
    out.push_back({d, local_time_to_utc(d, p.start_minute, time_zone), local_time_to_utc(d, p.end_minute, time_zone)});
  }
  return out;
}

std::optional<std::vector<int>> parse_weekdays(std::string_view csv) {
  static const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::vector<int> out;
  size_t i = 0;
  while (i < csv.size()) {
    size_t j = csv.find(',', i);
    if (j == std::string_view::npos) j = csv.size();
    std::string_view day = csv.substr(i, j - i);
    int found = -1;
    for (int d = 0; d < 7; ++d)
      if (day == kDays[d]) found = d;
    if (found < 0) return std::nullopt;
    out.push_back(found);
    i = j + 1;
  }
  return out;
}

std::optional<int> parse_hhmm(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::from_chars(s.data(), s.data() + 2, h).ec != std::errc() ||
      std::from_chars(s.data() + 3, s.data() + 5, m).ec != std::errc())
    return std::nullopt;
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(int minutes) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

std::optional<int> parse_iso_week(std::string_view s) {
  if (s.size() != 8 || s[4] != '-' || s[5] != 'W') return std::nullopt;
  int y = 0, w = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ec != std::errc() ||
      std::from_chars(s.data() + 6, s.data() + 8, w).ec != std::errc())
    return std::nullopt;
  if (w < 1 || w > 53) return std::nullopt;
  iso_week::year_weeknum_weekday ywd{iso_week::year{y}, iso_week::weeknum{static_cast<unsigned>(w)}, iso_week::mon};
  if (!ywd.ok()) return std::nullopt;
  return date::sys_days(ywd).time_since_epoch().count();
}

std::string format_iso_week(int local_date) {
  iso_week::year_weeknum_weekday ywd{date::sys_days(date::days(local_date))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02u", static_cast<int>(ywd.year()), static_cast<unsigned>(ywd.weeknum()));
  return buf;
}

int iso_week_monday(int local_date) {
  const int wd = static_cast<int>(date::weekday(date::sys_days(date::days(local_date))).iso_encoding()) - 1;
  return local_date - wd;
}

bool window_free(const DayWindow& slot, const std::vector<DayWindow>& busy) {
  for (const auto& b : busy)
    if (b.weekday == slot.weekday && slot.start_minute < b.end_minute && b.start_minute < slot.end_minute) return false;
  return true;
}

}  // namespace pomost::domain
