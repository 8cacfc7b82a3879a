// Helpers shared by the op-log tests: a private temporary folder, events of
// every kind, and writing a log from events.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "fs/oplog/log_reader.h"
#include "fs/oplog/log_writer.h"

namespace diofs::oplog::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "oplog-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::byte> Bytes(const std::string& text) {
  std::vector<std::byte> out(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) out[i] = static_cast<std::byte>(text[i]);
  return out;
}

// An event with every field set to a value derived from `n`.
inline OpEvent NumberedEvent(OpKind kind, std::uint64_t n) {
  OpEvent e;
  e.kind = kind;
  e.start_ns = 1'000'000 + n;
  e.end_ns = 2'000'000 + n;
  e.pid = 100 + static_cast<std::uint32_t>(n);
  e.tid = 200 + static_cast<std::uint32_t>(n);
  e.ino = 300 + n;
  e.fh = 400 + n;
  e.offset = 4096 * n;
  e.length = 512 + n;
  e.flags = 0x4000u | static_cast<std::uint32_t>(n);
  e.aux = static_cast<std::uint32_t>(n) * 3;
  e.result = (n % 2 == 0) ? static_cast<std::int64_t>(n) : -22;
  e.rule = static_cast<Rule>(n % 5);
  e.verdict = static_cast<Verdict>(n % 3);
  return e;
}

// Writes `events` to a new log at `path` and closes it (trailer written).
inline void WriteLog(const std::string& path, const std::vector<OpEvent>& events, bool keep_data) {
  auto writer = LogWriter::Open(path, {"strict-4k", 1u << 20, keep_data});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  for (const OpEvent& e : events) (*writer)->OnOp(e);
  ASSERT_TRUE((*writer)->Close().ok());
}

}  // namespace diofs::oplog::testing
