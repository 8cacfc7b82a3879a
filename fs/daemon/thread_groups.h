// ThreadGroups: FUSE names the calling thread only; the op log also wants
// its process (thread group) and process group, so that a harness can
// attribute what an engine's children did to the engine. /proc answers
// (status: Tgid; stat: pgrp); answers are cached per thread id.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace diofs {

struct ThreadGroup {
  std::uint32_t tgid = 0;
  std::uint32_t pgid = 0;  // 0 when /proc did not say
};

// The Tgid line of /proc/TID/status.
std::optional<std::uint32_t> ParseStatusTgid(std::string_view status);
// The fifth field of /proc/TID/stat, after the command name in parentheses
// (which may hold spaces and parentheses itself: the last ')' ends it).
std::optional<std::uint32_t> ParseStatPgrp(std::string_view stat);

class ThreadGroups {
 public:
  ThreadGroups();
  ThreadGroup Of(std::uint32_t tid);

 private:
  ThreadGroup Shared(std::uint32_t tid);  // the map every thread shares

  const std::uint64_t id_;  // names this instance in the workers' thread-local answers
  std::mutex mutex_;  // a leaf lock
  std::unordered_map<std::uint32_t, ThreadGroup> groups_;
};

}  // namespace diofs
