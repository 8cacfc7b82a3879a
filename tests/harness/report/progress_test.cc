#include "harness/report/progress.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dioh {
namespace {

MigrationProgress Active(double seconds) {
  MigrationProgress p;
  p.status = "active";
  p.transferred = 96ull << 20;
  p.remaining = 160ull << 20;
  p.total = 256ull << 20;
  p.normal_pages = 16384;
  p.zero_pages = 8192;
  p.dirty_syncs = 2;
  p.seconds = seconds;
  return p;
}

TEST(ProgressTest, LineSaysWhatTheEngineReported) {
  EXPECT_EQ(ProgressLine("save", Active(1.5)),
            "save  active, pass 2: 96.0 MiB transferred, 160.0 MiB to go of 256.0 MiB, 24576 pages (8192 zero), 1.5 s");
  MigrationProgress bare;  // QEMU's destination: a status and nothing else
  bare.status = "active";
  bare.seconds = 0.25;
  EXPECT_EQ(ProgressLine("load", bare), "load  active, 0.2 s");
  MigrationProgress no_remaining;
  no_remaining.status = "completed";
  no_remaining.transferred = 4096;
  no_remaining.total = 8192;
  EXPECT_EQ(ProgressLine("save", no_remaining), "save  completed: 4.0 KiB transferred of 8.0 KiB, 0.0 s");
}

TEST(ProgressTest, OnATerminalOneLineIsRewrittenAndErased) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*terminal=*/true, /*columns=*/40);
  printer.SetPrefix("[1/2] demo  ");
  printer.Update("save", Active(0.5));
  printer.Update("save", Active(1.0));
  const std::string text = out.str();
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_EQ(text, "\r[1/2] demo  save  active, pass 2: 96.0 \033[K\r[1/2] demo  save  active, pass 2: 96.0 \033[K");
  printer.Clear();
  EXPECT_EQ(out.str(), text + "\r\033[K");
  printer.Clear();  // nothing open: nothing written
  EXPECT_EQ(out.str(), text + "\r\033[K");
}

// Through a pipe: whole lines, one per interval of migration time, and one
// whenever side or status changes; no control characters.
TEST(ProgressTest, ThroughAPipeALineNowAndThen) {
  std::ostringstream out;
  ProgressPrinter printer(out, /*terminal=*/false, 80, /*pipe_interval_seconds=*/5.0);
  for (double t : {0.5, 1.0, 4.9, 5.5, 6.0, 10.6}) printer.Update("save", Active(t));
  MigrationProgress done = Active(11.0);
  done.status = "completed";
  printer.Update("save", done);
  printer.Update("load", Active(0.1));
  printer.Clear();
  const std::string text = out.str();
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  EXPECT_EQ(lines, 5u) << text;  // 0.5, 5.5, 10.6, completed, load
  EXPECT_NE(text.find(", 5.5 s\n"), std::string::npos) << text;
  EXPECT_NE(text.find("save  completed"), std::string::npos) << text;
  printer.Step("reading the op log");
  EXPECT_NE(out.str().find(", 0.1 s\nreading the op log...\n"), std::string::npos) << out.str();
  printer.SetPrefix("[2/2] next  ");  // a new run starts over
  printer.Update("save", Active(0.5));
  EXPECT_NE(out.str().find("[2/2] next  save  active"), std::string::npos);
}

}  // namespace
}  // namespace dioh
