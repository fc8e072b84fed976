// The group-note name check of rules.md: a chart must never name another group member. A word
// matches a name (3+ letters) when, ignoring case and diacritics, it equals it, or it shares all
// but the name's last letter and is at most 3 letters longer (Polish and German inflection);
// another member's initials ("A. N.", "A.N.") match too. Beyond rules.md, the usual short forms of
// a given name (data/names/nicknames.json: "Kasia" for Katarzyna, "Tomek" for Tomasz) match as
// well: inflected like a name when 5+ letters long ("Kasią"), else only exactly ("Ania" must not
// catch the Polish word "ani").
#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pomost::domain {

struct PersonName {
  std::string given;
  std::string family;
  std::vector<std::string> nicknames;  // short forms of the given name
};

// Short forms of given names, keyed by the folded given name.
class NicknameTable {
 public:
  // {"katarzyna": ["Kasia", "Kaśka"], ...}; false when the document has another shape.
  bool load(const std::map<std::string, std::vector<std::string>>& table);
  const std::vector<std::string>& of(std::string_view given) const;

 private:
  std::map<std::string, std::vector<std::string>> table_;
};

// The words of `text` that look like one of `names`, in order of appearance (each once).
// `confirmed` holds words the writer confirmed are not names (compared after folding).
std::vector<std::string> name_matches(std::string_view text, const std::vector<PersonName>& names,
                                      const std::set<std::string>& confirmed);

}  // namespace pomost::domain
