#include "harness/logtool/log_commands.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "fs/oplog/log_file.h"
#include "logtool_test_util.h"

namespace dioharness::logtool {
namespace {

using diofs::oplog::testing::TempDir;

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(LogCommandsTest, DumpJsonMatchesWhatWasIssued) {
  TempDir dir;
  const auto ops = testing::SampleOps();
  testing::WriteSampleLog(dir.File("log"), ops, false);
  std::ostringstream out, err;
  EXPECT_EQ(RunDump({dir.File("log"), true, {}}, out, err), kExitOk) << err.str();
  const auto lines = JsonLines(out.str());
  ASSERT_EQ(lines.size(), ops.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(lines[i]["seq"], i + 1);
    EXPECT_EQ(lines[i]["offset"], ops[i].offset);
    EXPECT_EQ(lines[i]["length"], ops[i].length);
    EXPECT_EQ(lines[i]["direct"], (ops[i].flags & O_DIRECT) != 0);
    EXPECT_EQ(lines[i]["result"], ops[i].result);
    EXPECT_EQ(lines[i]["data_hash"], testing::HashOf(ops[i].data));
    EXPECT_EQ(lines[i]["tid"], ops[i].tid);
  }
}

TEST(LogCommandsTest, DumpFilterSelects) {
  TempDir dir;
  testing::WriteSampleLog(dir.File("log"), testing::SampleOps(), false);
  std::ostringstream out, err;
  EXPECT_EQ(RunDump({dir.File("log"), true, {"op=write,direct=1", "tid=11"}}, out, err), kExitOk);
  const auto lines = JsonLines(out.str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["offset"], 0);
  EXPECT_EQ(lines[1]["offset"], 4096);
  std::ostringstream bad_out, bad_err;
  EXPECT_EQ(RunDump({dir.File("log"), true, {"op=nope"}}, bad_out, bad_err), kExitUsage);
  EXPECT_NE(bad_err.str().find("unknown op"), std::string::npos);
}

TEST(LogCommandsTest, TornLogPrintsGoodRecordsThenNamesTheOffset) {
  TempDir dir;
  testing::WriteSampleLog(dir.File("log"), testing::SampleOps(), false);
  const auto size = std::filesystem::file_size(dir.File("log"));
  std::filesystem::resize_file(dir.File("log"), size - 50);  // the trailer (40 bytes) and 10 of the last record
  std::ostringstream out, err;
  EXPECT_EQ(RunDump({dir.File("log"), false, {}}, out, err), kExitDamaged);
  EXPECT_NE(err.str().find("damaged at byte "), std::string::npos) << err.str();
  EXPECT_NE(out.str().find("\"first\""), std::string::npos);  // good records came first
}

TEST(LogCommandsTest, MissingFileAndMissingTrailer) {
  TempDir dir;
  std::ostringstream out, err;
  EXPECT_EQ(RunDump({dir.File("absent"), false, {}}, out, err), kExitUsage);
  EXPECT_NE(err.str().find("absent"), std::string::npos);
  EXPECT_NE(err.str().find("No such file"), std::string::npos);

  auto writer = diofs::oplog::LogWriter::Open(dir.File("open"), {"strict-4k", 4096, false});
  ASSERT_TRUE(writer.ok());
  (*writer)->OnOp(diofs::oplog::testing::NumberedEvent(diofs::OpKind::kOpen, 0));
  ASSERT_TRUE((*writer)->Flush().ok());
  std::ostringstream out2, err2;
  EXPECT_EQ(RunStats({dir.File("open"), false}, out2, err2), kExitNoTrailer);
  EXPECT_NE(err2.str().find("no trailer"), std::string::npos);
  EXPECT_NE(out2.str().find("MISSING"), std::string::npos);
}

TEST(LogCommandsTest, StatsJsonSeparatesThreads) {
  TempDir dir;
  testing::WriteSampleLog(dir.File("log"), testing::SampleOps(), false);
  std::ostringstream out, err;
  EXPECT_EQ(RunStats({dir.File("log"), true}, out, err), kExitOk);
  const auto j = nlohmann::json::parse(out.str());
  EXPECT_EQ(j["records"], 9);
  EXPECT_EQ(j["by_op"]["write"], 5);
  EXPECT_EQ(j["writes"]["direct"]["ops"], 4);
  EXPECT_EQ(j["writes"]["buffered"]["bytes"], 60);
  EXPECT_EQ(j["threads"].size(), 3u);
  EXPECT_EQ(j["header"]["profile"], "strict-4k");
  EXPECT_EQ(j["trailer"], true);
}

TEST(LogCommandsTest, ReplayWritesTheImage) {
  TempDir dir;
  testing::WriteSampleLog(dir.File("log"), testing::SampleOps(), true);
  std::ostringstream out, err;
  ASSERT_EQ(RunReplay({dir.File("log"), "second", "/ram.img", dir.File("img")}, out, err), kExitOk) << err.str();
  auto image = diofs::oplog::ReadWholeFile(dir.File("img"));
  ASSERT_TRUE(image.ok());
  std::string expected = std::string(4096, '\0') + std::string(4096, 'e') + std::string(4096, 'b') +
                         std::string(60, 'c');
  EXPECT_EQ(*image, diofs::oplog::testing::Bytes(expected));

  testing::WriteSampleLog(dir.File("nodata"), testing::SampleOps(), false);
  std::ostringstream out2, err2;
  EXPECT_EQ(RunReplay({dir.File("nodata"), "second", "/ram.img", dir.File("img2")}, out2, err2), kExitUsage);
  EXPECT_NE(err2.str().find("--log-data"), std::string::npos);
}

}  // namespace
}  // namespace dioharness::logtool
