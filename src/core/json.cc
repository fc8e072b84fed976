#include "core/json.h"

#include "core/text.h"
#include "core/time.h"

namespace pomost {

Result<json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(body, ec, {}, opts);
  if (ec) return Status(Code::bad_request, "The request body is not valid JSON.");
  if (!v.is_object()) return Status(Code::bad_request, "The request body must be a JSON object.");
  return std::move(v.as_object());
}

Fields::Fields(const json::object& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

std::string Fields::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void Fields::fail(std::string_view key, std::string message, std::string code, json::object params) {
  errors_.push_back({path(key), std::move(message), std::move(code), std::move(params)});
}

bool Fields::has(std::string_view key) const {
  return obj_.contains(key);
}
bool Fields::is_null(std::string_view key) const {
  auto it = obj_.find(key);
  return it != obj_.end() && it->value().is_null();
}

const json::value* Fields::find(std::string_view key, bool required) {
  seen_.insert(std::string(key));
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) {
    if (required) fail(key, "is required", "required");
    return nullptr;
  }
  return &it->value();
}

std::optional<std::string> Fields::string(std::string_view key, bool required, StringRules rules) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(key, "must be a string", "type", {{"expected", "string"}});
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (!is_valid_utf8(s)) {
    fail(key, "must be valid UTF-8", "utf8");
    return std::nullopt;
  }
  if (has_control_chars(s)) {
    fail(key, "must not contain control characters", "control_characters");
    return std::nullopt;
  }
  size_t n = utf8_length(s);
  if (n < rules.min) {
    fail(key, rules.min == 1 ? "must not be empty" : "must be at least " + std::to_string(rules.min) + " characters",
         rules.min == 1 ? "empty" : "min_length", {{"min", rules.min}});
    return std::nullopt;
  }
  if (n > rules.max) {
    fail(key, "must be at most " + std::to_string(rules.max) + " characters", "max_length", {{"max", rules.max}});
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::one_of(std::string_view key, bool required,
                                          std::span<const std::string_view> allowed) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    for (auto a : allowed)
      if (v->as_string() == a) return std::string(a);
  }
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  json::array choices;
  for (auto a : allowed) choices.emplace_back(a);
  fail(key, "must be one of: " + list, "one_of", {{"allowed", std::move(choices)}});
  return std::nullopt;
}

std::optional<std::string> Fields::date(std::string_view key, bool required) {
  auto s = string(key, required, {1, 10});
  if (!s) return std::nullopt;
  if (!parse_date(*s)) {
    fail(key, "must be a date YYYY-MM-DD", "date");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::timestamp(std::string_view key, bool required) {
  auto s = string(key, required, {1, 40});
  if (!s) return std::nullopt;
  if (!parse_rfc3339(*s)) {
    fail(key, "must be an RFC 3339 timestamp with offset", "timestamp");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::time_zone(std::string_view key, bool required) {
  auto s = string(key, required, {1, 64});
  if (!s) return std::nullopt;
  if (!is_valid_time_zone(*s)) {
    fail(key, "must be an IANA time zone such as Europe/Warsaw", "time_zone");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::email(std::string_view key, bool required) {
  auto s = string(key, required, {3, 254});
  if (!s) return std::nullopt;
  auto at = s->find('@');
  if (at == std::string::npos || at == 0 || at == s->size() - 1 || s->find('@', at + 1) != std::string::npos ||
      s->find(' ') != std::string::npos || s->find('.', at) == std::string::npos) {
    fail(key, "must be an e-mail address", "email");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Fields::phone(std::string_view key, bool required) {
  auto s = string(key, required, {3, 32});
  if (!s) return std::nullopt;
  int digits = 0;
  for (char c : *s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')') {
      fail(key, "must be a phone number (digits, spaces, + - ( ))", "phone");
      return std::nullopt;
    }
  }
  if (digits < 3) {
    fail(key, "must be a phone number", "phone");
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> Fields::integer(std::string_view key, bool required, int64_t min, int64_t max) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  int64_t n = 0;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    n = static_cast<int64_t>(v->as_uint64());
  } else if (v->is_double() && v->as_double() == static_cast<double>(static_cast<int64_t>(v->as_double()))) {
    n = static_cast<int64_t>(v->as_double());
  } else {
    fail(key, "must be an integer", "type", {{"expected", "integer"}});
    return std::nullopt;
  }
  if (n < min || n > max) {
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max), "range",
         {{"min", min}, {"max", max}});
    return std::nullopt;
  }
  return n;
}

std::optional<double> Fields::number(std::string_view key, bool required, double min, double max) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    fail(key, "must be a number", "type", {{"expected", "number"}});
    return std::nullopt;
  }
  double d = v->to_number<double>();
  if (!(d >= min && d <= max)) {
    fail(key, "must be between " + format_number(min) + " and " + format_number(max), "range",
         {{"min", min}, {"max", max}});
    return std::nullopt;
  }
  return d;
}

std::optional<bool> Fields::boolean(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    fail(key, "must be true or false", "type", {{"expected", "boolean"}});
    return std::nullopt;
  }
  return v->as_bool();
}

std::optional<std::vector<std::string>> Fields::string_list(std::string_view key, bool required, size_t max_items) {
  const json::value* v = find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    fail(key, "must be an array of strings", "type", {{"expected", "array"}});
    return std::nullopt;
  }
  const auto& arr = v->as_array();
  if (arr.size() > max_items) {
    fail(key, "must have at most " + std::to_string(max_items) + " items", "max_items", {{"max", max_items}});
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool good = true;
  for (size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_string() || arr[i].as_string().empty() || arr[i].as_string().size() > 200) {
      errors_.push_back({path(key) + "[" + std::to_string(i) + "]", "must be a non-empty string", "empty", {}});
      good = false;
      continue;
    }
    out.emplace_back(arr[i].as_string());
  }
  if (!good) return std::nullopt;
  return out;
}

const json::object* Fields::object(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return nullptr;
  if (!v->is_object()) {
    fail(key, "must be an object", "type", {{"expected", "object"}});
    return nullptr;
  }
  return &v->as_object();
}

const json::array* Fields::array(std::string_view key, bool required) {
  const json::value* v = find(key, required);
  if (!v) return nullptr;
  if (!v->is_array()) {
    fail(key, "must be an array", "type", {{"expected", "array"}});
    return nullptr;
  }
  return &v->as_array();
}

void Fields::reject_unknown() {
  for (const auto& kv : obj_) {
    std::string k(kv.key());
    if (!seen_.count(k)) errors_.push_back({path(k), "is not a known field", "unknown_field", {}});
  }
}

json::value opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}

std::string to_string(const json::value& v) {
  return json::serialize(v);
}

}  // namespace pomost
