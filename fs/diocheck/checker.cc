#include "fs/diocheck/checker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "fs/diocheck/diofs_mount.h"
#include "fs/diocheck/line_buffer.h"

namespace diocheck {
namespace {

bool CopyPath(const char* value, char (&out)[PATH_MAX]) {
  const size_t length = std::strlen(value);
  if (length >= PATH_MAX) return false;
  std::memcpy(out, value, length + 1);
  return true;
}

bool IsPowerOfTwo(uint64_t value) { return value != 0 && (value & (value - 1)) == 0; }

std::optional<uint32_t> ParseAlignment(const char* text) {
  uint64_t value = 0;
  if (*text == '\0') return std::nullopt;
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || value > (uint64_t{1} << 31)) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(*c - '0');
  }
  if (!IsPowerOfTwo(value) || value > (uint64_t{1} << 30)) return std::nullopt;
  return static_cast<uint32_t>(value);
}

}  // namespace

Config ConfigFromEnvironment(const char* (*getenv_fn)(const char* name), const char** problem) {
  Config config;
  *problem = nullptr;
  if (const char* mode = getenv_fn("DIOCHECK_MODE"); mode != nullptr && *mode != '\0') {
    if (std::strcmp(mode, "record") == 0) {
      config.mode = Mode::kRecord;
    } else if (std::strcmp(mode, "einval") != 0) {
      *problem = "DIOCHECK_MODE must be 'einval' or 'record'; using einval";
    }
  }
  if (const char* align = getenv_fn("DIOCHECK_MEM_ALIGN"); align != nullptr && *align != '\0') {
    if (const auto value = ParseAlignment(align)) {
      config.env_mem_align = *value;
    } else {
      *problem = "DIOCHECK_MEM_ALIGN must be a power of two (e.g. 4096); ignored";
    }
  }
  if (const char* log = getenv_fn("DIOCHECK_LOG"); log != nullptr && *log != '\0') {
    if (!CopyPath(log, config.log_path)) *problem = "DIOCHECK_LOG is too long; ignored";
  }
  if (const char* quiet = getenv_fn("DIOCHECK_QUIET"); quiet != nullptr && *quiet != '\0') {
    if (std::strcmp(quiet, "1") == 0) {
      config.quiet = true;
    } else if (std::strcmp(quiet, "0") != 0) {
      *problem = "DIOCHECK_QUIET must be 1 (no line on stderr) or 0; ignored";
    }
  }
  const char* mountinfo = getenv_fn("DIOCHECK_MOUNTINFO");
  if (mountinfo == nullptr || *mountinfo == '\0' || !CopyPath(mountinfo, config.mountinfo_path)) {
    CopyPath("/proc/self/mountinfo", config.mountinfo_path);
  }
  return config;
}

void Checker::OnOpened(int fd, int open_flags) {
  const auto entry = table_.Open(fd, open_flags);
  // The alignment is decided at open, where the file lives; an fcntl that
  // turns O_DIRECT on later decides it then (OnStatusFlags).
  if (entry && (open_flags & O_DIRECT) != 0) table_.SetAlignment(entry->description, Resolve(fd));
}

void Checker::OnStatusFlags(int fd, int status_flags) {
  const auto entry = table_.Lookup(fd);
  if (!entry) {
    if ((status_flags & O_DIRECT) != 0) OnOpened(fd, status_flags);
    return;
  }
  table_.SetStatusFlags(entry->description, status_flags);
  if ((status_flags & O_DIRECT) != 0 && entry->align_word == 0) {
    table_.SetAlignment(entry->description, Resolve(fd));
  }
}

void Checker::OnClosingRange(unsigned first, unsigned last) {
  const auto end = static_cast<unsigned>(table_.fd_capacity());
  for (unsigned fd = first; fd < end && fd <= last; ++fd) table_.Close(static_cast<int>(fd));
}

bool Checker::ShouldReject(const Transfer& transfer) {
  // Let the kernel fail calls it will reject anyway (bad iovec count).
  if (transfer.segment_count < 0 || transfer.segment_count > IOV_MAX) return false;
  if (transfer.segment_count > 0 && transfer.segments == nullptr) return false;

  auto entry = table_.Lookup(transfer.fd);
  bool in_table = entry.has_value();
  if (!entry) {
    // Not seen at open (inherited, received over a socket, past capacity):
    // ask the kernel. A buffered one is not adopted, so that a later
    // O_DIRECT description under the same number is never missed.
    const int status_flags = os_.fcntl(transfer.fd, F_GETFL);
    if (status_flags < 0 || (status_flags & O_DIRECT) == 0) return false;
    OnOpened(transfer.fd, status_flags);
    entry = table_.Lookup(transfer.fd);
    in_table = entry.has_value();
    // Past the table's capacity: decide the alignment for this call alone.
    if (!entry) entry = DescriptionTable::Entry{0, status_flags, Resolve(transfer.fd).Pack()};
  }
  if ((entry->status_flags & O_DIRECT) == 0) return false;
  const AlignInfo align = AlignInfo::Unpack(entry->align_word);
  if (align.mem_align <= 1) return false;
  const SegmentCheck check = CheckSegments(transfer.segments, transfer.segment_count, align.mem_align);
  if (check.ok()) return false;

  // The table is a cache of the kernel's state: before failing a call,
  // confirm O_DIRECT is really set (the description may have been closed by
  // fclose() or changed by another process sharing it).
  const int live_flags = os_.fcntl(transfer.fd, F_GETFL);
  if (live_flags < 0) return false;  // the real call reports EBADF
  if ((live_flags & O_DIRECT) == 0) {
    if (in_table) table_.SetStatusFlags(entry->description, live_flags);
    return false;
  }
  Report(transfer, check, align);
  return config_.mode == Mode::kEinval;
}

AlignInfo Checker::Resolve(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0) return AlignInfo{};
  std::optional<int> slot = mounts_.Find(status.st_dev);
  if (!slot) slot = ProbeMount(status.st_dev);
  if (slot && mounts_.At(*slot).on_diofs) {
    return AlignInfo{mounts_.At(*slot).profile_mem_align, AlignSource::kDiofs, *slot};
  }
  struct statx extended;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_DIOALIGN, &extended) == 0 &&
      (extended.stx_mask & STATX_DIOALIGN) != 0) {
    // 0: the filesystem does not do O_DIRECT here, so nothing to check.
    return AlignInfo{extended.stx_dio_mem_align, AlignSource::kStatx, -1};
  }
  if (config_.env_mem_align != 0) return AlignInfo{config_.env_mem_align, AlignSource::kEnv, -1};
  return AlignInfo{0, AlignSource::kNone, -1};
}

std::optional<int> Checker::ProbeMount(uint64_t device) {
  MountFacts facts;
  facts.device = device;
  const int table_fd = os_.open(config_.mountinfo_path, O_RDONLY | O_CLOEXEC);
  if (table_fd < 0) return std::nullopt;  // not cached: try again next time
  const bool found = FindDiofsMountPoint(table_fd, os_.read, major(device), minor(device),
                                         facts.mount_point, sizeof(facts.mount_point));
  os_.close(table_fd);
  if (found) {
    char path[PATH_MAX + 32];
    LineBuffer path_text(path, sizeof(path) - 1);
    path_text.Append(facts.mount_point);
    path_text.Append("/.diofs/profile");
    path[path_text.size()] = '\0';
    const int profile_fd = os_.open(path, O_RDONLY | O_CLOEXEC);
    if (profile_fd >= 0) {
      char json[1024];
      const ssize_t got = os_.read(profile_fd, json, sizeof(json));
      os_.close(profile_fd);
      const auto mem_align =
          got > 0 ? ParseProfileMemAlign(std::string_view(json, static_cast<size_t>(got))) : std::nullopt;
      if (mem_align && IsPowerOfTwo(*mem_align) && *mem_align <= UINT32_MAX) {
        facts.on_diofs = true;
        facts.profile_mem_align = static_cast<uint32_t>(*mem_align);
      }
    }
  }
  return mounts_.Insert(facts);
}

void Checker::Report(const Transfer& transfer, const SegmentCheck& check, const AlignInfo& align) {
  char fd_link[32];
  LineBuffer link_text(fd_link, sizeof(fd_link) - 1);
  link_text.Append("/proc/self/fd/");
  link_text.AppendSigned(transfer.fd);
  fd_link[link_text.size()] = '\0';
  char path[PATH_MAX];
  const ssize_t path_length = readlink(fd_link, path, sizeof(path));

  const struct iovec& segment = transfer.segments[check.first_bad];
  Violation violation;
  violation.pid = getpid();
  violation.tid = gettid();
  violation.fd = transfer.fd;
  violation.path = path_length > 0 ? std::string_view(path, static_cast<size_t>(path_length)) : "";
  violation.call = transfer.call;
  violation.positioned = transfer.positioned;
  violation.offset = transfer.offset;
  violation.segment = check.first_bad;
  violation.segment_count = transfer.segment_count;
  violation.misaligned_segments = check.bad_count;
  violation.address = reinterpret_cast<uintptr_t>(segment.iov_base);
  violation.length = segment.iov_len;
  violation.mem_align = align.mem_align;
  violation.source = align.source;
  violation.mode = config_.mode;
  CallSite call_site;
  if (CaptureCallSite(call_site)) violation.call_site = &call_site;

  // One buffer for both lines (the report, then stderr's): an interposed
  // call may run on a small stack.
  char line[PATH_MAX + 2 * CallSite::kMaxFrames * CallSite::kFrameText + 1024];
  LineBuffer out(line, sizeof(line));
  if (!FormatViolationLine(violation, out)) {
    violation.path = "(path too long)";
    out = LineBuffer(line, sizeof(line));
    FormatViolationLine(violation, out);
  }
  if (align.source == AlignSource::kDiofs && align.mount_slot >= 0) {
    char control[PATH_MAX + 32];
    LineBuffer control_text(control, sizeof(control) - 1);
    control_text.Append(mounts_.At(align.mount_slot).mount_point);
    control_text.Append("/.diofs/violation");
    control[control_text.size()] = '\0';
    AppendLine(control, 0, out.view());
  }
  if (config_.log_path[0] != '\0') AppendLine(config_.log_path, O_CREAT | O_APPEND, out.view());
  if (config_.quiet) return;
  // One write(2): the line stays whole among other threads' output.
  out = LineBuffer(line, sizeof(line));
  if (!FormatStderrLine(violation, out)) {
    violation.path = "(path too long)";
    out = LineBuffer(line, sizeof(line));
    FormatStderrLine(violation, out);
  }
  (void)os_.write(STDERR_FILENO, out.view().data(), out.view().size());
}

bool Checker::CaptureCallSite(CallSite& call_site) {
  if (os_.backtrace == nullptr) return false;
  void* frames[32];
  const int count = os_.backtrace(frames, 32);
  char program[PATH_MAX];
  const ssize_t program_length = readlink("/proc/self/exe", program, sizeof(program));
  DescribeCallSite(frames, count, os_.self_base, os_.dladdr1,
                   program_length > 0 ? std::string_view(program, static_cast<size_t>(program_length)) : "",
                   call_site);
  return true;
}

void Checker::NoteIoUring(std::string_view call) {
  if (io_uring_noted_.exchange(true)) return;  // once per process: the ring is set up once, used many times
  UncheckedIo unchecked;
  unchecked.pid = getpid();
  unchecked.tid = gettid();
  unchecked.what = "io_uring";
  unchecked.call = call;
  CallSite call_site;
  if (CaptureCallSite(call_site)) unchecked.call_site = &call_site;
  char line[2 * CallSite::kMaxFrames * CallSite::kFrameText + 512];
  LineBuffer out(line, sizeof(line));
  // DIOCHECK_LOG only: diofs' .diofs/violation takes every line as a violation.
  if (config_.log_path[0] != '\0' && FormatUncheckedLine(unchecked, out)) {
    AppendLine(config_.log_path, O_CREAT | O_APPEND, out.view());
  }
  if (config_.quiet) return;
  out = LineBuffer(line, sizeof(line));
  if (FormatUncheckedStderrLine(unchecked, out)) (void)os_.write(STDERR_FILENO, out.view().data(), out.view().size());
}

void Checker::AppendLine(const char* path, int extra_flags, std::string_view line) {
  // Opened per report (reports are rare) so that a program closing every
  // descriptor it does not know cannot take the log away.
  const int fd = os_.open(path, O_WRONLY | O_CLOEXEC | extra_flags, 0644);
  if (fd < 0) return;
  // One write(2) per line: O_APPEND keeps concurrent lines whole, and diofs
  // takes one write on its violation file as one record.
  (void)os_.write(fd, line.data(), line.size());
  os_.close(fd);
}

}  // namespace diocheck
