// The built web app, served from the web root: hashed assets cached for a year, everything else
// revalidated; unknown paths without an extension fall back to index.html (client-side routes).
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/crypto.h"
#include "core/text.h"
#include "http/api.h"
#include "http/problem.h"

namespace pomost::http {

namespace {

std::string mime(const std::filesystem::path& p) {
  const std::string ext = ascii_lower(p.extension().string());
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".wav") return "audio/wav";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

HttpResponse Api::serve_static(const HttpRequest& req, const std::string& path, const std::string& request_id) {
  namespace fs = std::filesystem;
  if (o_.web_root.empty()) return problem(Status::NotFound("No web app is configured."), request_id, "en");
  // Reject anything that could climb out of the web root.
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos)
    return problem(Status::NotFound(), request_id, "en");
  fs::path root(o_.web_root);
  fs::path file = root / fs::path(path == "/" ? "index.html" : path.substr(1));
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    if (fs::path(path).has_extension()) return problem(Status::NotFound(), request_id, "en");
    file = root / "index.html";
    if (!fs::is_regular_file(file, ec)) return problem(Status::NotFound("The web app is not built."), request_id, "en");
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  HttpResponse r;
  r.body = ss.str();
  r.content_type = mime(file);
  const std::string etag = "\"" + hex_encode(auth::blake2b(r.body)).substr(0, 32) + "\"";
  const bool hashed = path.rfind("/assets/", 0) == 0;
  r.set("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  r.set("ETag", etag);
  if (req.header("if-none-match") == etag) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

}  // namespace pomost::http
