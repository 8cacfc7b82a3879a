#include "migration/engine/channel_pool.h"

#include <pthread.h>

namespace mrm::engine {

ChannelPool::ChannelPool(uint32_t threads, std::string_view name_prefix) {
  for (uint32_t i = 0; i < threads; ++i) {
    std::string name = name_prefix.empty() ? "" : std::string(name_prefix) + std::to_string(i);
    threads_.emplace_back([this, i, name = std::move(name)] { Worker(i, name); });
  }
}

ChannelPool::~ChannelPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ChannelPool::Record(const dioh::Status& s) {
  if (!s.ok() && error_.ok()) error_ = s;
}

void ChannelPool::Submit(Task task) {
  if (threads_.empty()) {
    std::lock_guard lock(mu_);
    if (error_.ok()) Record(task(0));
    return;
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
    ++pending_;
  }
  work_cv_.notify_one();
}

void ChannelPool::Worker(uint32_t channel, const std::string& name) {
  if (!name.empty()) ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());  // TASK_COMM_LEN 16
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stop_ and nothing left
    Task task = std::move(queue_.front());
    queue_.pop_front();
    const bool skip = !error_.ok();
    lock.unlock();
    dioh::Status s = skip ? dioh::Status::Ok() : task(channel);
    lock.lock();
    Record(s);
    if (--pending_ == 0) done_cv_.notify_all();
  }
}

dioh::Status ChannelPool::Sync() {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [this] { return pending_ == 0; });
  return error_;
}

bool ChannelPool::failed() {
  std::lock_guard lock(mu_);
  return !error_.ok();
}

}  // namespace mrm::engine
