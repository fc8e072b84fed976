#include "notify/curl_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>

namespace pomost::notify {

void init_curl() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

namespace {

struct Easy {
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  ~Easy() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
};

size_t discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

struct Upload {
  std::string data;
  size_t pos = 0;
};

size_t read_upload(char* buf, size_t size, size_t n, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t left = u->data.size() - u->pos;
  size_t take = std::min(left, size * n);
  std::memcpy(buf, u->data.data() + u->pos, take);
  u->pos += take;
  return take;
}

class CurlSender final : public Sender {
 public:
  CurlSender(SmtpOptions smtp, long timeout_ms) : smtp_(std::move(smtp)), timeout_ms_(timeout_ms) {}

  Status post(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
              const std::string& body) override {
    Easy e;
    if (!e.h) return Status(Code::unavailable, "curl init failed");
    e.headers = curl_slist_append(e.headers, "Content-Type: application/json");
    for (const auto& [k, v] : headers) e.headers = curl_slist_append(e.headers, (k + ": " + v).c_str());
    curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
    curl_easy_setopt(e.h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e.h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(e.h);
    if (rc != CURLE_OK) return Status(Code::unavailable, curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(e.h, CURLINFO_RESPONSE_CODE, &code);
    if (code < 200 || code >= 300) return Status(Code::unavailable, "HTTP " + std::to_string(code));
    return {};
  }

  Status mail(const std::string& to, const std::string& subject, const std::string& body) override {
    if (smtp_.url.empty()) return Status(Code::unavailable, "no SMTP server configured");
    Easy e;
    if (!e.h) return Status(Code::unavailable, "curl init failed");
    Upload u;
    u.data = "To: " + to + "\r\nFrom: " + smtp_.from + "\r\nSubject: " + subject +
             "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n";
    curl_slist* rcpt = curl_slist_append(nullptr, to.c_str());
    curl_easy_setopt(e.h, CURLOPT_URL, smtp_.url.c_str());
    curl_easy_setopt(e.h, CURLOPT_MAIL_FROM, smtp_.from.c_str());
    curl_easy_setopt(e.h, CURLOPT_MAIL_RCPT, rcpt);
    if (!smtp_.user.empty()) {
      curl_easy_setopt(e.h, CURLOPT_USERNAME, smtp_.user.c_str());
      curl_easy_setopt(e.h, CURLOPT_PASSWORD, smtp_.password.c_str());
    }
    curl_easy_setopt(e.h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(e.h, CURLOPT_READDATA, &u);
    curl_easy_setopt(e.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e.h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    CURLcode rc = curl_easy_perform(e.h);
    curl_slist_free_all(rcpt);
    if (rc != CURLE_OK) return Status(Code::unavailable, curl_easy_strerror(rc));
    return {};
  }

 private:
  SmtpOptions smtp_;
  long timeout_ms_;
};

}  // namespace

std::unique_ptr<Sender> make_curl_sender(SmtpOptions smtp, long timeout_ms) {
  return std::make_unique<CurlSender>(std::move(smtp), timeout_ms);
}

}  // namespace pomost::notify
