// The group-note name check of rules.md: a chart must never name another group member. A word
// matches a name (3+ letters) when, ignoring case and diacritics, it equals it, or it shares all
// but the name's last letter and is at most 3 letters longer (Polish and German inflection);
// another member's initials ("A. N.", "A.N.") match too.
#pragma once
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pomost::domain {

struct PersonName {
  std::string given;
  std::string family;
};

// The words of `text` that look like one of `names`, in order of appearance (each once).
// `confirmed` holds words the writer confirmed are not names (compared after folding).
std::vector<std::string> name_matches(std::string_view text, const std::vector<PersonName>& names,
                                      const std::set<std::string>& confirmed);

}  // namespace pomost::domain
