// Every writable control file of /.diofs/, as the FUSE adapter drives it:
// the first byte picks the file, the rest is what a process writes there.
// The daemon must answer every write (success or EINVAL) and stay usable.
#include <fcntl.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "fs/core/filesystem.h"
#include "fs/core/mem_backend.h"

namespace {

constexpr std::array<const char*, 5> kWritable = {"profile", "faults", "mark", "violation", "crash"};

diofs::DioFilesystem& Filesystem() {
  static diofs::SimOptions sim = [] {
    diofs::SimOptions options;
    options.volatile_data = true;  // so that "crash" has something to do
    return options;
  }();
  static diofs::DioFilesystem fs(diofs::MakeMemBackend(1 << 20),
                                 diofs::ProfileSwitch{*diofs::ProfileByName("strict-4k"), diofs::OnViolation::kEinval},
                                 {}, sim);
  return fs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  diofs::DioFilesystem& fs = Filesystem();
  const diofs::Caller caller{1, 1, {}};
  auto dir = fs.Lookup(diofs::InodeTable::kRootIno, ".diofs");
  auto entry = fs.Lookup(dir->ino, kWritable[data[0] % kWritable.size()]);
  auto opened = fs.Open(entry->ino, O_WRONLY, caller);
  if (!opened.ok()) std::abort();
  auto written = fs.Write(opened->fh, 0, std::as_bytes(std::span(data + 1, size - 1)), O_WRONLY, caller);
  if (!written.ok() && written.status().code() != EINVAL) std::abort();
  fs.Release(opened->fh, caller);
  // Still answering, with a profile that parses.
  auto stats = fs.Open(fs.Lookup(dir->ino, "stats")->ino, O_RDONLY, caller);
  if (!stats.ok()) std::abort();
  fs.Release(stats->fh, caller);
  if (!diofs::ParseProfileSwitch(fs.profile().profile.ToJson(fs.profile().on_violation), fs.profile()).ok()) {
    std::abort();
  }
  return 0;
}
