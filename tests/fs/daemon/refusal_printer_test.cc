#include "fs/daemon/refusal_printer.h"

#include <fcntl.h>

#include <gtest/gtest.h>

#include <cstdio>

namespace diofs {
namespace {

OpEvent Refused(OpKind kind, Rule rule, Verdict verdict = Verdict::kRejected) {
  OpEvent e;
  e.kind = kind;
  e.path = "/dir/f";
  e.offset = 512;
  e.length = 100;
  e.pid = 1230;
  e.tid = 1234;
  e.flags = O_RDWR | O_DIRECT;
  e.rule = rule;
  e.verdict = verdict;
  return e;
}

TEST(RefusalPrinterTest, ALineSaysWhatWhereWhichRuleAndWho) {
  const Profile strict = *ProfileByName("strict-4k");
  EXPECT_EQ(RefusalLine(Refused(OpKind::kWrite, Rule::kOffsetAlign), strict),
            "diofs: refused O_DIRECT write of 100 bytes at offset 512 to /dir/f: offset_align (strict-4k wants "
            "offsets and lengths in multiples of 4096), thread 1234 of process 1230");
  EXPECT_EQ(RefusalLine(Refused(OpKind::kRead, Rule::kLengthAlign, Verdict::kRecorded), strict),
            "diofs: let through (record mode) O_DIRECT read of 100 bytes at offset 512 from /dir/f: length_align "
            "(strict-4k wants offsets and lengths in multiples of 4096), thread 1234 of process 1230");
  EXPECT_EQ(RefusalLine(Refused(OpKind::kOpen, Rule::kODirectUnsupported), *ProfileByName("no-odirect")),
            "diofs: refused open with O_DIRECT of /dir/f: odirect_unsupported (no-odirect refuses O_DIRECT at open), "
            "thread 1234 of process 1230");
  OpEvent fine = Refused(OpKind::kWrite, Rule::kNone, Verdict::kPass);
  EXPECT_EQ(RefusalLine(fine, strict), "");
}

TEST(RefusalPrinterTest, LibdiocheckReportsAreRead) {
  const Profile strict = *ProfileByName("strict-4k");
  OpEvent v = Refused(OpKind::kViolation, Rule::kMemAlign);
  v.path = "";
  v.text = R"({"diocheck":"mem_align","pid":7,"tid":8,"fd":3,"path":"/mnt/f","call":"pwrite","offset":0,)"
           R"j("address":"0x5581","length":4096,"mem_align":4096,"mode":"einval","call_site":["main+0x4f (/tmp/prog)"]})j";
  EXPECT_EQ(RefusalLine(v, strict),
            "diofs: libdiocheck refused pwrite on /mnt/f: buffer 0x5581, 4096 bytes (strict-4k wants buffers aligned "
            "to 4096), thread 8 of process 7, at main+0x4f (/tmp/prog)");
  // Whatever a process writes to .diofs/violation, the daemon prints a line and goes on.
  for (const char* text : {R"({"call":7,"tid":"x","call_site":[1]})", "not json", R"([[[]]])"}) {
    v.text = text;
    EXPECT_NE(RefusalLine(v, strict).find("diofs: libdiocheck refused"), std::string::npos) << text;
  }
}

TEST(RefusalPrinterTest, PrintsOneLinePerFlaggedOperationOnly) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  ASSERT_NE(out, nullptr);
  {
    RefusalPrinter printer(out, [] { return *ProfileByName("ext4-512"); });
    printer.OnOp(Refused(OpKind::kWrite, Rule::kNone, Verdict::kPass));
    printer.OnOp(Refused(OpKind::kWrite, Rule::kLengthAlign));
    printer.OnOp(Refused(OpKind::kRead, Rule::kOffsetAlign, Verdict::kRecorded));
  }
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_NE(text.find("multiples of 512"), std::string::npos) << text;
}

TEST(RefusalPrinterTest, FirstOnlyPrintsOneLineWithAHint) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&buffer, &size);
  ASSERT_NE(out, nullptr);
  {
    RefusalPrinter printer(out, [] { return *ProfileByName("ext4-512"); }, RefusalPrinter::Lines::kFirst);
    printer.OnOp(Refused(OpKind::kWrite, Rule::kNone, Verdict::kPass));
    printer.OnOp(Refused(OpKind::kWrite, Rule::kLengthAlign));
    printer.OnOp(Refused(OpKind::kRead, Rule::kOffsetAlign));
  }
  std::fclose(out);
  const std::string text(buffer, size);
  std::free(buffer);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("diofs: refused O_DIRECT write"), std::string::npos) << text;
  EXPECT_NE(text.find("(the first; diofs -v prints every one)\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace diofs
