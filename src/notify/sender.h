// Delivery to the outside world: webhooks (SMS or pager gateways) and e-mail. The outbox worker
// (service/outbox.h) decides what and when; a Sender only carries one message.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace pomost::notify {

class Sender {
 public:
  virtual ~Sender() = default;
  // POSTs `body` (JSON) to `url`; ok only for a 2xx answer within the timeout.
  virtual Status post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body) = 0;
  // Sends a plain-text e-mail; unavailable when no SMTP server is configured.
  virtual Status mail(const std::string& to, const std::string& subject, const std::string& body) = 0;
};

struct SmtpOptions {
  std::string url;   // "smtp://mail.example.org:25" or "smtps://..."; empty = no e-mail
  std::string from;  // envelope and header sender
  std::string user, password;
};

}  // namespace pomost::notify
