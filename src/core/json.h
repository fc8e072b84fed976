// JSON helpers over Boost.JSON: parsing request bodies and reading fields while collecting every
// bad field, so that a 422 lists all of them at once.
#pragma once
#include <boost/json.hpp>
#include <initializer_list>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace pomost {

namespace json = boost::json;

// Parses a request body that must be a JSON object; 400 when it is not.
Result<json::object> parse_object(std::string_view body);

// Reads fields of one JSON object. Every accessor records a FieldError instead of failing, so
// one pass over the input reports every problem.
// Length limits of a string field, in characters.
struct StringRules {
  size_t min = 1;
  size_t max = 200;
};

class Fields {
 public:
  explicit Fields(const json::object& obj, std::string prefix = "");

  std::optional<std::string> string(std::string_view key, bool required, StringRules rules = {});
  std::optional<std::string> one_of(std::string_view key, bool required, std::span<const std::string_view> allowed);
  std::optional<std::string> one_of(std::string_view key, bool required,
                                    std::initializer_list<std::string_view> allowed) {
    return one_of(key, required, std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  std::optional<std::string> date(std::string_view key, bool required);       // YYYY-MM-DD
  std::optional<std::string> timestamp(std::string_view key, bool required);  // RFC 3339
  std::optional<std::string> time_zone(std::string_view key, bool required);
  std::optional<std::string> email(std::string_view key, bool required);
  std::optional<std::string> phone(std::string_view key, bool required);
  std::optional<int64_t> integer(std::string_view key, bool required, int64_t min, int64_t max);
  std::optional<double> number(std::string_view key, bool required, double min, double max);
  std::optional<bool> boolean(std::string_view key, bool required);
  std::optional<std::vector<std::string>> string_list(std::string_view key, bool required, size_t max_items = 200);
  // A nested object (returned as is); nullopt when absent or not an object.
  const json::object* object(std::string_view key, bool required);
  const json::array* array(std::string_view key, bool required);

  bool has(std::string_view key) const;
  bool is_null(std::string_view key) const;
  // Marks keys that the caller reads by hand (so reject_unknown accepts them).
  void accept(std::string_view key) { seen_.insert(std::string(key)); }
  // Every key that no accessor asked for is reported as unknown.
  void reject_unknown();

  void fail(std::string_view key, std::string message, std::string code = "invalid", json::object params = {});
  std::string path(std::string_view key) const;
  bool ok() const { return errors_.empty(); }
  std::vector<FieldError>& errors() { return errors_; }
  Status status() const { return Status::Invalid(errors_); }

 private:
  const json::value* find(std::string_view key, bool required);

  const json::object& obj_;
  std::string prefix_;
  std::set<std::string> seen_;
  std::vector<FieldError> errors_;
};

// Helpers for building responses.
json::value opt(const std::optional<std::string>& s);
std::string to_string(const json::value& v);

}  // namespace pomost
