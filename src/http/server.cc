#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <list>
#include <mutex>
#include <thread>

#include "http/beast_pch.h"

namespace pomost::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

namespace {

// Completes with the Dispatcher's response on the awaiting coroutine's executor, whatever thread
// the dispatcher answered from.
template <class Token>
auto async_dispatch(Dispatcher& d, HttpRequest req, Token&& token) {
  return asio::async_initiate<Token, void(HttpResponse)>(
      [&d](auto handler, HttpRequest r) {
        using H = decltype(handler);
        auto work = std::make_shared<asio::executor_work_guard<asio::any_io_executor>>(
            asio::make_work_guard(asio::get_associated_executor(handler)));
        auto h = std::make_shared<H>(std::move(handler));
        d.handle(std::move(r), [h, work](HttpResponse resp) {
          auto ex = work->get_executor();
          asio::post(ex, [h, work, resp = std::move(resp)]() mutable {
            std::move (*h)(std::move(resp));
            work->reset();
          });
        });
      },
      token, std::move(req));
}

// Completes with the feed's next chunk (and whether it ended) on the awaiting coroutine's executor.
template <class Token>
auto async_feed_next(service::Feed& feed, Token&& token) {
  return asio::async_initiate<Token, void(std::string, bool)>(
      [&feed](auto handler) {
        using H = decltype(handler);
        auto work = std::make_shared<asio::executor_work_guard<asio::any_io_executor>>(
            asio::make_work_guard(asio::get_associated_executor(handler)));
        auto h = std::make_shared<H>(std::move(handler));
        feed.next([h, work](std::string chunk, bool end) {
          auto ex = work->get_executor();
          asio::post(ex, [h, work, chunk = std::move(chunk), end]() mutable {
            std::move (*h)(std::move(chunk), end);
            work->reset();
          });
        });
      },
      token);
}

bhttp::response<bhttp::string_body> to_beast(HttpResponse&& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  res.set(bhttp::field::server, "pomost");
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  Dispatcher& dispatcher;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<ssl::context> tls;
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  std::atomic<bool> stopping{false};

  struct Conn {
    asio::any_io_executor ex;
    std::function<void()> cancel;  // runs on ex
    std::atomic<bool> busy{false};
  };
  std::mutex mu;
  std::list<std::shared_ptr<Conn>> conns;
  std::atomic<size_t> open{0};
  std::thread drainer;

  Impl(ServerOptions o, Dispatcher& d) : opt(std::move(o)), dispatcher(d) {}

  template <class Stream>
  awaitable<void> write_refusal(Stream& stream, int status, const std::string& detail, const std::string& addr) {
    HttpResponse r = dispatcher.refuse(status, detail, addr);
    auto res = to_beast(std::move(r), 11, false);
    beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
    co_await bhttp::async_write(stream, res, kTuple);
  }

  // After refusing a request mid-body, read and discard what the client is still sending (for a
  // bounded time and amount) so that closing does not reset the connection before the client has
  // read the refusal.
  template <class Stream>
  awaitable<void> linger(Stream& stream) {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
    std::array<char, 16384> sink;
    size_t total = 0;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    while (total < 64 * opt.body_limit) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (ec) break;
      total += n;
    }
  }

  // Server-sent events: the header, then each chunk as the feed produces it, until it ends or the
  // client goes away.
  template <class Stream>
  awaitable<void> write_stream(Stream& stream, HttpResponse resp, unsigned version) {
    auto feed = resp.stream;
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(resp.status), version};
    head.set(bhttp::field::server, "pomost");
    if (!resp.content_type.empty()) head.set(bhttp::field::content_type, resp.content_type);
    for (auto& [k, v] : resp.headers) head.insert(k, v);
    head.keep_alive(false);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
    auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
    while (!hec) {
      auto [chunk, end] = co_await async_feed_next(*feed, use_awaitable);
      if (!chunk.empty()) {
        beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(chunk), kTuple);
        if (wec) break;
      }
      if (end) break;
    }
    feed->cancel();
  }

  template <class Stream>
  awaitable<void> serve(Stream& stream, std::string addr, bool is_tls, std::shared_ptr<Conn> conn) {
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(opt.header_limit));
      parser.body_limit(opt.body_limit);
      beast::get_lowest_layer(stream).expires_after(opt.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
      if (!ec) {
        beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
        std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kTuple);
      }
      if (ec) {
        if (ec == bhttp::error::body_limit) {
          co_await write_refusal(stream, 413,
                                 "The request body is larger than " + std::to_string(opt.body_limit) + " bytes.", addr);
          co_await linger(stream);
        } else if (ec == bhttp::error::header_limit)
          co_await write_refusal(stream, 431, "The request headers are too large.", addr);
        else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
          co_await write_refusal(stream, 400, "The request is not valid HTTP/1.1.", addr);
        co_return;
      }
      auto msg = parser.release();
      HttpRequest req;
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      for (const auto& f : msg) {
        std::string name(f.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto [it, inserted] = req.headers.emplace(name, std::string(f.value()));
        if (!inserted) it->second += ", " + std::string(f.value());
      }
      req.body = std::move(msg.body());
      req.client_addr = addr;
      req.tls = is_tls;
      const bool keep = msg.keep_alive();
      const unsigned version = msg.version();

      conn->busy = true;
      HttpResponse resp = co_await async_dispatch(dispatcher, std::move(req), use_awaitable);
      if (resp.stream) {
        co_await write_stream(stream, std::move(resp), version);
        co_return;  // a stream's body ends with the connection
      }
      const bool again = keep && !resp.close && !stopping;
      auto res = to_beast(std::move(resp), version, again);
      beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
      conn->busy = false;
      if (wec || !again) co_return;
    }
  }

  template <class Stream>
  awaitable<void> session(Stream stream, std::string addr) {
    auto conn = std::make_shared<Conn>();
    conn->ex = co_await asio::this_coro::executor;
    conn->cancel = [&stream] {
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_receive, ignored);
      beast::get_lowest_layer(stream).cancel();
    };
    std::list<std::shared_ptr<Conn>>::iterator self;
    {
      std::lock_guard lock(mu);
      self = conns.insert(conns.end(), conn);
    }
    try {
      if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        beast::get_lowest_layer(stream).expires_after(opt.request_timeout);
        auto [hec] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
        if (!hec) {
          co_await serve(stream, addr, true, conn);
          beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
          co_await stream.async_shutdown(kTuple);
        }
      } else {
        co_await serve(stream, addr, false, conn);
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      }
    } catch (const std::exception& e) {
      spdlog::error("connection from {} failed: {}", addr, e.what());
    }
    conn->cancel = nullptr;  // on this strand, so a posted cancel sees it
    {
      std::lock_guard lock(mu);
      conns.erase(self);
    }
    --open;
  }

  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || stopping) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      if (open >= opt.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      ++open;
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::string addr = socket.remote_endpoint(ignored).address().to_string();
      auto ex = socket.get_executor();
      if (tls) {
        asio::co_spawn(ex,
                       session(beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), *tls), addr),
                       asio::detached);
      } else {
        asio::co_spawn(ex, session(beast::tcp_stream(std::move(socket)), addr), asio::detached);
      }
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections; finishing in-flight requests");
    dispatcher.stopping();
    asio::post(ioc, [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      signals.cancel(ignored);
    });
    std::vector<std::shared_ptr<Conn>> idle;
    {
      std::lock_guard lock(mu);
      for (auto& c : conns)
        if (!c->busy) idle.push_back(c);
    }
    for (auto& c : idle)
      asio::post(c->ex, [c] {
        if (c->cancel && !c->busy) c->cancel();
      });
    // Wait for the rest, then stop whatever is left.
    drainer = std::thread([this] {
      auto deadline = std::chrono::steady_clock::now() + opt.drain_timeout;
      while (open > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (open > 0) spdlog::warn("{} connections still open after the drain timeout; closing them", open.load());
      ioc.stop();
    });
  }
};

Server::Server(ServerOptions options, Dispatcher& dispatcher)
    : impl_(std::make_unique<Impl>(std::move(options), dispatcher)) {}
Server::~Server() = default;

Status Server::bind() {
  auto& o = impl_->opt;
  try {
    if (!o.tls_cert.empty() || !o.tls_key.empty()) {
      if (o.tls_cert.empty() || o.tls_key.empty())
        return Status::Invalid({{"tls", "set both the certificate and the key"}});
      impl_->tls = std::make_unique<ssl::context>(ssl::context::tls_server);
      impl_->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                              ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      impl_->tls->use_certificate_chain_file(o.tls_cert);
      impl_->tls->use_private_key_file(o.tls_key, ssl::context::pem);
    }
    tcp::endpoint ep(asio::ip::make_address(o.host), o.port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    return Status(Code::unavailable, "cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
  }
  return {};
}

uint16_t Server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void Server::run() {
  auto& i = *impl_;
  i.signals.async_wait([&i](const beast::error_code& ec, int) {
    if (!ec) i.begin_stop();
  });
  asio::co_spawn(i.acceptor.get_executor(), i.accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (int t = 1; t < i.opt.threads; ++t) threads.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : threads) t.join();
  if (i.drainer.joinable()) i.drainer.join();
}

void Server::stop() {
  impl_->begin_stop();
}

}  // namespace pomost::http
