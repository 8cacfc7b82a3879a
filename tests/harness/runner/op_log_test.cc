#include "harness/runner/op_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <vector>

#include "fs/oplog/log_format.h"

namespace dioh {
namespace {

using diofs::oplog::LogRecord;

// A log file of `count` write records (fh 1..count), closed with a trailer or not.
std::string WriteLog(const std::string& name, std::uint64_t count, bool trailer) {
  std::vector<std::byte> bytes = diofs::oplog::EncodeHeader(diofs::oplog::LogHeader{});
  for (std::uint64_t seq = 1; seq <= count; ++seq) {
    diofs::OpEvent event;
    event.kind = diofs::OpKind::kWrite;
    event.path = "/guest.img";
    event.fh = seq;
    event.length = 4096;
    std::vector<std::byte> frame(diofs::oplog::RecordFrameSize(event, false));
    diofs::oplog::EncodeRecordFrame(event, seq, diofs::oplog::HashData({}), false, frame.data());
    bytes.insert(bytes.end(), frame.begin(), frame.end());
  }
  if (trailer) {
    const auto end = diofs::oplog::EncodeTrailerFrame(diofs::oplog::LogTrailer{count, 0, 0});
    bytes.insert(bytes.end(), end.begin(), end.end());
  }
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::vector<std::uint64_t> Handles(const RecordSource& records) {
  std::vector<std::uint64_t> fhs;
  records.ForEach([&](const LogRecord& r) {
    fhs.push_back(r.fh);
    return true;
  });
  return fhs;
}

TEST(OpLogFile, EveryPassReadsTheRecordsAgainFromTheFirst) {
  const std::string path = WriteLog("op_log_complete.log", 3, true);
  auto log = OpenOpLogFile(path);
  ASSERT_TRUE(log.ok()) << log.status().message();
  EXPECT_TRUE(log->complete);
  EXPECT_EQ(log->records_count, 3u);
  EXPECT_EQ(Handles(log->records), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(Handles(log->records), (std::vector<std::uint64_t>{1, 2, 3}));
  std::vector<std::uint64_t> until_two;
  log->records.ForEach([&](const LogRecord& r) {
    until_two.push_back(r.fh);
    return r.fh < 2;
  });
  EXPECT_EQ(until_two, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(log->records.error().ok());
  unlink(path.c_str());
}

TEST(OpLogFile, ALogWithoutTrailerIsIncompleteButItsRecordsRead) {
  const std::string path = WriteLog("op_log_torn.log", 2, false);
  auto log = OpenOpLogFile(path);
  ASSERT_TRUE(log.ok()) << log.status().message();
  EXPECT_FALSE(log->complete);
  EXPECT_EQ(Handles(log->records), (std::vector<std::uint64_t>{1, 2}));
  unlink(path.c_str());
}

TEST(OpLogFile, APassOverAFileThatLostRecordsIsAnError) {
  const std::string path = WriteLog("op_log_changed.log", 3, true);
  auto log = OpenOpLogFile(path);
  ASSERT_TRUE(log.ok()) << log.status().message();
  WriteLog("op_log_changed.log", 1, true);  // replaced by a shorter log
  EXPECT_EQ(Handles(log->records), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(log->records.error().code(), EIO);
  EXPECT_NE(log->records.error().message().find("record 2 of 3 is gone"), std::string::npos)
      << log->records.error().message();
  unlink(path.c_str());
}

TEST(OpLogFile, AMissingFileFailsWithItsErrno) {
  auto log = OpenOpLogFile("/nonexistent/ops.log");
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), ENOENT);
}

TEST(OpLogInMemory, PassesOverTheDecodedRecords) {
  auto contents = std::make_shared<diofs::oplog::LogContents>();
  contents->records.resize(2);
  contents->records[0].fh = 5;
  contents->records[1].fh = 6;
  const OpLog log = OpLogInMemory(contents);
  EXPECT_FALSE(log.complete);  // no trailer
  EXPECT_EQ(log.records_count, 2u);
  EXPECT_EQ(Handles(log.records), (std::vector<std::uint64_t>{5, 6}));
}

}  // namespace
}  // namespace dioh
