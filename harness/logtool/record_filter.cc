#include "harness/logtool/record_filter.h"

#include <fnmatch.h>

#include <cerrno>
#include <charconv>

#include "fs/core/op_names.h"
#include "fs/oplog/log_stats.h"

namespace dioharness::logtool {
namespace {

dioh::Status Bad(std::string_view what) {
  return dioh::Status::Error(EINVAL, "bad --filter: " + std::string(what));
}

dioh::Result<bool> ParseBool(std::string_view key, std::string_view value) {
  if (value == "1" || value == "true" || value == "yes") return true;
  if (value == "0" || value == "false" || value == "no") return false;
  return Bad(std::string(key) + "=" + std::string(value) + " (use 1 or 0)");
}

std::string KnownOps() {
  std::string names;
  for (diofs::OpKind kind : diofs::kAllOpKinds) {
    names += (names.empty() ? "" : ", ") + std::string(diofs::OpKindName(kind));
  }
  return names;
}

dioh::Status AddCondition(std::string_view key, std::string_view value, RecordFilter& filter) {
  if (key == "op") {
    while (!value.empty()) {
      const std::size_t bar = value.find('|');
      const std::string_view name = value.substr(0, bar);
      const auto kind = diofs::ParseOpKind(name);
      if (!kind) return Bad("unknown op \"" + std::string(name) + "\" (known: " + KnownOps() + ")");
      filter.ops.insert(*kind);
      value = bar == std::string_view::npos ? std::string_view{} : value.substr(bar + 1);
    }
    return dioh::Status::Ok();
  }
  if (key == "direct" || key == "violation") {
    auto flag = ParseBool(key, value);
    if (!flag.ok()) return flag.status();
    (key == "direct" ? filter.direct : filter.violation) = *flag;
    return dioh::Status::Ok();
  }
  if (key == "path") {
    filter.path_glob = std::string(value);
    return dioh::Status::Ok();
  }
  if (key == "tid") {
    std::uint32_t tid = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), tid);
    if (error != std::errc() || end != value.data() + value.size()) {
      return Bad("tid=" + std::string(value) + " is not a thread id");
    }
    filter.tid = tid;
    return dioh::Status::Ok();
  }
  return Bad("unknown key \"" + std::string(key) + "\" (known: op, direct, path, violation, tid)");
}

}  // namespace

dioh::Status ParseFilterSpec(std::string_view spec, RecordFilter& filter) {
  RecordFilter candidate = filter;  // validate a copy, then apply
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    const std::size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      // Appended, not "\"" + std::string(item) + ...: GCC 12 at -O3 sees a false
      // -Wrestrict overlap in that chain (a Release build with warnings as errors).
      std::string message = "\"";
      message.append(item).append("\" is not KEY=VALUE");
      return Bad(message);
    }
    DIOH_RETURN_IF_ERROR(AddCondition(item.substr(0, equals), item.substr(equals + 1), candidate));
  }
  filter = std::move(candidate);
  return dioh::Status::Ok();
}

bool Matches(const RecordFilter& filter, const diofs::oplog::LogRecord& record) {
  if (!filter.ops.empty() && filter.ops.count(record.kind) == 0) return false;
  if (filter.direct && diofs::oplog::IsDirect(record.flags) != *filter.direct) return false;
  if (filter.violation && (record.rule != diofs::Rule::kNone) != *filter.violation) return false;
  if (filter.tid && record.tid != *filter.tid) return false;
  if (filter.path_glob && fnmatch(filter.path_glob->c_str(), record.path.c_str(), 0) != 0) return false;
  return true;
}

}  // namespace dioharness::logtool
