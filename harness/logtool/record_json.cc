#include "harness/logtool/record_json.h"

#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "fs/core/op_names.h"
#include "harness/os/errno_status.h"

namespace dioharness::logtool {

using diofs::oplog::LogRecord;
using diofs::oplog::TransferCount;

std::string HashHex(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

nlohmann::ordered_json RecordToJson(const LogRecord& r) {
  nlohmann::ordered_json j = {
      {"seq", r.seq},
      {"op", diofs::OpKindName(r.kind)},
      {"start_ns", r.start_ns},
      {"end_ns", r.end_ns},
      {"pid", r.pid},
      {"tid", r.tid},
      {"ino", r.ino},
      {"path", r.path},
      {"fh", r.fh},
      {"offset", r.offset},
      {"length", r.length},
      {"flags", r.flags},
      {"direct", diofs::oplog::IsDirect(r.flags)},
      {"aux", r.aux},
      {"result", r.result},
      {"rule", diofs::RuleName(r.rule)},
      {"verdict", diofs::VerdictName(r.verdict)},
      {"data_size", r.data_size},
      {"data_hash", HashHex(r.data_hash)},
      {"data_kept", r.data_kept},
      {"text", r.text},
  };
  if (r.result < 0) j["errno"] = dioh::ErrnoName(r.result);
  return j;
}

nlohmann::json HeaderToJson(const diofs::oplog::LogHeader& header) {
  return {{"version", header.version},
          {"profile", header.profile},
          {"max_write", header.max_write},
          {"keep_data", header.keep_data},
          {"start_realtime_ns", header.start_realtime_ns},
          {"start_monotonic_ns", header.start_monotonic_ns}};
}

namespace {

nlohmann::json TransferJson(const TransferCount& count) {
  return {{"ops", count.ops}, {"bytes", count.bytes}};
}

}  // namespace

nlohmann::json StatsToJson(const diofs::oplog::LogStats& stats) {
  nlohmann::json by_op = nlohmann::json::object();
  for (const auto& [kind, count] : stats.by_op) by_op[std::string(diofs::OpKindName(kind))] = count;
  nlohmann::json threads = nlohmann::json::array();
  for (const auto& [tid, t] : stats.by_thread) {
    threads.push_back({{"tid", tid},
                       {"pid", t.pid},
                       {"records", t.records},
                       {"reads", TransferJson(t.reads)},
                       {"writes", TransferJson(t.writes)},
                       {"direct_ops", t.direct_ops},
                       {"violations", t.violations}});
  }
  nlohmann::json rules = nlohmann::json::object();
  for (const auto& [rule, count] : stats.violations_by_rule) {
    rules[std::string(diofs::RuleName(rule))] = count;
  }
  return {{"records", stats.records},
          {"failed", stats.failed},
          {"by_op", by_op},
          {"reads", {{"direct", TransferJson(stats.direct_reads)}, {"buffered", TransferJson(stats.buffered_reads)}}},
          {"writes", {{"direct", TransferJson(stats.direct_writes)}, {"buffered", TransferJson(stats.buffered_writes)}}},
          {"threads", threads},
          {"violations_by_rule", rules},
          {"violations_rejected", stats.violations_rejected}};
}

}  // namespace dioharness::logtool
