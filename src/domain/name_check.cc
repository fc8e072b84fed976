#include "domain/name_check.h"

#include <algorithm>

#include "core/text.h"

namespace pomost::domain {
namespace {

bool is_word_byte(unsigned char c) {
  return std::isalpha(c) || c >= 0x80;
}

struct Word {
  std::string original;
  std::string folded;
  size_t begin = 0, end = 0;  // byte offsets in the text
};

std::vector<Word> words_of(std::string_view text) {
  std::vector<Word> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    size_t j = i;
    while (j < text.size() && is_word_byte(static_cast<unsigned char>(text[j]))) ++j;
    if (j > i) out.push_back({std::string(text.substr(i, j - i)), fold_name(text.substr(i, j - i)), i, j});
    i = j;
  }
  return out;
}

std::vector<std::string> parts(const std::string& name) {
  std::vector<std::string> out;
  for (const auto& w : words_of(name))
    if (utf8_length(w.folded) >= 3) out.push_back(w.folded);
  return out;
}

bool matches(const std::string& word, const std::string& name) {
  if (word == name) return true;
  // Inflected forms: the name without its last letter is a prefix, and the word is at most three
  // letters longer than the name ("Anna" -> "Anny", "Annie"; "Kowalski" -> "Kowalskiego").
  const std::string stem = name.substr(0, name.size() - 1);
  return word.size() >= stem.size() && word.compare(0, stem.size(), stem) == 0 && word.size() <= name.size() + 3;
}

// Polish four-letter short forms are everyday-word-sized ("Ani" is also "nor"), so only their
// own case forms count: -ia (Anię, Aniu) and -ka (Ankę, Anki, Anko, Ance). "ą" folds to "a", so the
// instrumental is the form itself. Other short forms (Tina, Wera) stay exact: "tiny", "were".
void add_polish_short_forms(const std::string& folded, std::vector<std::string>& exact) {
  if (folded.size() != 4) return;
  const std::string stem = folded.substr(0, 3);
  if (folded.compare(2, 2, "ia") == 0) {
    for (const char* e : {"e", "u"}) exact.push_back(stem + e);
  } else if (folded.compare(2, 2, "ka") == 0) {
    for (const char* e : {"e", "i", "o"}) exact.push_back(stem + e);
    exact.push_back(folded.substr(0, 2) + "ce");
  }
}

}  // namespace

std::vector<std::string> name_matches(std::string_view text, const std::vector<PersonName>& names,
                                      const std::set<std::string>& confirmed) {
  std::vector<std::string> found;
  auto add = [&](const std::string& w) {
    if (confirmed.count(fold_name(w))) return;
    if (std::find(found.begin(), found.end(), w) == found.end()) found.push_back(w);
  };
  std::vector<std::string> all_parts, exact;
  for (const auto& n : names) {
    for (auto& p : parts(n.given)) all_parts.push_back(p);
    for (auto& p : parts(n.family)) all_parts.push_back(p);
    for (const auto& nick : n.nicknames) {
      const std::string f = fold_name(nick);
      (utf8_length(f) >= 5 ? all_parts : exact).push_back(f);
      if (utf8_length(f) == 4) add_polish_short_forms(f, exact);
    }
  }
  const auto words = words_of(text);
  for (const auto& w : words) {
    bool hit = std::find(exact.begin(), exact.end(), w.folded) != exact.end();
    for (size_t i = 0; !hit && i < all_parts.size(); ++i) hit = matches(w.folded, all_parts[i]);
    if (hit) add(w.original);
  }
  // Initials: two single letters each followed by a dot ("A. N." or "A.N.").
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const Word& a = words[i];
    const Word& b = words[i + 1];
    if (utf8_length(a.folded) != 1 || utf8_length(b.folded) != 1) continue;
    if (a.end >= text.size() || text[a.end] != '.' || b.end >= text.size() || text[b.end] != '.') continue;
    std::string_view between = text.substr(a.end + 1, b.begin - a.end - 1);
    if (between.find_first_not_of(" ") != std::string_view::npos) continue;
    for (const auto& n : names) {
      std::string gi = fold_name(n.given).substr(0, 1), fi = fold_name(n.family).substr(0, 1);
      if (a.folded == gi && b.folded == fi) add(std::string(text.substr(a.begin, b.end + 1 - a.begin)));
    }
  }
  return found;
}

bool NicknameTable::load(const std::map<std::string, std::vector<std::string>>& table) {
  table_.clear();
  for (const auto& [given, nicks] : table) table_[fold_name(given)] = nicks;
  return true;
}

const std::vector<std::string>& NicknameTable::of(std::string_view given) const {
  static const std::vector<std::string> none;
  auto it = table_.find(fold_name(given));
  return it == table_.end() ? none : it->second;
}

}  // namespace pomost::domain
