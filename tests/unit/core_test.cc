#include <gtest/gtest.h>

#include "core/duration.h"
#include "core/json.h"
#include "core/text.h"
#include "core/time.h"

namespace pomost {
namespace {

TEST(Time, Rfc3339RoundTripsAndRejectsJunk) {
  auto t = parse_rfc3339("2026-11-23T18:00:00+01:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-23T17:00:00Z");
  EXPECT_EQ(format_rfc3339_in(*t, "Europe/Warsaw"), "2026-11-23T18:00:00+01:00");
  EXPECT_TRUE(parse_rfc3339("2026-11-23T17:00:00.250Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-23 17:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-23T17:00:00"));  // no offset
  EXPECT_FALSE(parse_rfc3339("2026-13-23T17:00:00Z"));
  EXPECT_FALSE(parse_rfc3339("2026-11-23T17:00:00Zjunk"));
}

TEST(Time, DatesAreCalendarChecked) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-2-01"));
  EXPECT_EQ(format_date(*parse_date("2026-11-23")), "2026-11-23");
}

TEST(Time, LocalWallTimesAcrossDaylightSavingChanges) {
  // Warsaw, spring forward on 2026-03-29 at 02:00: 18:00 local is 16:00 UTC after, 17:00 before.
  int before = *parse_date("2026-03-28"), after = *parse_date("2026-03-29");
  EXPECT_EQ(format_rfc3339(local_time_to_utc(before, 18 * 60, "Europe/Warsaw")), "2026-03-28T17:00:00Z");
  EXPECT_EQ(format_rfc3339(local_time_to_utc(after, 18 * 60, "Europe/Warsaw")), "2026-03-29T16:00:00Z");
  // 02:30 does not exist that night: it is moved past the gap (03:30 CEST = 01:30 UTC).
  EXPECT_EQ(format_rfc3339(local_time_to_utc(after, 150, "Europe/Warsaw")), "2026-03-29T01:30:00Z");
  // New York falls back on 2026-11-01: 01:30 happens twice; the first (EDT) is chosen.
  EXPECT_EQ(format_rfc3339(local_time_to_utc(*parse_date("2026-11-01"), 90, "America/New_York")),
            "2026-11-01T05:30:00Z");
  EXPECT_TRUE(is_valid_time_zone("Europe/Berlin"));
  EXPECT_FALSE(is_valid_time_zone("Mars/Olympus"));
}

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration("15m")->count(), 15 * 60 * 1000);
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_EQ(parse_duration("7d")->count(), 7LL * 24 * 3600 * 1000);
  EXPECT_FALSE(parse_duration("15"));
  EXPECT_FALSE(parse_duration("m"));
  EXPECT_FALSE(parse_duration("-1s"));
}

TEST(Text, FoldsPolishAndGermanNames) {
  EXPECT_EQ(fold_name("Łukasz Wiśniewski"), "lukasz wisniewski");
  EXPECT_EQ(fold_name("Jürgen Weiß"), "jurgen weiss");
  EXPECT_TRUE(is_valid_utf8("Zażółć gęślą jaźń"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_EQ(utf8_length("Łódź"), 4u);
}

TEST(Fields, ReportsEveryBadFieldWithItsPath) {
  auto obj = parse_object(R"({"name":"","age":"x","tz":"Nowhere/City","extra":1,"nested":{"phone":"abc"}})");
  ASSERT_TRUE(obj.ok());
  Fields f(*obj);
  f.string("name", true);
  f.integer("age", true, 0, 120);
  f.time_zone("tz", true);
  f.string("missing", true);
  if (auto* n = f.object("nested", true)) {
    Fields g(*n, "nested");
    g.phone("phone", true);
    for (auto& e : g.errors()) f.errors().push_back(e);
  }
  f.reject_unknown();
  std::vector<std::string> fields;
  for (const auto& e : f.errors()) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"name", "age", "tz", "missing", "nested.phone", "extra"}));
}

TEST(Fields, MalformedBodiesAre400) {
  EXPECT_EQ(parse_object("{").status().code(), Code::bad_request);
  EXPECT_EQ(parse_object("[1,2]").status().code(), Code::bad_request);
  EXPECT_TRUE(parse_object("{}").ok());
}

}  // namespace
}  // namespace pomost
