#include "core/status.h"

#include <boost/json.hpp>

namespace pomost {

Status Status::Invalid(std::vector<FieldError> errors, std::string message) {
  Status s(Code::invalid, std::move(message));
  s.errors_ = std::move(errors);
  return s;
}

Status Status::ConflictWith(Conflict c, std::string message) {
  Status s(Code::conflict, std::move(message));
  s.conflict_ = std::move(c);
  return s;
}

Status Status::TooMany(int retry_after_seconds, std::string message) {
  Status s(Code::too_many_requests, std::move(message));
  s.retry_after_ = retry_after_seconds < 1 ? 1 : retry_after_seconds;
  return s;
}

boost::json::object Status::to_json() const {
  boost::json::object o;
  o["code"] = static_cast<int>(code_);
  o["message"] = message_;
  o["type"] = type_;
  boost::json::array errors;
  for (const auto& e : errors_)
    errors.push_back(
        boost::json::object{{"field", e.field}, {"message", e.message}, {"code", e.code}, {"params", e.params}});
  o["errors"] = std::move(errors);
  o["extra"] = extra_;
  return o;
}

Status Status::from_json(const boost::json::object& o) {
  const auto* code = o.if_contains("code");
  const auto* message = o.if_contains("message");
  if (!code || !code->is_int64() || code->as_int64() <= 0 || code->as_int64() > static_cast<int>(Code::internal) ||
      !message || !message->is_string())
    return Internal("a stored answer could not be read");
  Status s(static_cast<Code>(code->as_int64()), std::string(message->as_string()));
  if (const auto* t = o.if_contains("type"); t && t->is_string()) s.type_ = std::string(t->as_string());
  if (const auto* errors = o.if_contains("errors"); errors && errors->is_array()) {
    for (const auto& v : errors->as_array()) {
      if (!v.is_object()) continue;
      const auto& e = v.as_object();
      FieldError fe;
      if (const auto* f = e.if_contains("field"); f && f->is_string()) fe.field = std::string(f->as_string());
      if (const auto* m = e.if_contains("message"); m && m->is_string()) fe.message = std::string(m->as_string());
      if (const auto* c = e.if_contains("code"); c && c->is_string()) fe.code = std::string(c->as_string());
      if (const auto* p = e.if_contains("params"); p && p->is_object()) fe.params = p->as_object();
      s.errors_.push_back(std::move(fe));
    }
  }
  if (const auto* x = o.if_contains("extra"); x && x->is_object()) s.extra_ = x->as_object();
  return s;
}

}  // namespace pomost
