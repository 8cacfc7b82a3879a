// `dioharness log dump|stats|replay`: the logic behind the CLI, writing to
// the streams it is given and returning the process exit code, so that
// tests run it without a process.
//
// Exit codes: 0 the log is complete (trailer present, no damage);
// 1 the log is torn or corrupt (the good records are still printed first,
// the error names the byte offset); 2 usage error or unreadable file;
// 3 no trailer but no damage (diofs did not close the log: killed).
// `replay` exits 0 when the marker lies in the good part, whatever follows.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace dioharness::logtool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDamaged = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitNoTrailer = 3;

struct DumpOptions {
  std::string file;
  bool json = false;
  std::vector<std::string> filters;  // each "key=value,key=value"
};

struct StatsOptions {
  std::string file;
  bool json = false;
};

struct ReplayOptions {
  std::string file;
  std::string until_mark;
  std::string path;
  std::string out_image;
};

int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err);
int RunStats(const StatsOptions& options, std::ostream& out, std::ostream& err);
int RunReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace dioharness::logtool
