// libcurl behind notify::Sender: HTTPS webhooks and SMTP e-mail.
#pragma once
#include <memory>

#include "notify/sender.h"

namespace pomost::notify {

// Call once at start, before any thread uses libcurl.
void init_curl();
std::unique_ptr<Sender> make_curl_sender(SmtpOptions smtp, long timeout_ms = 10000);

}  // namespace pomost::notify
