// The --filter of `dioharness log dump`: "op=write,direct=1,path=GLOB,violation=1".
// Keys are AND-ed; `op` takes one name or several joined by '|'
// ("op=read|write"); `path` is an fnmatch(3) glob; `tid` a thread id.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/status/status.h"
#include "fs/oplog/log_format.h"

namespace dioharness::logtool {

struct RecordFilter {
  std::set<diofs::OpKind> ops;  // empty: any
  std::optional<bool> direct;   // O_DIRECT in the op's flags
  std::optional<std::string> path_glob;
  std::optional<bool> violation;  // a rule was broken (rule != none)
  std::optional<std::uint32_t> tid;
};

// Adds the conditions of `spec` to `filter` (several --filter options add up).
dioh::Status ParseFilterSpec(std::string_view spec, RecordFilter& filter);
bool Matches(const RecordFilter& filter, const diofs::oplog::LogRecord& record);

}  // namespace dioharness::logtool
