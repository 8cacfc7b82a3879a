// The diofs path of libdiocheck.so without a mount: a folder laid out like a
// diofs mount (.diofs/profile, .diofs/violation) and a mount table
// (DIOCHECK_MOUNTINFO) that names that folder's device as fuse.diofs. The
// lead adds the same tests against a real diofs mount.
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "preload_test_support.h"

namespace diocheck_test {
namespace {

class FakeDiofsMountTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/mnt";
    std::filesystem::create_directories(root_ + "/.diofs");
    std::ofstream(root_ + "/.diofs/violation").flush();
    file_ = root_ + "/data";
    log_ = dir_.path() + "/violations.jsonl";
    const auto [reported, fs_align] = StatxMemAlign(root_ + "/.diofs/violation");
    if (reported && (fs_align == 0 || fs_align > 4096)) {
      GTEST_SKIP() << dir_.path() << ": needs a filesystem taking 4 KiB aligned O_DIRECT";
    }
    struct stat status;
    ASSERT_EQ(stat(root_.c_str(), &status), 0);
    // The real table first, then the diofs line: the scan must skip the rest.
    std::ifstream real("/proc/self/mountinfo");
    std::ofstream table(dir_.path() + "/mountinfo");
    table << real.rdbuf();
    table << "999 1 " << major(status.st_dev) << ":" << minor(status.st_dev) << " / " << root_
          << " rw,nosuid,nodev,relatime shared:1 - fuse.diofs diofs rw,user_id=0,group_id=0\n";
  }

  void WriteProfile(unsigned mem_align) {
    std::ofstream(root_ + "/.diofs/profile")
        << R"({"name":"test","dio_align":512,"mem_align":)" << mem_align
        << R"(,"odirect":"accept","on_violation":"einval"})" << "\n";
  }

  ProbeRun Run(const std::string& scenario, const std::string& mode) {
    ProbeRun run = RunProbe(scenario, file_,
                            {"DIOCHECK_MOUNTINFO=" + dir_.path() + "/mountinfo",
                             "DIOCHECK_LOG=" + log_, "DIOCHECK_MODE=" + mode,
                             // Would apply if the profile were not found.
                             "DIOCHECK_MEM_ALIGN=4096"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    return run;
  }

  TempDir dir_;
  std::string root_, file_, log_;
};

TEST_F(FakeDiofsMountTest, ProfileAlignmentRulesAndViolationFileGetsOneLine) {
  WriteProfile(8192);
  const ProbeRun run = Run("aligned-4k-not-8k", "einval");
  EXPECT_EQ(run.steps.at("pwrite").error, EINVAL);
  EXPECT_EQ(run.steps.at("size").result, 0);
  const auto reported = ReadJsonLines(root_ + "/.diofs/violation");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0]["align_source"], "diofs");
  EXPECT_EQ(reported[0]["mem_align"], 8192);
  EXPECT_EQ(reported[0]["path"], file_);
  EXPECT_EQ(ReadJsonLines(log_), reported) << "DIOCHECK_LOG gets the same line";
}

TEST_F(FakeDiofsMountTest, RecordModeLetsTheWriteThrough) {
  WriteProfile(8192);
  const ProbeRun run = Run("aligned-4k-not-8k", "record");
  EXPECT_EQ(run.steps.at("pwrite").result, 8192);
  EXPECT_EQ(run.steps.at("size").result, 8192);
  const auto reported = ReadJsonLines(root_ + "/.diofs/violation");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0]["mode"], "record");
}

TEST_F(FakeDiofsMountTest, ProfileWithoutMemAlignmentChecksNothing) {
  WriteProfile(1);  // statx or DIOCHECK_MEM_ALIGN would catch malloc() + 8
  Run("misaligned-pwrite", "einval");
  EXPECT_TRUE(ReadJsonLines(root_ + "/.diofs/violation").empty());
  EXPECT_TRUE(ReadJsonLines(log_).empty());
}

}  // namespace
}  // namespace diocheck_test
