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

// A positioned vector call's violation with every field set.
Violation Sample() {
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
  return violation;
}

TEST(FormatViolationLineTest, WritesOneJsonObjectAndNewline) {
  const Violation violation = Sample();
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

// A fake dladdr1 that knows nothing: frames are bare addresses.
int NoObject(const void*, Dl_info*, void**, int) { return 0; }

TEST(FormatViolationLineTest, TheCallSiteIsAnArrayOfFrames) {
  CallSite site;
  site.Add(0x1001, NoObject);
  site.Add(0x2001, NoObject);
  Violation violation;
  violation.call = "pwrite";
  violation.call_site = &site;
  char storage[1024];
  LineBuffer out(storage, sizeof(storage));
  ASSERT_TRUE(FormatViolationLine(violation, out));
  EXPECT_EQ(nlohmann::json::parse(out.view())["call_site"], nlohmann::json({"0x1000", "0x2000"}));
  CallSite empty;
  violation.call_site = &empty;
  LineBuffer none(storage, sizeof(storage));
  ASSERT_TRUE(FormatViolationLine(violation, none));
  EXPECT_FALSE(nlohmann::json::parse(none.view()).contains("call_site"));
}

TEST(FormatStderrLineTest, SaysWhatWasRefusedWhyAndWhere) {
  CallSite site;
  site.Add(0x1001, NoObject);
  site.Add(0x2001, NoObject);
  Violation violation = Sample();
  violation.mode = Mode::kEinval;
  violation.call_site = &site;
  char storage[1024];
  LineBuffer out(storage, sizeof(storage));
  ASSERT_TRUE(FormatStderrLine(violation, out));
  EXPECT_EQ(out.view(),
            "libdiocheck: refused pwritev2(fd 3 /tmp/a \"b\", offset 8192, 4096 bytes in segment 3 of 3): buffer address "
            "0x7f0000000008 is not a multiple of 512 (statx); thread 11 of pid 10; call site: 0x1000 < 0x2000\n");
  // An aligned address with a bad length, a call without offset, record mode, no call site.
  violation.call = "write";
  violation.positioned = false;
  violation.segment_count = 1;
  violation.address = 0x7f0000001000;
  violation.length = 100;
  violation.mode = Mode::kRecord;
  violation.call_site = nullptr;
  LineBuffer record(storage, sizeof(storage));
  ASSERT_TRUE(FormatStderrLine(violation, record));
  EXPECT_EQ(record.view(),
            "libdiocheck: let through (record mode) write(fd 3 /tmp/a \"b\", 100 bytes): buffer length 100 is not a "
            "multiple of 512 (statx); thread 11 of pid 10\n");
}

TEST(FormatUncheckedLineTest, JsonAndStderrSayWhatWentUnchecked) {
  CallSite site;
  site.Add(0x1001, NoObject);
  UncheckedIo unchecked{10, 11, "io_uring", "io_uring_setup", &site};
  char storage[1024];
  LineBuffer json(storage, sizeof(storage));
  ASSERT_TRUE(FormatUncheckedLine(unchecked, json));
  EXPECT_EQ(json.view(),
            "{\"diocheck\":\"unchecked\",\"pid\":10,\"tid\":11,\"what\":\"io_uring\",\"call\":\"io_uring_setup\","
            "\"call_site\":[\"0x1000\"]}\n");
  LineBuffer text(storage, sizeof(storage));
  ASSERT_TRUE(FormatUncheckedStderrLine(unchecked, text));
  EXPECT_EQ(text.view(),
            "libdiocheck: io_uring_setup: this program uses io_uring; its buffers cannot be checked from LD_PRELOAD "
            "(diofs still checks offsets and lengths); thread 11 of pid 10; call site: 0x1000\n");
  char tiny[16];
  LineBuffer small(tiny, sizeof(tiny));
  EXPECT_FALSE(FormatUncheckedLine(unchecked, small));
}

}  // namespace
}  // namespace diocheck
