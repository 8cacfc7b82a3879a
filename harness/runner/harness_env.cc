#include "harness/runner/harness_env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "harness/mount/leftovers.h"
#include "harness/mount/mounted_diofs.h"
#include "harness/os/errno_status.h"

namespace dioh {
namespace {

class RealDiofsMount final : public DiofsMount {
 public:
  explicit RealDiofsMount(std::unique_ptr<MountedDiofs> mount) : mount_(std::move(mount)) {}
  std::string Path(const std::string& name) const override { return mount_->Path(name); }
  Result<int> Unmount(std::chrono::milliseconds timeout) override { return mount_->Unmount(timeout); }
  std::string DaemonStderr() const override { return mount_->DaemonStderr(); }

 private:
  std::unique_ptr<MountedDiofs> mount_;
};

class RealHarnessEnv final : public HarnessEnv {
 public:
  Result<std::string> MakeTempDir() override {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + RunDirPrefix(getpid()) + "XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return ErrnoStatus(errno, "mkdtemp " + pattern);
    return pattern;
  }

  void RemoveTree(const std::string& path) override {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }

  Status MakeDirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return ErrnoStatus(ec.value(), "mkdir " + path);
    return Status::Ok();
  }

  Status WriteFile(const std::string& path, const std::vector<std::uint8_t>& bytes) override {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, "could not write " + path);
    for (std::size_t done = 0; done < bytes.size();) {
      const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        close(fd);
        return ErrnoStatus(error, "could not write " + path);
      }
      done += static_cast<std::size_t>(n);
    }
    if (close(fd) != 0) return ErrnoStatus(errno, "could not write " + path);
    return Status::Ok();
  }

  // Reads through whatever `path` is on (the harness's reads of the produced
  // file are its own pid's, which the checks ignore).
  Result<std::optional<std::vector<std::uint8_t>>> ReadFile(const std::string& path) override {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::optional<std::vector<std::uint8_t>>();
      return ErrnoStatus(errno, "open " + path);
    }
    // Sized once from fstat and read in place: grown 4 MiB at a time, the
    // vector doubled its capacity past 2 GiB and held the old and the new
    // buffer at once (4.2 GB of peak RSS for a 2 GiB guest).
    struct stat st {};
    if (fstat(fd, &st) != 0) {
      const int error = errno;
      close(fd);
      return ErrnoStatus(error, "stat " + path);
    }
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::max<off_t>(st.st_size, 0)));
    std::size_t used = 0;
    for (;;) {
      // Past the size fstat gave, a small probe (and appends) rather than a
      // resize: a vector grown by one byte past 2 GiB would double to 4.
      std::uint8_t probe[65536];
      const bool at_size = used == bytes.size();
      std::uint8_t* into = at_size ? probe : bytes.data() + used;
      const std::size_t want = at_size ? sizeof probe : std::min(bytes.size() - used, std::size_t{64} << 20);
      const ssize_t n = pread(fd, into, want, static_cast<off_t>(used));
      if (n < 0) {
        const int error = errno;
        close(fd);
        return ErrnoStatus(error, "read " + path);
      }
      if (n == 0) break;
      if (at_size) bytes.insert(bytes.end(), probe, probe + n);
      used += static_cast<std::size_t>(n);
    }
    bytes.resize(used);
    close(fd);
    return std::optional<std::vector<std::uint8_t>>(std::move(bytes));
  }

  Status CopyFile(const std::string& from, const std::string& to) override {
    std::error_code ec;
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return ErrnoStatus(ec.value(), "copy " + from + " to " + to);
    return Status::Ok();
  }

  Result<std::unique_ptr<DiofsMount>> MountDiofs(const std::vector<std::string>& args) override {
    auto mount = MountedDiofs::Mount(args);
    if (!mount.ok()) return mount.status();
    return std::unique_ptr<DiofsMount>(std::make_unique<RealDiofsMount>(std::move(*mount)));
  }

  Result<diofs::oplog::LogContents> ReadOpLog(const std::string& path) override {
    return diofs::oplog::ReadLogFile(path);
  }

  std::vector<std::string> ReapLeftovers() override { return dioh::ReapLeftovers(); }
};

}  // namespace

HarnessEnv& HarnessEnv::Real() {
  static RealHarnessEnv env;  // stateless: one for the process
  return env;
}

Result<WorkDir> WorkDir::Make(HarnessEnv& env) {
  auto path = env.MakeTempDir();
  if (!path.ok()) return path.status();
  return WorkDir(env, std::move(*path));
}

WorkDir::~WorkDir() {
  if (!path_.empty()) env_->RemoveTree(path_);
}

}  // namespace dioh
