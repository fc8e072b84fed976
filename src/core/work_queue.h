// A fixed pool of threads for slow CPU work (password hashing) kept off the I/O threads.
// Bounded: when the queue is full, post() refuses, and the caller answers 503.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pomost {

class WorkQueue {
 public:
  WorkQueue(int threads, size_t max_queued);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // False when the queue is full or stopping; the task is then not run.
  bool post(std::function<void()> task);
  void stop();  // finishes queued tasks, then joins

 private:
  void loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  size_t max_queued_;
  bool stopping_ = false;
};

}  // namespace pomost
