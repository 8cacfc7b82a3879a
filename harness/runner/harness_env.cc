#include "harness/runner/harness_env.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
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

// A regular file read with pread (never short: a file that shrank under the
// reader is EIO, as ByteSource asks).
class PreadByteSource final : public mrm::format::ByteSource {
 public:
  PreadByteSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~PreadByteSource() override { close(fd_); }
  PreadByteSource(const PreadByteSource&) = delete;
  PreadByteSource& operator=(const PreadByteSource&) = delete;
  std::uint64_t size() const override { return size_; }
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const override {
    for (std::size_t done = 0; done < out.size();) {
      const ssize_t n = pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus(errno, "read at " + std::to_string(offset + done));
      if (n == 0) return Status::Error(EIO, "read at " + std::to_string(offset + done) + ": end of file");
      done += static_cast<std::size_t>(n);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  std::uint64_t size_;
};

bool AllZero(const std::uint8_t* bytes, std::size_t n) {
  return n == 0 || (bytes[0] == 0 && std::memcmp(bytes, bytes + 1, n - 1) == 0);
}

// 1 MiB at a time: the copy's memory is bounded whatever the file's size.
Status CopyPieces(int in, int out, const std::string& from, const std::string& to) {
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  const std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[kPiece]);
  off_t at = 0;
  for (;;) {
    const ssize_t n = pread(in, buffer.get(), kPiece, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, "copy " + from);
    if (n == 0) break;
    const std::size_t got = static_cast<std::size_t>(n);
    const bool hole = AllZero(buffer.get(), got);
    for (std::size_t done = hole ? got : 0; done < got;) {
      const ssize_t w = pwrite(out, buffer.get() + done, got - done, at + static_cast<off_t>(done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return ErrnoStatus(errno, "copy to " + to);
      done += static_cast<std::size_t>(w);
    }
    at += n;
  }
  if (ftruncate(out, at) != 0) return ErrnoStatus(errno, "copy to " + to);  // a trailing hole
  return Status::Ok();
}

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

  // The produced file is read through the descriptor as the checks ask, so
  // the harness's memory does not grow with the guest (a 2 GiB file read
  // whole made a 2.2 GB process).
  Result<std::unique_ptr<mrm::format::ByteSource>> OpenByteSource(const std::string& path) override {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return std::unique_ptr<mrm::format::ByteSource>();
      return ErrnoStatus(errno, "open " + path);
    }
    struct stat st {};
    const int error = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (error != 0) {
      close(fd);
      return ErrnoStatus(error, "open " + path);
    }
    return std::unique_ptr<mrm::format::ByteSource>(
        std::make_unique<PreadByteSource>(fd, static_cast<std::uint64_t>(st.st_size)));
  }

  // Reads through whatever `from` is on (the harness's reads of the produced
  // file are its own pid's, which the checks ignore). A piece that reads as
  // zeros is skipped, so a mapped-ram file's zero pages stay holes in the copy.
  Status CopyFile(const std::string& from, const std::string& to) override {
    const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return ErrnoStatus(errno, "copy " + from);
    const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
      const int error = errno;
      close(in);
      return ErrnoStatus(error, "copy to " + to);
    }
    Status status = CopyPieces(in, out, from, to);
    close(in);
    if (close(out) != 0 && status.ok()) status = ErrnoStatus(errno, "copy to " + to);
    return status;
  }

  Result<std::unique_ptr<DiofsMount>> MountDiofs(const std::vector<std::string>& args) override {
    auto mount = MountedDiofs::Mount(args);
    if (!mount.ok()) return mount.status();
    return std::unique_ptr<DiofsMount>(std::make_unique<RealDiofsMount>(std::move(*mount)));
  }

  Result<OpLog> OpenOpLog(const std::string& path) override { return OpenOpLogFile(path); }

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
