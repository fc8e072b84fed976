#include "core/status.h"

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

}  // namespace pomost
