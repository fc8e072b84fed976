#include "http/metrics.h"

#include <cstdio>

namespace pomost::http {

namespace {
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}
const std::vector<double> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}  // namespace

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + num(bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += counts_.back();
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  std::string l = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + l + " " + num(sum_) + "\n";
  out += name + "_count" + l + " " + std::to_string(count_) + "\n";
}

Metrics::Metrics()
    : batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      commit_seconds_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}) {}

void Metrics::request(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  auto it = latency_.find({route, status});
  if (it == latency_.end()) it = latency_.emplace(std::make_pair(route, status), Histogram(kLatencyBounds)).first;
  it->second.observe(seconds);
}

void Metrics::commit_batch(size_t jobs, double seconds) {
  std::lock_guard lock(mu_);
  batch_size_.observe(static_cast<double>(jobs));
  commit_seconds_.observe(seconds);
}

void Metrics::gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() {
  std::vector<Gauge> gauges;
  std::string out;
  {
    std::lock_guard lock(mu_);
    gauges = gauges_;
    out +=
        "# HELP pomost_http_requests_total HTTP requests by route and status.\n# TYPE pomost_http_requests_total "
        "counter\n";
    for (const auto& [key, n] : requests_)
      out += "pomost_http_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"} " +
             std::to_string(n) + "\n";
    out +=
        "# HELP pomost_http_request_seconds Request latency by route and status.\n"
        "# TYPE pomost_http_request_seconds histogram\n";
    for (const auto& [key, h] : latency_)
      h.render(out, "pomost_http_request_seconds",
               "route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"");
    out +=
        "# HELP pomost_store_commit_batch_jobs Write requests per group commit.\n# TYPE pomost_store_commit_batch_jobs "
        "histogram\n";
    batch_size_.render(out, "pomost_store_commit_batch_jobs", "");
    out +=
        "# HELP pomost_store_commit_seconds Time to run and commit one batch durably.\n# TYPE "
        "pomost_store_commit_seconds histogram\n";
    commit_seconds_.render(out, "pomost_store_commit_seconds", "");
  }
  for (const auto& g : gauges) {
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    out += g.name + " " + num(g.read()) + "\n";
  }
  return out;
}

}  // namespace pomost::http
