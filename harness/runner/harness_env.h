// HarnessEnv: the OS seam of a run (leveldb's Env). RunJob touches files,
// folders and the diofs mount only through it, so its logic — what it does
// when diofs does not mount, exits badly, or leaves no op log — runs in unit
// tests over an in-memory fake (tests/harness/support/fake_harness_env.h),
// without a mount. Engines are behind their own seam, EngineDriver.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/runner/op_log.h"
#include "migration/format/byte_source.h"

namespace dioh {

// A mounted diofs, owned by the run: destroying it unmounts (RAII).
class DiofsMount {
 public:
  virtual ~DiofsMount() = default;
  // The path of `name` inside the mount.
  virtual std::string Path(const std::string& name) const = 0;
  // Unmounts and waits for diofs to exit: its exit status, or an error if it had to be killed.
  virtual Result<int> Unmount(std::chrono::milliseconds timeout) = 0;
  // What diofs wrote to stderr so far.
  virtual std::string DaemonStderr() const = 0;
};

class HarnessEnv {
 public:
  virtual ~HarnessEnv() = default;
  // The process's own file system and real diofs mounts.
  static HarnessEnv& Real();

  // A new private folder under $TMPDIR (else /tmp), named with the pid
  // (RunDirPrefix, harness/mount/leftovers.h) so a later run can reap it.
  virtual Result<std::string> MakeTempDir() = 0;
  // Removes `path` and everything in it; what cannot be removed is left.
  virtual void RemoveTree(const std::string& path) = 0;
  virtual Status MakeDirs(const std::string& path) = 0;
  // Creates or replaces `path` with `bytes`.
  virtual Status WriteFile(const std::string& path, const std::vector<std::uint8_t>& bytes) = 0;
  // `path` read in pieces as the caller asks (the file is not held in
  // memory); null when it does not exist.
  virtual Result<std::unique_ptr<mrm::format::ByteSource>> OpenByteSource(const std::string& path) = 0;
  // Copies `from` to `to` in bounded pieces, leaving holes where `from` reads
  // as zeros; ENOENT when `from` does not exist.
  virtual Status CopyFile(const std::string& from, const std::string& to) = 0;
  // Mounts diofs with `args` (its options before the mountpoint).
  virtual Result<std::unique_ptr<DiofsMount>> MountDiofs(const std::vector<std::string>& args) = 0;
  // Opens and verifies an op log (fs/oplog/LOG_FORMAT.md); its records are
  // read pass by pass, not held.
  virtual Result<OpLog> OpenOpLog(const std::string& path) = 0;
  // Detaches the diofs mounts and removes the folders that dead runs left
  // under $TMPDIR (harness/mount/leftovers.h); one line per thing reaped.
  // The in-memory fakes have no leftovers: nothing, by default.
  virtual std::vector<std::string> ReapLeftovers() { return {}; }
};

// A private folder made by `env`, removed with everything in it on destruction.
class WorkDir {
 public:
  static Result<WorkDir> Make(HarnessEnv& env);
  WorkDir(WorkDir&& other) noexcept : env_(other.env_), path_(std::move(other.path_)) { other.path_.clear(); }
  WorkDir& operator=(WorkDir&&) = delete;
  ~WorkDir();
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  WorkDir(HarnessEnv& env, std::string path) : env_(&env), path_(std::move(path)) {}
  HarnessEnv* env_;
  std::string path_;
};

}  // namespace dioh
