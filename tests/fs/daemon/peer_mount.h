// PeerMount: libfuse's low-level passthrough example (passthrough_ll, built
// from Debian's libfuse3-dev) mounted with -f over a fresh tmpfs folder with
// cache=never, so that every request reaches it: the FUSE peer of the
// benchmarks. Unmounted (and waited for) on destruction.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "harness/mount/leftovers.h"

namespace diofs_bench {

inline bool Mounted(const std::string& mountpoint) {
  std::ifstream in("/proc/self/mounts");
  std::stringstream text;
  text << in.rdbuf();
  const std::vector<std::string> points = dioh::MountPoints(text.str());
  return std::find(points.begin(), points.end(), mountpoint) != points.end();
}

class PeerMount {
 public:
  // nullptr when the peer could not be mounted within 10 s.
  static std::unique_ptr<PeerMount> Mount(const std::string& binary) {
    char source[] = "/dev/shm/passthrough-ll-source-XXXXXX";
    char mountpoint[] = "/tmp/passthrough-ll-mnt-XXXXXX";
    if (mkdtemp(source) == nullptr) return nullptr;
    if (mkdtemp(mountpoint) == nullptr) {
      std::filesystem::remove(source);
      return nullptr;
    }
    auto peer = std::unique_ptr<PeerMount>(new PeerMount(source, mountpoint));
    const std::string options = std::string("source=") + source + ",cache=never";
    std::vector<std::string> args = {binary, "-f", "-o", options, mountpoint};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&peer->pid_, binary.c_str(), &actions, nullptr, argv.data(), environ) != 0) peer->pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (peer->pid_ > 0 && !Mounted(peer->mountpoint_) && std::chrono::steady_clock::now() < deadline) {
      poll(nullptr, 0, 10);
    }
    return Mounted(peer->mountpoint_) ? std::move(peer) : nullptr;
  }
  ~PeerMount() {
    if (pid_ > 0) {
      if (Mounted(mountpoint_)) {
        const std::string command = "fusermount3 -u " + mountpoint_;
        if (std::system(command.c_str()) != 0) kill(pid_, SIGTERM);
      } else {
        kill(pid_, SIGTERM);  // never mounted: do not wait on a daemon that may still be starting
      }
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(source_, ignored);
    std::filesystem::remove(mountpoint_, ignored);
  }
  PeerMount(const PeerMount&) = delete;
  PeerMount& operator=(const PeerMount&) = delete;
  const std::string& mountpoint() const { return mountpoint_; }

 private:
  PeerMount(std::string source, std::string mountpoint) : source_(std::move(source)), mountpoint_(std::move(mountpoint)) {}
  std::string source_, mountpoint_;
  pid_t pid_ = -1;
};

}  // namespace diofs_bench
