#include "domain/password_policy.h"

#include <algorithm>
#include <array>
#include <set>

#include "core/text.h"

namespace pomost::domain {
namespace {

// Passwords of 12+ characters that lead public breach lists, in English, Polish and German
// variants. Compared after lower-casing.
const std::set<std::string_view>& common_passwords() {
  static const std::set<std::string_view> kList = {
      "123456789012",  "1234567890123",    "12345678901234",   "123456789123",
      "111111111111",  "000000000000",     "123123123123",     "121212121212",
      "123412341234",  "098765432109",     "147258369147",     "987654321098",
      "qwertyuiop12",  "qwertyuiopas",     "qwerty123456",     "qwerty1234567",
      "qwertyqwerty",  "qwertzuiop12",     "qwertzuiopü+",     "1q2w3e4r5t6y",
      "1qaz2wsx3edc",  "zaq12wsxcde3",     "zaq1@wsxcde3",     "qazwsxedcrfv",
      "1234qwerasdf",  "asdfghjkl123",     "asdfghjklöä#",     "asdfasdfasdf",
      "abcdefghijkl",  "abcdefgh1234",     "abc123abc123",     "aaaaaaaaaaaa",
      "password1234",  "password12345",    "password123!",     "passwordpassword",
      "password1234!", "p@ssw0rd1234",     "passw0rd1234",     "p@ssword1234",
      "iloveyou1234",  "iloveyouiloveyou", "letmein12345",     "welcome12345",
      "welcome123!!",  "welcome2024!",     "welcome2025!",     "welcome2026!",
      "football1234",  "baseball1234",     "monkey123456",     "dragon123456",
      "sunshine1234",  "princess1234",     "trustno11234",     "changeme1234",
      "administrator", "administrator1",   "admin1234567",     "admin123456!",
      "master123456",  "superman1234",     "batman123456",     "starwars1234",
      "whatever1234",  "shadow123456",     "michael12345",     "jennifer1234",
      "computer1234",  "internet1234",     "secret123456",     "summer2024!!",
      "winter2024!!",  "spring2025!!",     "autumn2025!!",     "charlie12345",
      "liverpool123",  "chelsea12345",     "manchester12",     "arsenal12345",
      "juventus1234",  "barcelona123",     "realmadrid12",     "pokemon12345",
      "minecraft123",  "fortnite1234",     "thequickbrownfox", "correcthorsebatterystaple",
      "mypassword123", "mypassword12",     "yourpassword",     "nopassword12",
      "newpassword1",  "newpassword12",    "oldpassword1",     "haslo1234567",
      "haslo12345678", "hasło1234567",     "haslohaslo12",     "kochamcie123",
      "kochamcie1234", "polska123456",     "polska12345678",   "zaq1xsw2cde3",
      "misiek123456",  "monika123456",     "agnieszka123",     "bartek123456",
      "marcin123456",  "mateusz12345",     "lukasz123456",     "qwerty123456789",
      "zxcvbnm12345",  "zxcvbnm123456",    "1qazxsw23edc",     "legia1234567",
      "kacper123456",  "michal123456",     "slonecznik12",     "passwort1234",
      "passwort12345", "passwort123!",     "passwortpasswort", "hallo1234567",
      "hallohallo12",  "geheim123456",     "geheimgeheim",     "schalke04123",
      "bayern123456",  "borussia1234",     "fussball1234",     "schatz123456",
      "ichliebedich",  "ichliebedich1",    "sommer123456",     "berlin123456",
      "hamburg12345",  "muenchen1234",     "deutschland1",     "deutschland12",
      "lieblings123",  "gutentag1234",     "warszawa1234",     "krakow123456",
      "gdansk123456",  "pomost123456",     "pomostpomost",     "therapy12345",
      "recovery1234",  "sobriety1234",     "onedayatatime",    "serenity1234",
      "letmeinplease", "opensesame12",     "iloveyou123!",
  };
  return kList;
}

// Base words that stay weak whatever digits or symbols surround them.
constexpr std::array<std::string_view, 18> kBaseWords = {
    "password", "passwort", "haslo",  "qwerty", "qwertz", "admin",     "welcome", "letmein", "iloveyou",
    "pomost",   "changeme", "secret", "geheim", "hallo",  "kochamcie", "polska",  "abc",     "test"};

bool is_sequence(const std::string& s) {
  bool up = true, down = true;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i] != s[i - 1] + 1) up = false;
    if (s[i] != s[i - 1] - 1) down = false;
  }
  return up || down;
}

}  // namespace

std::optional<PasswordProblem> check_password(std::string_view password, std::string_view username) {
  size_t n = utf8_length(password);
  if (n < kMinPasswordLength) return PasswordProblem{"too_short", "must be at least 12 characters"};
  if (n > kMaxPasswordLength) return PasswordProblem{"too_long", "must be at most 256 characters"};
  if (!is_valid_utf8(password)) return PasswordProblem{"utf8", "must be valid UTF-8"};
  std::string lower = ascii_lower(password);
  if (common_passwords().count(lower)) return PasswordProblem{"common", "is a commonly used password; choose another"};
  std::set<char> distinct(lower.begin(), lower.end());
  if (distinct.size() <= 3) return PasswordProblem{"few_characters", "uses too few different characters"};
  if (is_sequence(lower)) return PasswordProblem{"sequence", "is a simple sequence"};
  std::string letters;
  for (char c : lower)
    if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) letters += c;
  for (auto w : kBaseWords)
    if (letters == w)
      return PasswordProblem{"common_word", "is a common word with digits or symbols added; choose another"};
  std::string user = ascii_lower(username);
  if (!user.empty() && user.size() >= 4 && lower.find(user) != std::string::npos)
    return PasswordProblem{"username", "must not contain the username"};
  return std::nullopt;
}

}  // namespace pomost::domain
