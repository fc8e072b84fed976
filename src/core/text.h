// Small text utilities: UTF-8 checks, case folding, diacritics, encodings.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pomost {

bool is_valid_utf8(std::string_view s);
size_t utf8_length(std::string_view s);
bool has_control_chars(std::string_view s);  // C0 controls other than tab, newline, CR; DEL
std::string ascii_lower(std::string_view s);
// Lowercase and strip the diacritics of Latin letters used in English, Polish and German
// ("Łukasz" -> "lukasz", "Müller" -> "muller", "ß" -> "ss"), for matching names.
std::string fold_name(std::string_view s);
std::string trim(std::string_view s);
std::string hex_encode(std::span<const uint8_t> bytes);
std::string hex_encode(std::string_view bytes);
std::string format_number(double d);
bool starts_with(std::string_view s, std::string_view prefix);

}  // namespace pomost
