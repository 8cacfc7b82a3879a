#include "fs/daemon/thread_groups.h"

#include <array>
#include <atomic>
#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace diofs {
namespace {

std::optional<std::uint32_t> NumberAt(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  std::uint32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

std::string ReadProc(std::uint32_t tid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(tid) + "/" + file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::atomic<std::uint64_t> g_next_id{1};

}  // namespace

ThreadGroups::ThreadGroups() : id_(g_next_id.fetch_add(1, std::memory_order_relaxed)) {}

std::optional<std::uint32_t> ParseStatusTgid(std::string_view status) {
  const std::size_t at = status.find("\nTgid:");
  if (at == std::string_view::npos) return std::nullopt;
  return NumberAt(status.substr(at + 6));
}

std::optional<std::uint32_t> ParseStatPgrp(std::string_view stat) {
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);  // " S PPID PGRP ..."
  for (int field = 0; field < 2; ++field) {  // skip the state and the parent
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(' ')));
    rest.remove_prefix(std::min(rest.size(), rest.find(' ')));
  }
  return NumberAt(rest);
}

ThreadGroup ThreadGroups::Of(std::uint32_t tid) {
  // Each FUSE worker first asks its own few answers (direct-mapped by thread
  // id), so that a request does not take the shared lock, whose cache line
  // would move between CPUs with every request. They are as fresh as the
  // shared map's: an answer is kept until its slot is needed.
  struct Slot {
    std::uint64_t owner = 0;  // id_ of the ThreadGroups that answered
    std::uint32_t tid = 0;
    ThreadGroup group;
  };
  thread_local std::array<Slot, 16> recent;
  Slot& slot = recent[tid % recent.size()];
  if (slot.owner == id_ && slot.tid == tid) return slot.group;
  slot = Slot{id_, tid, Shared(tid)};
  return slot.group;
}

ThreadGroup ThreadGroups::Shared(std::uint32_t tid) {
  {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(tid);
    if (it != groups_.end()) return it->second;
  }
  ThreadGroup group{ParseStatusTgid(ReadProc(tid, "status")).value_or(tid),
                    ParseStatPgrp(ReadProc(tid, "stat")).value_or(0)};
  std::lock_guard lock(mutex_);
  if (groups_.size() > 65536) groups_.clear();  // thread ids are reused: keep it fresh and bounded
  groups_[tid] = group;
  return group;
}

}  // namespace diofs
