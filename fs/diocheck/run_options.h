// What `diocheck_run` puts in a command's environment to run it under
// libdiocheck.so. Validated here, applied by the CLI (diocheck_run.cc).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status/status.h"

namespace diocheck {

struct RunOptions {
  std::string library;             // path of libdiocheck.so
  std::string mode;                // "", "einval" or "record"
  std::string log;                 // "" or a file (made absolute)
  std::optional<unsigned> mem_align;
  bool quiet = false;              // no line on stderr per violation
};

// The variables to set, in order: LD_PRELOAD (the library first, then any
// `existing_preload`), then DIOCHECK_MODE / DIOCHECK_LOG / DIOCHECK_MEM_ALIGN
// / DIOCHECK_QUIET for the options given. Fails with EINVAL on an invalid option.
dioh::Result<std::vector<std::pair<std::string, std::string>>> RunEnvironment(
    const RunOptions& options, const char* existing_preload);

}  // namespace diocheck
