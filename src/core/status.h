// Errors are values. A few canonical codes; the HTTP layer maps them to problem+json in one place.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pomost {

enum class Code {
  ok,
  bad_request,            // malformed JSON or query (400)
  unauthenticated,        // not logged in or session expired (401)
  permission_denied,      // the role may never do this (403)
  not_found,              // unknown, or not yours to see (404)
  method_not_allowed,     // (405)
  conflict,               // version, state or booking conflict (409)
  payload_too_large,      // (413)
  unsupported_media,      // (415)
  invalid,                // well-formed but invalid fields (422)
  precondition_required,  // update without a version (428)
  too_many_requests,      // throttled (429)
  unavailable,            // the store cannot take writes right now (503)
  internal,               // a bug or an exhausted resource (500)
};

// One bad field of a request: `field` is a JSON path such as `answers.phq9_9`.
struct FieldError {
  std::string field;
  std::string message;           // English, for people reading the raw API
  std::string code = "invalid";  // stable, for clients that translate (docs/api.md)
  boost::json::object params;    // the numbers or choices the message names
};

// What a 409 conflicts with: kind ∈ staff, patient, room, version, state.
struct Conflict {
  std::string kind;
  std::string id;
  // For a double booking: the booking it collides with.
  std::string session_id, starts, ends;
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::vector<FieldError> errors, std::string message = "Some fields are invalid.");
  static Status NotFound(std::string message = "Not found.") { return {Code::not_found, std::move(message)}; }
  static Status Internal(std::string message) { return {Code::internal, std::move(message)}; }
  static Status ConflictWith(Conflict c, std::string message);
  static Status TooMany(int retry_after_seconds, std::string message);

  bool ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& errors() const { return errors_; }
  const std::optional<Conflict>& conflict() const { return conflict_; }
  int retry_after() const { return retry_after_; }
  // The access rule that decided a denial, recorded in the audit trail (never shown to clients).
  const std::string& rule() const { return rule_; }
  Status& with_rule(std::string rule) {
    rule_ = std::move(rule);
    return *this;
  }
  // Extra members of the problem document (e.g. `risk_event` of a refused check-in).
  const boost::json::object& extra() const { return extra_; }
  Status& with_extra(boost::json::object extra) {
    extra_ = std::move(extra);
    return *this;
  }
  // The use case failed, yet what it wrote must be kept (a refused submission's risk event and
  // alert, rules.md): the runner commits instead of rolling back.
  bool keep_writes() const { return keep_writes_; }
  Status& keeping_writes() {
    keep_writes_ = true;
    return *this;
  }
  // A refusal that kept writes is stored under its Idempotency-Key as this JSON, so a retry with
  // the same key answers the same problem again and writes nothing new.
  boost::json::object to_json() const;
  static Status from_json(const boost::json::object& o);
  bool replayed() const { return replayed_; }
  Status& as_replayed() {
    replayed_ = true;
    return *this;
  }
  // A more specific problem type than the code's (e.g. "session-expired").
  const std::string& type() const { return type_; }
  Status& with_type(std::string type) {
    type_ = std::move(type);
    return *this;
  }

 private:
  Code code_ = Code::ok;
  std::string message_;
  std::vector<FieldError> errors_;
  std::optional<Conflict> conflict_;
  int retry_after_ = 0;
  std::string rule_;
  std::string type_;
  boost::json::object extra_;
  bool keep_writes_ = false;
  bool replayed_ = false;
};

// A value or the Status explaining why there is none.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design, like absl::StatusOr
  Result(Status status) : v_(std::move(status)) {}  // NOLINT
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

inline const Status& status_of(const Status& s) {
  return s;
}
template <class T>
const Status& status_of(const Result<T>& r) {
  return r.status();
}

}  // namespace pomost

#define POMOST_CONCAT_INNER(a, b) a##b
#define POMOST_CONCAT(a, b) POMOST_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define RETURN_IF_ERROR(expr)                       \
  do {                                              \
    const auto& _st = (expr);                       \
    if (!_st.ok()) return ::pomost::status_of(_st); \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                          \
  if (!tmp.ok()) return tmp.status();         \
  lhs = std::move(tmp).value()

// `ASSIGN_OR_RETURN(auto x, f());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, expr) ASSIGN_OR_RETURN_IMPL(POMOST_CONCAT(_res_, __LINE__), lhs, expr)
