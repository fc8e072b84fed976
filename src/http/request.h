// Beast-free request and response values: everything above the socket code speaks these.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "service/feed.h"

namespace pomost::http {

struct HttpRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client_addr;
  bool tls = false;

  const std::string& header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;                     // close the connection after this response
  std::shared_ptr<service::Feed> stream;  // set: the body is written as it comes, then the connection closes

  void set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

using Respond = std::function<void(HttpResponse)>;

// What the socket layer calls for every complete request. Respond is called exactly once, from
// any thread.
class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  virtual void handle(HttpRequest req, Respond respond) = 0;
  // Responses for requests the socket layer refused before dispatching (limits, parse errors).
  virtual HttpResponse refuse(int status, const std::string& detail, const std::string& client_addr) = 0;
  // The server stops: end long-lived responses (streams) so that the drain can finish.
  virtual void stopping() {}
};

}  // namespace pomost::http
