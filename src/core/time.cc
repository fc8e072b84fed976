#include "core/time.h"

#include <date/date.h>
#include <date/tz.h>
#include <cstdio>

#include <sstream>

namespace pomost {

std::string format_rfc3339(TimePoint t) {
  return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(t));
}

std::string format_http_date(TimePoint t) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<date::days>(secs);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<std::chrono::seconds> hms(secs - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02ld:%02ld:%02ld GMT", kDays[date::weekday(day).c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<long>(hms.hours().count()),
                static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
  return buf;
}

std::string format_rfc3339_in(TimePoint t, std::string_view time_zone) {
  try {
    auto zt = date::make_zoned(std::string(time_zone), std::chrono::floor<std::chrono::seconds>(t));
    std::string s = date::format("%FT%T%z", zt);
    // %z gives +0100; RFC 3339 wants +01:00.
    s.insert(s.size() - 2, ":");
    return s;
  } catch (const std::exception&) {
    return format_rfc3339(t);
  }
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  if (s.size() < 20 || s.size() > 40) return std::nullopt;
  std::string in(s);
  // Normalize 't'/'z' and a "Z" suffix so one format string parses both forms.
  if (in[10] != 'T' && in[10] != 't') return std::nullopt;
  in[10] = 'T';
  if (in.back() == 'Z' || in.back() == 'z') {
    in.pop_back();
    in += "+00:00";
  }
  std::istringstream is(in);
  date::sys_time<std::chrono::milliseconds> tp;
  is >> date::parse("%FT%T%Ez", tp);
  if (is.fail()) return std::nullopt;
  if (is.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return TimePoint(tp.time_since_epoch());
}

std::optional<int> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int y = std::stoi(std::string(s.substr(0, 4)));
  unsigned m = static_cast<unsigned>(std::stoi(std::string(s.substr(5, 2))));
  unsigned d = static_cast<unsigned>(std::stoi(std::string(s.substr(8, 2))));
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days(ymd).time_since_epoch().count();
}

std::string format_date(int days) {
  return date::format("%F", date::sys_days(date::days(days)));
}

int local_date(TimePoint t, std::string_view time_zone) {
  try {
    auto zt = date::make_zoned(std::string(time_zone), t);
    auto local = zt.get_local_time();
    return date::floor<date::days>(local).time_since_epoch().count();
  } catch (const std::exception&) {
    return date::floor<date::days>(t).time_since_epoch().count();
  }
}

TimePoint local_time_to_utc(int local_days, int minutes, std::string_view time_zone) {
  const date::local_time<std::chrono::minutes> lt{date::days(local_days) + std::chrono::minutes(minutes)};
  const auto* zone = date::locate_zone(std::string(time_zone));
  const auto info = zone->get_info(lt);
  // info.first is the offset in force before a transition: in the autumn overlap that picks the
  // earlier instant, in the spring gap it moves the wall time forward past the gap.
  const auto sys = date::sys_time<std::chrono::minutes>{lt.time_since_epoch()} -
                   std::chrono::duration_cast<std::chrono::minutes>(info.first.offset);
  return std::chrono::time_point_cast<Millis>(sys);
}

bool is_valid_time_zone(std::string_view name) {
  if (name.empty()) return false;
  try {
    return date::locate_zone(std::string(name)) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace pomost
