// The HTTP/1.1 server (Boost.Beast, C++20 coroutines): keep-alive, header and body limits, idle
// and request timeouts, optional TLS, a bounded number of connections, graceful shutdown on
// SIGTERM/SIGINT (stop accepting, finish in-flight requests, then stop). Only this file and its
// .cc know Beast and Asio; requests go to a Dispatcher.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "http/request.h"

namespace pomost::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                      // 0 picks a free port (tests)
  int threads = 2;                           // I/O threads; this machine has 2 cores
  size_t body_limit = 1024 * 1024;           // 1 MiB; larger bodies answer 413
  size_t header_limit = 16 * 1024;           // larger headers answer 431
  std::chrono::seconds idle_timeout{60};     // waiting for the next request on a kept-alive connection
  std::chrono::seconds request_timeout{30};  // reading one request, writing one response
  std::chrono::seconds drain_timeout{10};    // how long shutdown waits for in-flight requests
  size_t max_connections = 4096;             // beyond this, new connections are closed at once
  std::string tls_cert;                      // PEM chain; TLS is on when both are set
  std::string tls_key;
};

class Server {
 public:
  Server(ServerOptions options, Dispatcher& dispatcher);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket (and loads TLS material); the bound port is then known.
  Status bind();
  uint16_t port() const;
  // Serves until SIGTERM/SIGINT or stop(); returns after in-flight requests finished.
  void run();
  // Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pomost::http
