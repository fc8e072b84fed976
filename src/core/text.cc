#include "core/text.h"

#include <cstdio>
#include <map>

namespace pomost {

namespace {
// Decodes one UTF-8 code point at s[i]; returns its length or 0 when malformed.
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 2) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Reject overlong forms, surrogates and out-of-range values.
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}
}  // namespace

bool is_valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp;
    size_t n = decode(s, i, cp);
    if (!n) return false;
    i += n;
  }
  return true;
}

size_t utf8_length(std::string_view s) {
  size_t count = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++count;
  return count;
}

bool has_control_chars(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return true;
  return false;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string fold_name(std::string_view s) {
  static const std::map<uint32_t, const char*> kFold = {
      {0x105, "a"}, {0x104, "a"},   {0x107, "c"}, {0x106, "c"}, {0x119, "e"}, {0x118, "e"}, {0x142, "l"}, {0x141, "l"},
      {0x144, "n"}, {0x143, "n"},   {0xF3, "o"},  {0xD3, "o"},  {0x15B, "s"}, {0x15A, "s"}, {0x17A, "z"}, {0x179, "z"},
      {0x17C, "z"}, {0x17B, "z"},   {0xE4, "a"},  {0xC4, "a"},  {0xF6, "o"},  {0xD6, "o"},  {0xFC, "u"},  {0xDC, "u"},
      {0xDF, "ss"}, {0x1E9E, "ss"}, {0xE9, "e"},  {0xC9, "e"},  {0xE8, "e"},  {0xC8, "e"},  {0xE1, "a"},  {0xC1, "a"},
      {0xE0, "a"},  {0xC0, "a"},    {0xED, "i"},  {0xCD, "i"},  {0xFA, "u"},  {0xDA, "u"},  {0xF1, "n"},  {0xD1, "n"},
      {0xE7, "c"},  {0xC7, "c"},    {0xEA, "e"},  {0xCA, "e"},  {0xF4, "o"},  {0xD4, "o"},  {0xE2, "a"},  {0xC2, "a"},
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = decode(s, i, cp);
    if (!n) {
      ++i;
      continue;
    }
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else if (auto it = kFold.find(cp); it != kFold.end()) {
      out += it->second;
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::string hex_encode(std::span<const uint8_t> bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string hex_encode(std::string_view bytes) {
  return hex_encode(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string format_number(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace pomost
