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

}  // namespace

std::vector<std::string> name_matches(std::string_view text, const std::vector<PersonName>& names,
                                      const std::set<std::string>& confirmed) {
  std::vector<std::string> found;
  auto add = [&](const std::string& w) {
    if (confirmed.count(fold_name(w))) return;
    if (std::find(found.begin(), found.end(), w) == found.end()) found.push_back(w);
  };
  std::vector<std::string> all_parts;
  for (const auto& n : names) {
    for (auto& p : parts(n.given)) all_parts.push_back(p);
    for (auto& p : parts(n.family)) all_parts.push_back(p);
  }
  const auto words = words_of(text);
  for (const auto& w : words)
    for (const auto& p : all_parts)
      if (matches(w.folded, p)) {
        add(w.original);
        break;
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

}  // namespace pomost::domain
