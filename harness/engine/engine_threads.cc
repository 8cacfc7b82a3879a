#include "harness/engine/engine_threads.h"

#include <poll.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace dioh {

bool HasMigrationThread(const std::vector<std::string>& thread_names) {
  return std::any_of(thread_names.begin(), thread_names.end(),
                     [](const std::string& name) { return name.rfind("mig/", 0) == 0; });
}

std::vector<std::string> ThreadNamesOf(pid_t pid) {
  std::vector<std::string> names;
  std::error_code error;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& entry : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.push_back(name);
  }
  return names;
}

bool WaitForMigrationThreadsToEnd(pid_t pid, Deadline deadline) {
  constexpr int kLookEveryMs = 5;
  while (HasMigrationThread(ThreadNamesOf(pid))) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::poll(nullptr, 0, kLookEveryMs);
  }
  return true;
}

}  // namespace dioh
