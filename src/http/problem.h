// The one place where a Status becomes an HTTP status and an application/problem+json body.
#pragma once
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace pomost::http {

int http_status(Code code);
// RFC 9457 problem document; 500s carry only the request id, never the internal message.
HttpResponse problem(const Status& status, const std::string& request_id, const std::string& lang);

}  // namespace pomost::http
