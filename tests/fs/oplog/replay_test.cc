#include "fs/oplog/replay.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/falloc.h>

#include <cerrno>

#include "fs/oplog/log_reader.h"
#include "oplog_test_util.h"

namespace diofs::oplog {
namespace {

using testing::TempDir;

std::vector<std::byte> Pattern(std::size_t size, int seed) {
  std::vector<std::byte> out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::byte>((i * 31 + seed) & 0xff);
  return out;
}

// Builds LogRecords the way the reader returns them (seq in order).
class Script {
 public:
  Script& Op(OpKind kind, std::string path, std::uint64_t offset = 0, std::uint64_t length = 0,
             std::int64_t result = 0) {
    LogRecord r;
    r.seq = records_.size() + 1;
    r.kind = kind;
    r.path = std::move(path);
    r.offset = offset;
    r.length = length;
    r.result = result;
    records_.push_back(std::move(r));
    return *this;
  }
  Script& Write(std::string path, std::uint64_t offset, std::vector<std::byte> data,
                std::int64_t result) {
    Op(OpKind::kWrite, std::move(path), offset, data.size(), result);
    records_.back().data_size = data.size();
    records_.back().data_kept = true;
    records_.back().data = std::move(data);
    return *this;
  }
  Script& Mark(std::string text) {
    Op(OpKind::kMarker, "/.diofs/mark");
    records_.back().text = std::move(text);
    return *this;
  }
  Script& Rename(std::string from, std::string to) {
    Op(OpKind::kRename, std::move(from));
    records_.back().text = std::move(to);
    return *this;
  }
  Script& Last(std::uint32_t flags, std::uint32_t aux) {
    records_.back().flags = flags;
    records_.back().aux = aux;
    return *this;
  }
  const std::vector<LogRecord>& records() const { return records_; }

 private:
  std::vector<LogRecord> records_;
};

// The scenario of issue 3, through the real writer and reader: write, mark,
// overwrite part, mark, punch a hole, mark; each replay equals the content
// the file had at that moment, byte for byte.
TEST(ReplayTest, WriteOverwritePunchThroughWriterAndReader) {
  TempDir dir;
  const std::string log_path = dir.File("log");
  auto writer = LogWriter::Open(log_path, {"strict-4k", 1u << 20, true});
  ASSERT_TRUE(writer.ok());
  std::vector<std::vector<std::byte>> expected;
  std::vector<std::byte> file;
  auto op = [&](OpKind kind, std::uint64_t offset, std::uint64_t length, std::uint32_t aux,
                std::span<const std::byte> data, std::string_view text, std::string_view path) {
    OpEvent e;
    e.kind = kind;
    e.path = path;
    e.offset = offset;
    e.length = length;
    e.aux = aux;
    e.flags = O_WRONLY | O_DIRECT;
    e.result = kind == OpKind::kWrite ? static_cast<std::int64_t>(length) : 0;
    e.data = data;
    e.text = text;
    (*writer)->OnOp(e);
  };
  op(OpKind::kCreate, 0, 0, 0, {}, "", "/img");
  const auto first = Pattern(16384, 1);
  op(OpKind::kWrite, 0, first.size(), 0, first, "", "/img");
  file = first;
  op(OpKind::kMarker, 0, 0, 0, {}, "one", "/.diofs/mark");
  expected.push_back(file);
  const auto second = Pattern(4096, 2);
  op(OpKind::kWrite, 8192, second.size(), 0, second, "", "/img");
  std::copy(second.begin(), second.end(), file.begin() + 8192);
  op(OpKind::kMarker, 0, 0, 0, {}, "two", "/.diofs/mark");
  expected.push_back(file);
  op(OpKind::kFallocate, 4096, 8192, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, {}, "", "/img");
  std::fill(file.begin() + 4096, file.begin() + 12288, std::byte{0});
  op(OpKind::kMarker, 0, 0, 0, {}, "three", "/.diofs/mark");
  expected.push_back(file);
  ASSERT_TRUE((*writer)->Close().ok());

  auto log = ReadLogFile(log_path);
  ASSERT_TRUE(log.ok());
  const char* marks[] = {"one", "two", "three"};
  for (std::size_t i = 0; i < 3; ++i) {
    auto content = ReplayFile(log->records, "/img", marks[i]);
    ASSERT_TRUE(content.ok()) << content.status().ToString();
    EXPECT_EQ(*content, expected[i]) << "at mark " << marks[i];
  }
}

TEST(ReplayTest, ShortAndFailedWritesApplyOnlyWhatHappened) {
  Script s;
  s.Op(OpKind::kCreate, "/f")
      .Write("/f", 0, Pattern(100, 1), 40)    // short write: 40 bytes
      .Write("/f", 0, Pattern(100, 2), -28)   // ENOSPC: nothing
      .Mark("m");
  auto content = ReplayFile(s.records(), "/f", "m");
  ASSERT_TRUE(content.ok());
  const auto p = Pattern(100, 1);
  EXPECT_EQ(*content, std::vector<std::byte>(p.begin(), p.begin() + 40));
}

TEST(ReplayTest, TruncateAllocateAndZeroRange) {
  Script s;
  s.Op(OpKind::kCreate, "/f")
      .Write("/f", 0, Pattern(64, 3), 64)
      .Op(OpKind::kTruncate, "/f", 32)
      .Op(OpKind::kFallocate, "/f", 0, 48).Last(0, 0)                   // extends to 48
      .Op(OpKind::kFallocate, "/f", 0, 4096).Last(0, FALLOC_FL_KEEP_SIZE)  // size kept
      .Op(OpKind::kFallocate, "/f", 8, 8).Last(0, FALLOC_FL_ZERO_RANGE)
      .Op(OpKind::kTruncate, "/f", 1000, 0, -1)                            // failed
      .Mark("m");
  auto content = ReplayFile(s.records(), "/f", "m");
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  auto expected = Pattern(64, 3);
  expected.resize(32);
  expected.resize(48);
  std::fill(expected.begin() + 8, expected.begin() + 16, std::byte{0});
  EXPECT_EQ(*content, expected);
}

TEST(ReplayTest, FollowsRenamesAndIgnoresOtherFiles) {
  Script s;
  s.Op(OpKind::kCreate, "/f.tmp")
      .Write("/f.tmp", 0, Pattern(10, 4), 10)
      .Op(OpKind::kCreate, "/f")
      .Write("/f", 0, Pattern(10, 5), 10)     // the old /f, replaced by the rename
      .Write("/other", 0, Pattern(10, 6), 10)
      .Rename("/f.tmp", "/f")
      .Write("/f", 10, Pattern(5, 7), 5)
      .Mark("m");
  auto content = ReplayFile(s.records(), "/f", "m");
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  auto expected = Pattern(10, 4);
  const auto tail = Pattern(5, 7);
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(*content, expected);
}

TEST(ReplayTest, OpenWithTruncEmptiesTheFile) {
  Script s;
  s.Op(OpKind::kCreate, "/f").Write("/f", 0, Pattern(10, 1), 10).Op(OpKind::kOpen, "/f").Last(O_WRONLY | O_TRUNC, 0).Mark("m");
  auto content = ReplayFile(s.records(), "/f", "m");
  ASSERT_TRUE(content.ok());
  EXPECT_TRUE(content->empty());
}

TEST(ReplayTest, ErrorsNameWhatIsMissing) {
  Script s;
  s.Op(OpKind::kCreate, "/f").Write("/f", 0, Pattern(10, 1), 10).Op(OpKind::kUnlink, "/f").Mark("gone");
  auto no_marker = ReplayFile(s.records(), "/f", "never");
  ASSERT_FALSE(no_marker.ok());
  EXPECT_NE(no_marker.status().message().find("no marker \"never\""), std::string::npos);
  auto unlinked = ReplayFile(s.records(), "/f", "gone");
  ASSERT_FALSE(unlinked.ok());
  EXPECT_EQ(unlinked.status().code(), ENOENT);

  Script no_data;
  no_data.Op(OpKind::kCreate, "/f").Op(OpKind::kWrite, "/f", 0, 10, 10).Mark("m");
  auto missing = ReplayFile(no_data.records(), "/f", "m");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ENODATA);
  EXPECT_NE(missing.status().message().find("--log-data"), std::string::npos);

  Script collapse;
  collapse.Op(OpKind::kCreate, "/f").Op(OpKind::kFallocate, "/f", 0, 4096).Last(0, FALLOC_FL_COLLAPSE_RANGE).Mark("m");
  EXPECT_EQ(ReplayFile(collapse.records(), "/f", "m").status().code(), ENOTSUP);
}

TEST(ReplayTest, RecreatedFileStartsEmpty) {
  Script s;
  s.Op(OpKind::kCreate, "/f")
      .Write("/f", 0, Pattern(10, 1), 10)
      .Op(OpKind::kUnlink, "/f")
      .Op(OpKind::kCreate, "/f")
      .Write("/f", 4, Pattern(2, 2), 2)
      .Mark("m");
  auto content = ReplayFile(s.records(), "/f", "m");
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  auto expected = std::vector<std::byte>(4);
  const auto tail = Pattern(2, 2);
  expected.insert(expected.end(), tail.begin(), tail.end());
  EXPECT_EQ(*content, expected);
}

}  // namespace
}  // namespace diofs::oplog
