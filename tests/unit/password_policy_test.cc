#include <gtest/gtest.h>

#include "domain/password_policy.h"

namespace pomost::domain {
namespace {

TEST(PasswordPolicy, RefusesShortCommonAndTrivialPasswords) {
  EXPECT_TRUE(check_password("short", "anna"));
  EXPECT_TRUE(check_password("password1234", "anna"));
  EXPECT_TRUE(check_password("Password1234", "anna"));  // case does not help
  EXPECT_TRUE(check_password("aaaaaaaaaaaaaaaa", "anna"));
  EXPECT_TRUE(check_password("123456789012", "anna"));
  EXPECT_TRUE(check_password("abcdefghijklmn", "anna"));
  EXPECT_TRUE(check_password("Passwort!!2024", "anna"));  // a base word with digits and symbols
  EXPECT_TRUE(check_password("my-annakowal-pw", "annakowal"));
}

TEST(PasswordPolicy, AcceptsLongUncommonPasswords) {
  EXPECT_FALSE(check_password("correct horse staple river", "anna"));
  EXPECT_FALSE(check_password("Wisła płynie 2026!", "anna"));
  EXPECT_FALSE(check_password("demo-clinic-2026", "dr.nowak"));
}

}  // namespace
}  // namespace pomost::domain
