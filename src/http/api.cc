#include "http/api.h"

#include "core/time.h"

#include <spdlog/spdlog.h>

#include <boost/url/parse.hpp>
#include <chrono>

#include "auth/crypto.h"
#include "core/text.h"
#include "http/problem.h"

namespace pomost::http {

namespace {

const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string negotiate_language(const service::Query& q, const std::string& accept) {
  if (auto l = q.get("lang"); l && domain::is_language(*l)) return *l;
  // First supported language in Accept-Language order (q-values are rare in practice).
  size_t i = 0;
  while (i < accept.size()) {
    size_t j = accept.find(',', i);
    if (j == std::string::npos) j = accept.size();
    std::string tag = ascii_lower(trim(accept.substr(i, j - i)));
    tag = tag.substr(0, tag.find(';'));
    tag = tag.substr(0, tag.find('-'));
    if (domain::is_language(tag)) return tag;
    i = j + 1;
  }
  return "en";
}

std::string session_token(const HttpRequest& req, bool& via_cookie) {
  via_cookie = false;
  const std::string& auth = req.header("authorization");
  if (auth.size() > 7 && ascii_lower(auth.substr(0, 7)) == "bearer ") return trim(auth.substr(7));
  const std::string& cookie = req.header("cookie");
  const std::string key = std::string(service::kSessionCookie) + "=";
  size_t pos = 0;
  while ((pos = cookie.find(key, pos)) != std::string::npos) {
    if (pos == 0 || cookie[pos - 1] == ' ' || cookie[pos - 1] == ';') {
      size_t end = cookie.find(';', pos);
      via_cookie = true;
      return cookie.substr(pos + key.size(), end == std::string::npos ? std::string::npos : end - pos - key.size());
    }
    pos += key.size();
  }
  return {};
}

bool is_json(const std::string& content_type) {
  std::string ct = ascii_lower(trim(content_type.substr(0, content_type.find(';'))));
  return ct == "application/json" ||
         (ct.size() > 5 && ct.substr(ct.size() - 5) == "+json" && ct.rfind("application/", 0) == 0);
}

bool safe_method(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

}  // namespace

Api::Api(Services services, ApiOptions options) : s_(services), o_(std::move(options)) {
  request_prefix_ = hex_encode(auth::random_bytes(4));
  routes();
}

void Api::add(const char* method, const char* pattern, bool authenticated, Handler h) {
  router_.add(method, pattern, Route{std::string(method) + " " + pattern, authenticated, std::move(h)});
}

void Api::finish(const HttpRequest& req, HttpResponse& resp, const std::string& request_id, bool api) const {
  resp.set("X-Request-Id", request_id);
  // The server's clock (simulated in tests), so clients count deadlines down from it, not their own.
  resp.set("Date", format_http_date(s_.clock.now()));
  resp.set("X-Content-Type-Options", "nosniff");
  resp.set("Content-Security-Policy", kCsp);
  resp.set("X-Frame-Options", "DENY");
  resp.set("Referrer-Policy", "no-referrer");
  resp.set("Cross-Origin-Opener-Policy", "same-origin");
  resp.set("Cross-Origin-Resource-Policy", "same-origin");
  resp.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (api) resp.set("Cache-Control", "no-store");
  if (o_.tls) resp.set("Strict-Transport-Security", "max-age=31536000");
  if (o_.demo) resp.set("X-Pomost-Demo", "synthetic demo data");
  if (req.method == "HEAD") resp.body.clear();
}

HttpResponse Api::refuse(int status, const std::string& detail, const std::string& client_addr) {
  Code code = status == 413 ? Code::payload_too_large : Code::bad_request;
  std::string request_id = request_prefix_ + "-" + std::to_string(++request_counter_);
  HttpResponse r = problem(Status(code, detail), request_id, "en");
  if (status == 431) r.status = 431;  // header too large: the detail says so
  r.close = true;
  HttpRequest fake;
  fake.client_addr = client_addr;
  finish(fake, r, request_id, true);
  s_.metrics.request("refused", r.status, 0);
  return r;
}

void Api::handle(HttpRequest req_in, Respond respond) {
  auto req = std::make_shared<HttpRequest>(std::move(req_in));
  const auto t0 = std::chrono::steady_clock::now();
  const std::string request_id = request_prefix_ + "-" + std::to_string(++request_counter_);

  auto reply = [this, req, respond, request_id, t0](HttpResponse resp, const std::string& route, bool api) {
    finish(*req, resp, request_id, api);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s_.metrics.request(route, resp.status, secs);
    if (resp.status >= 500) spdlog::warn("{} {} -> {} ({})", req->method, route, resp.status, request_id);
    respond(std::move(resp));
  };

  auto url = boost::urls::parse_origin_form(req->target);
  if (!url)
    return reply(problem(Status(Code::bad_request, "The request target is not a valid URL path."), request_id, "en"),
                 "invalid", true);
  std::string path = url->path();
  service::Query query;
  for (auto p : url->params()) query.params[p.key] = p.value;

  const bool api = path.rfind("/api/", 0) == 0 || path == "/healthz" || path == "/metrics";
  if (!api) {
    if (req->method != "GET" && req->method != "HEAD") {
      HttpResponse r =
          problem(Status(Code::method_not_allowed, "Only GET and HEAD are allowed here."), request_id, "en");
      r.set("Allow", "GET, HEAD");
      return reply(std::move(r), "static", false);
    }
    return reply(serve_static(*req, path, request_id), "static", false);
  }

  auto m = router_.match(req->method, path);
  std::string lang = negotiate_language(query, req->header("accept-language"));
  if (!m.route) {
    if (!m.allow.empty()) {
      HttpResponse r =
          problem(Status(Code::method_not_allowed, "This path does not take " + req->method + "."), request_id, lang);
      r.set("Allow", m.allow);
      return reply(std::move(r), "unmatched", true);
    }
    return reply(problem(Status::NotFound("No such endpoint."), request_id, lang), "unmatched", true);
  }
  const Route& route = m.route->handler;

  auto call = std::make_shared<Call>();
  call->req = req.get();
  call->params = std::move(m.params);
  call->query = std::move(query);
  service::RequestContext& ctx = call->ctx;
  ctx.request_id = request_id;
  ctx.client_addr = req->client_addr;
  ctx.now = s_.clock.now();
  ctx.method = req->method;
  ctx.path = path;
  ctx.lang = lang;

  if (route.authenticated) {
    bool via_cookie = false;
    std::string token = session_token(*req, via_cookie);
    // The alert stream does not keep a session alive.
    auto who = s_.auth.authenticate(token, via_cookie, ctx.now, route.name.find("/stream") == std::string::npos);
    if (!who.ok()) return reply(problem(who.status(), request_id, lang), route.name, true);
    if (via_cookie && !safe_method(req->method) && !s_.auth.check_csrf(*who, req->header("x-csrf-token")))
      return reply(
          problem(Status(Code::permission_denied, "The X-CSRF-Token header is missing or wrong.").with_type("csrf"),
                  request_id, lang),
          route.name, true);
    ctx.who = std::move(*who);
    if (domain::is_language(ctx.who->language)) ctx.lang = ctx.who->language;
  }

  if (req->method == "POST" || req->method == "PUT" || req->method == "PATCH") {
    if (!trim(req->body).empty()) {
      if (!is_json(req->header("content-type")))
        return reply(
            problem(Status(Code::unsupported_media, "Send the body as application/json."), request_id, ctx.lang),
            route.name, true);
      auto body = parse_object(req->body);
      if (!body.ok()) return reply(problem(body.status(), request_id, ctx.lang), route.name, true);
      call->body = std::move(*body);
    }
    ctx.body = req->body;
    const std::string& key = req->header("idempotency-key");
    if (!key.empty()) {
      if (key.size() > 200 || has_control_chars(key))
        return reply(
            problem(Status(Code::bad_request, "The Idempotency-Key header must be at most 200 printable characters."),
                    request_id, ctx.lang),
            route.name, true);
      ctx.idempotency_key = key;
    }
  }

  const std::string route_name = route.name;
  const std::string out_lang = ctx.lang;
  call->done = [reply, route_name, request_id, out_lang](Result<service::Reply> r) {
    HttpResponse resp;
    if (!r.ok()) {
      if (r.status().code() == Code::internal) spdlog::error("request {}: {}", request_id, r.status().message());
      resp = problem(r.status(), request_id, out_lang);
    } else {
      resp.status = r->status;
      if (r->stream) {
        resp.content_type = r->content_type;
        resp.stream = std::move(r->stream);
      } else if (r->raw_body) {
        resp.content_type = r->content_type;
        resp.body = std::move(*r->raw_body);
      } else if (resp.status != 204) {
        resp.content_type = "application/json";
        resp.body = json::serialize(r->body);
      }
      for (auto& h : r->headers) resp.set(h.first, h.second);
    }
    reply(std::move(resp), route_name, true);
  };
  try {
    route.handler(*call);
  } catch (const std::exception& e) {
    // Only reached before a handler hands `done` to a use case (use cases catch their own).
    spdlog::error("request {}: handler threw: {}", request_id, e.what());
    call->done(Status::Internal("handler threw"));
  }
}

}  // namespace pomost::http
