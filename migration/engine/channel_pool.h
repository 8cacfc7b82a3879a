// Multifd channel threads: each owns one channel index and runs the tasks
// handed to the pool; Sync() waits until every task queued so far is done
// (multifd_send_sync_main at the end of each pass). With zero threads tasks
// run inline on the caller (no multifd). The first task error is kept and
// later tasks are skipped. Channel threads run tasks only: the files they
// use are opened before, by the thread that builds the pool.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status/status.h"

namespace mrm::engine {

class ChannelPool {
 public:
  using Task = std::function<dioh::Status(uint32_t channel)>;

  // Thread i is named name_prefix + i (QEMU's "mig/src/send_%d" with
  // debug-threads), cut to the kernel's 15 characters.
  explicit ChannelPool(uint32_t threads, std::string_view name_prefix = "");
  ~ChannelPool();
  ChannelPool(const ChannelPool&) = delete;
  ChannelPool& operator=(const ChannelPool&) = delete;

  void Submit(Task task);
  // Waits for every submitted task; returns the first error, if any.
  dioh::Status Sync();
  bool failed();

 private:
  void Worker(uint32_t channel, const std::string& name);
  void Record(const dioh::Status& s);

  std::mutex mu_;  // guards queue_, pending_, stop_, error_
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Task> queue_;
  size_t pending_ = 0;  // queued + running
  bool stop_ = false;
  dioh::Status error_;
  std::vector<std::thread> threads_;
};

}  // namespace mrm::engine
