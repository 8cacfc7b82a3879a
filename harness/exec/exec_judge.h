// The verdict of `dioharness exec` on what a command did in its diofs mount:
// a pure function (a fold) over the op log's records (fs/oplog/LOG_FORMAT.md) and the
// lines libdiocheck wrote to DIOCHECK_LOG (fs/diocheck/DIOCHECK.md). No I/O:
// harness/cli/exec_command.cc mounts, runs and reads; this judges.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fs/oplog/log_format.h"
#include "fs/oplog/record_source.h"

namespace dioh::exec {

// One O_DIRECT I/O that broke a rule: refused with EINVAL, or (record mode)
// let through and flagged.
struct DirectIoViolation {
  std::uint64_t seq = 0;      // its op-log record; 0 for a libdiocheck report off the mount
  std::string path;           // inside the mount ("/f"); libdiocheck's own path off the mount
  std::uint32_t pid = 0;
  std::uint32_t tid = 0;
  std::string operation;      // "open", "write", "read"; libdiocheck's call ("pwrite", "io_submit:pwrite")
  std::string rule;           // "offset", "length", "buffer", "o_direct-unsupported"
  bool has_offset = false;    // libdiocheck names an offset only for positioned calls
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::string address;        // the misaligned buffer ("0x55d0c0a2bef0"), for "buffer"
  std::uint64_t align = 0;    // the alignment the buffer missed, for "buffer"
  bool refused = true;        // false: let through (--on-violation record)
  std::vector<std::string> call_site;  // innermost first, where libdiocheck saw the call
};

// A process that went on with buffered I/O on a path after O_DIRECT was
// refused there (or after an fcntl cleared O_DIRECT): the silent fallback a
// strict device would have forced on it.
struct Fallback {
  std::string path;
  std::uint32_t pid = 0;
  std::string cause;                 // "open O_DIRECT refused (seq 3)", "fcntl cleared O_DIRECT (seq 9)"
  std::uint64_t first_buffered_seq = 0;
  std::uint64_t buffered_transfers = 0;
  std::uint64_t buffered_bytes = 0;
};

struct OpCounts {
  std::uint64_t records = 0;  // every op-log record
  std::uint64_t opens = 0, direct_opens = 0;
  std::uint64_t reads = 0, direct_reads = 0, bytes_read = 0;
  std::uint64_t writes = 0, direct_writes = 0, bytes_written = 0;
  std::uint64_t refused = 0;   // violations refused with EINVAL
  std::uint64_t recorded = 0;  // violations let through (record mode)
};

struct Judgement {
  std::vector<DirectIoViolation> violations;  // in op-log order, then libdiocheck's off the mount
  std::vector<Fallback> fallbacks;            // in order of their first buffered transfer
  OpCounts counts;
  // What libdiocheck could not check ("io_uring in pid 3861 (io_uring_setup): buffers not checked").
  std::vector<std::string> unchecked;
  // libdiocheck lines that could not be read (never silently dropped).
  std::vector<std::string> unreadable;

  bool failed() const { return !violations.empty() || !fallbacks.empty(); }
};

// `records`: the mount's op log, read in one pass. `diocheck_lines`: DIOCHECK_LOG's lines;
// their reports on a diofs file (align_source "diofs") are in the op log too
// and counted from there, once. `mountpoint`: where the log's paths are
// mounted, so that libdiocheck's absolute paths meet the log's ("/f").
Judgement Judge(const diofs::oplog::RecordSource& records, std::span<const std::string> diocheck_lines,
                const std::string& mountpoint);

// "write /f offset 512 length 100 (offset, length) refused, pid 7 thread 8", and the call site.
std::string Describe(const DirectIoViolation& violation);
std::string Describe(const Fallback& fallback);

}  // namespace dioh::exec
