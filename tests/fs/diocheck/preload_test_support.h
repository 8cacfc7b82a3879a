// Runs diocheck_probe under LD_PRELOAD=libdiocheck.so and collects what it
// printed and what the library reported. Shared by the preload tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace diocheck_test {

struct StepResult {
  long result = 0;
  int error = 0;  // errno, 0 on success
};

struct ProbeRun {
  int exit_code = -1;
  std::map<std::string, StepResult> steps;
  std::string output;  // stdout
  std::string errors;  // stderr
};

// Runs `diocheck_probe scenario file` with the environment of this process
// minus every DIOCHECK_* and LD_PRELOAD variable, plus `environment`
// ("NAME=value"). With `preload` false the library is not loaded (baseline).
// `program` is diocheck_probe or its LFS + _FORTIFY_SOURCE build.
ProbeRun RunProbe(const std::string& scenario, const std::string& file,
                  const std::vector<std::string>& environment, bool preload = true,
                  const std::string& program = DIOCHECK_PROBE);

// Runs `arguments` (argv, the program first) with the environment built as
// RunProbe does (without the preload) and parses "<step> <result> <errno>".
ProbeRun RunCommand(const std::vector<std::string>& arguments,
                    const std::vector<std::string>& environment);

// Why fio cannot run under the preloaded library here, or nullopt: fio is
// not installed, or the library is built with ThreadSanitizer (make
// test-tsan), whose runtime crashes in a program built without it once that
// program starts threads, as fio does. make test and make test-asan run it.
std::optional<std::string> FioUnavailableReason();

// Runs `arguments` under LD_PRELOAD=libdiocheck.so, environment as RunProbe.
ProbeRun RunPreloaded(const std::vector<std::string>& arguments, const std::vector<std::string>& environment);

// The line of `source` (1-based) holding `marker`, 0 when none.
int LineOf(const std::string& source, const std::string& marker);

// What addr2line(1) says of a call-site frame ("main+0x4f (/tmp/prog+0x1189)"
// or "/tmp/prog+0x1189"): "file.c:28", or "" when it cannot be read.
std::string SourceLineOf(const std::string& frame);

// The JSON lines of `path` (none if it does not exist).
std::vector<nlohmann::json> ReadJsonLines(const std::string& path);

// A fresh folder under $TMPDIR (or /tmp), removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The filesystem's statx STATX_DIOALIGN memory alignment for `path`:
// first = whether the kernel reported it, second = the value.
std::pair<bool, unsigned> StatxMemAlign(const std::string& path);

// A test with an O_DIRECT file `file_` in a fresh folder and a report log
// `log_` beside it; skipped where the filesystem refuses O_DIRECT or accepts
// the 8-byte aligned buffers the tests use. `source_` and `mem_align_` say
// which alignment applies: statx's when reported, else the tests'
// DIOCHECK_MEM_ALIGN=4096 ("env").
class DirectFileTest : public ::testing::Test {
 protected:
  void SetUp() override;

  TempDir dir_;
  std::string file_, log_, source_;
  unsigned mem_align_ = 0;
};

}  // namespace diocheck_test
