#include "tests/harness/support/fake_harness_env.h"

#include <cerrno>
#include <span>

#include "fs/oplog/log_format.h"

namespace dioh::test_support {
namespace {

class FakeMount final : public DiofsMount {
 public:
  explicit FakeMount(FakeHarnessEnv& env) : env_(env) {}
  std::string Path(const std::string& name) const override { return std::string(FakeHarnessEnv::kMountpoint) + "/" + name; }
  Result<int> Unmount(std::chrono::milliseconds) override {
    ++env_.unmounts;
    if (env_.op_log_after_unmount && env_.files.count(env_.log_path) != 0) env_.files[env_.log_path] = *env_.op_log_after_unmount;
    return env_.unmount_result;
  }
  std::string DaemonStderr() const override { return env_.daemon_stderr; }

 private:
  FakeHarnessEnv& env_;
};

void Append(std::vector<std::uint8_t>& out, const std::vector<std::byte>& bytes) {
  for (std::byte b : bytes) out.push_back(static_cast<std::uint8_t>(b));
}

}  // namespace

std::vector<std::uint8_t> FakeHarnessEnv::EmptyOpLog(bool with_trailer) { return OpLogOf(0, with_trailer); }

std::vector<std::uint8_t> FakeHarnessEnv::OpLogOf(std::uint64_t records, bool with_trailer) {
  diofs::oplog::LogHeader header;
  header.profile = "strict-4k";
  std::vector<std::uint8_t> bytes;
  Append(bytes, diofs::oplog::EncodeHeader(header));
  for (std::uint64_t seq = 1; seq <= records; ++seq) {
    diofs::OpEvent event;
    event.kind = diofs::OpKind::kMarker;
    event.text = "m";
    std::vector<std::byte> frame(diofs::oplog::RecordFrameSize(event, false));
    diofs::oplog::EncodeRecordFrame(event, seq, diofs::oplog::HashData({}), false, frame.data());
    Append(bytes, frame);
  }
  if (with_trailer) Append(bytes, diofs::oplog::EncodeTrailerFrame(diofs::oplog::LogTrailer{records, 0, 0}));
  return bytes;
}

Result<std::string> FakeHarnessEnv::MakeTempDir() {
  if (temp_dir_error) return *temp_dir_error;
  const std::string path = "/fake/tmp/dioharness." + std::to_string(++temp_dirs_);
  dirs.insert(path);
  return path;
}

void FakeHarnessEnv::RemoveTree(const std::string& path) {
  removed.push_back(path);
  std::erase_if(files, [&](const auto& entry) { return entry.first.rfind(path + "/", 0) == 0; });
  std::erase_if(dirs, [&](const std::string& dir) { return dir == path || dir.rfind(path + "/", 0) == 0; });
}

Status FakeHarnessEnv::MakeDirs(const std::string& path) {
  dirs.insert(path);
  return Status::Ok();
}

Status FakeHarnessEnv::WriteFile(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  files[path] = bytes;
  written[path] = bytes;
  return Status::Ok();
}

namespace {
// A copy of a fake file's bytes, as a ByteSource that owns them.
class OwnedBytes final : public mrm::format::ByteSource {
 public:
  explicit OwnedBytes(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)), source_(bytes_) {}
  std::uint64_t size() const override { return source_.size(); }
  Status ReadAt(std::uint64_t offset, std::span<std::uint8_t> out) const override { return source_.ReadAt(offset, out); }

 private:
  std::vector<std::uint8_t> bytes_;
  mrm::format::MemoryByteSource source_;
};
}  // namespace

Result<std::unique_ptr<mrm::format::ByteSource>> FakeHarnessEnv::OpenByteSource(const std::string& path) {
  const auto it = files.find(path);
  if (it == files.end()) return std::unique_ptr<mrm::format::ByteSource>();
  return std::unique_ptr<mrm::format::ByteSource>(std::make_unique<OwnedBytes>(it->second));
}

Status FakeHarnessEnv::CopyFile(const std::string& from, const std::string& to) {
  const auto it = files.find(from);
  if (it == files.end()) return Status::Error(ENOENT, "copy " + from + ": no such file");
  files[to] = it->second;
  return Status::Ok();
}

Result<std::unique_ptr<DiofsMount>> FakeHarnessEnv::MountDiofs(const std::vector<std::string>& args) {
  mounts.push_back(args);
  if (mount_error) return *mount_error;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--log") log_path = args[i + 1];
    if (args[i] == "--log" && op_log) files[args[i + 1]] = *op_log;
  }
  return std::unique_ptr<DiofsMount>(std::make_unique<FakeMount>(*this));
}

Result<OpLog> FakeHarnessEnv::OpenOpLog(const std::string& path) {
  const auto it = files.find(path);
  if (it == files.end()) return Status::Error(ENOENT, path + ": No such file or directory");
  auto contents = diofs::oplog::ParseLog(std::as_bytes(std::span<const std::uint8_t>(it->second)));
  if (!contents.ok()) return contents.status().WithContext(path);
  return OpLogInMemory(std::make_shared<const diofs::oplog::LogContents>(std::move(*contents)));
}

}  // namespace dioh::test_support
