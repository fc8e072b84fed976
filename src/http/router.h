// One route table: method + path pattern ("/api/v1/patients/{id}") -> handler.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pomost::http {

using PathParams = std::map<std::string, std::string>;

template <class Handler>
class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };

  void add(std::string method, std::string pattern, Handler handler) {
    routes_.push_back({std::move(method), pattern, split(pattern), std::move(handler)});
  }

  struct Match {
    const Route* route = nullptr;
    PathParams params;
    std::string allow;  // when the path matched but the method did not
  };

  Match match(std::string_view method, std::string_view path) const {
    Match m;
    auto parts = split(path);
    for (const auto& r : routes_) {
      PathParams params;
      if (!match_segments(r.segments, parts, params)) continue;
      if (r.method == method || (method == "HEAD" && r.method == "GET")) {
        m.route = &r;
        m.params = std::move(params);
        return m;
      }
      if (m.allow.find(r.method) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + r.method;
    }
    return m;
  }

  const std::vector<Route>& routes() const { return routes_; }

 private:
  static std::vector<std::string> split(std::string_view p) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < p.size()) {
      if (p[i] == '/') {
        ++i;
        continue;
      }
      size_t j = p.find('/', i);
      if (j == std::string_view::npos) j = p.size();
      out.emplace_back(p.substr(i, j - i));
      i = j;
    }
    return out;
  }

  static bool match_segments(const std::vector<std::string>& pattern, const std::vector<std::string>& parts,
                             PathParams& params) {
    if (pattern.size() != parts.size()) return false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      const auto& s = pattern[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (parts[i].empty() || parts[i].size() > 128) return false;
        params[s.substr(1, s.size() - 2)] = parts[i];
      } else if (s != parts[i]) {
        return false;
      }
    }
    return true;
  }

  std::vector<Route> routes_;
};

}  // namespace pomost::http
