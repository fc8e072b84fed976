// A response body that keeps coming (server-sent events), without the socket layer's types.
#pragma once
#include <functional>
#include <string>

namespace pomost::service {

// `next` is called by the socket layer when it is ready for more; the feed answers once, from any
// thread, with the next chunk or with end = true. `cancel` releases everything when the
// connection is gone.
class Feed {
 public:
  virtual ~Feed() = default;
  virtual void next(std::function<void(std::string chunk, bool end)> deliver) = 0;
  virtual void cancel() = 0;
};

}  // namespace pomost::service
