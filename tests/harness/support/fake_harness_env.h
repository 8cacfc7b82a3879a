// FakeHarnessEnv: HarnessEnv in memory, for unit tests of the runner's logic
// (tests/harness/runner/scenario_runner_test.cc): files are a map, folders a
// set, "mounting diofs" records its options and yields a mount under
// /fake/mnt whose unmount returns the exit status a test chose. Every
// failure a test wants is a field to set; everything done is recorded.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/runner/harness_env.h"

namespace dioh::test_support {

class FakeHarnessEnv final : public HarnessEnv {
 public:
  static constexpr const char* kMountpoint = "/fake/mnt";

  // What the next calls do.
  std::optional<Status> temp_dir_error;  // MakeTempDir fails with it
  std::optional<Status> mount_error;     // MountDiofs fails with it
  Result<int> unmount_result = 0;        // what DiofsMount::Unmount returns
  std::string daemon_stderr;
  // What the mounted diofs writes to its --log file (absent: nothing, as a
  // diofs that died before opening it).
  std::optional<std::vector<std::uint8_t>> op_log = EmptyOpLog();
  // What the log holds once diofs is unmounted, when that differs (diofs
  // writes the trailer at unmount): absent, the log stays as it was.
  std::optional<std::vector<std::uint8_t>> op_log_after_unmount;

  // What happened.
  std::map<std::string, std::vector<std::uint8_t>> files;
  std::map<std::string, std::vector<std::uint8_t>> written;  // every WriteFile, also of files removed since
  std::set<std::string> dirs;
  std::vector<std::string> removed;                // RemoveTree calls
  std::vector<std::vector<std::string>> mounts;    // the options of each MountDiofs
  int unmounts = 0;
  std::string log_path;  // the --log of the last MountDiofs

  // The bytes of an op log with no record: complete (header and trailer),
  // or as a diofs killed before closing it leaves it (no trailer).
  static std::vector<std::uint8_t> EmptyOpLog(bool with_trailer = true);
  // A log of `records` marker records, with or without its trailer.
  static std::vector<std::uint8_t> OpLogOf(std::uint64_t records, bool with_trailer);

  Result<std::string> MakeTempDir() override;
  void RemoveTree(const std::string& path) override;
  Status MakeDirs(const std::string& path) override;
  Status WriteFile(const std::string& path, const std::vector<std::uint8_t>& bytes) override;
  Result<std::unique_ptr<mrm::format::ByteSource>> OpenByteSource(const std::string& path) override;
  Status CopyFile(const std::string& from, const std::string& to) override;
  Result<std::unique_ptr<DiofsMount>> MountDiofs(const std::vector<std::string>& args) override;
  Result<OpLog> OpenOpLog(const std::string& path) override;

 private:
  int temp_dirs_ = 0;
};

}  // namespace dioh::test_support
