#include "fs/diocheck/violation.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

alignas(4096) char arena[4 * 4096];

TEST(CheckSegmentsTest, FindsTheFirstMisalignedAddressOrLength) {
  struct iovec segments[4] = {{arena, 4096}, {arena + 4096 + 8, 4096}, {arena + 2 * 4096, 100},
                              {arena + 3 * 4096, 4096}};
  const SegmentCheck check = CheckSegments(segments, 4, 4096);
  EXPECT_EQ(check.first_bad, 1);
  EXPECT_EQ(check.bad_count, 2) << "segment 2 has a misaligned length";
  EXPECT_FALSE(check.ok());
}

TEST(CheckSegmentsTest, AlignedSegmentsAndNoSegmentsPass) {
  struct iovec segments[2] = {{arena + 512, 512}, {arena + 1024, 1024}};
  EXPECT_TRUE(CheckSegments(segments, 2, 512).ok());
  EXPECT_FALSE(CheckSegments(segments, 2, 1024).ok());
  EXPECT_TRUE(CheckSegments(nullptr, 0, 4096).ok());
}

TEST(FormatViolationLineTest, WritesOneJsonObjectAndNewline) {
  Violation violation;
  violation.pid = 10;
  violation.tid = 11;
  violation.fd = 3;
  violation.path = "/tmp/a \"b\"";
  violation.call = "pwritev2";
  violation.positioned = true;
  violation.offset = 8192;
  violation.segment = 2;
  violation.segment_count = 3;
  violation.misaligned_segments = 1;
  violation.address = 0x7f0000000008;
  violation.length = 4096;
  violation.mem_align = 512;
  violation.source = AlignSource::kStatx;
  violation.mode = Mode::kRecord;
  char storage[1024];
  LineBuffer out(storage, sizeof(storage));
  ASSERT_TRUE(FormatViolationLine(violation, out));
  const std::string_view line = out.view();
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["diocheck"], "mem_align");
  EXPECT_EQ(json["pid"], 10);
  EXPECT_EQ(json["tid"], 11);
  EXPECT_EQ(json["fd"], 3);
  EXPECT_EQ(json["path"], "/tmp/a \"b\"");
  EXPECT_EQ(json["call"], "pwritev2");
  EXPECT_EQ(json["offset"], 8192);
  EXPECT_EQ(json["segment"], 2);
  EXPECT_EQ(json["segments"], 3);
  EXPECT_EQ(json["misaligned_segments"], 1);
  EXPECT_EQ(json["address"], "0x7f0000000008");
  EXPECT_EQ(json["length"], 4096);
  EXPECT_EQ(json["mem_align"], 512);
  EXPECT_EQ(json["align_source"], "statx");
  EXPECT_EQ(json["mode"], "record");
}

TEST(FormatViolationLineTest, UnpositionedCallsHaveNoOffsetAndSmallBuffersFail) {
  Violation violation;
  violation.call = "write";
  char storage[1024];
  LineBuffer out(storage, sizeof(storage));
  ASSERT_TRUE(FormatViolationLine(violation, out));
  EXPECT_FALSE(nlohmann::json::parse(out.view()).contains("offset"));
  char tiny[16];
  LineBuffer small(tiny, sizeof(tiny));
  EXPECT_FALSE(FormatViolationLine(violation, small));
}

}  // namespace
}  // namespace diocheck
