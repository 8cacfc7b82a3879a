#include "harness/report/merge.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <set>

namespace dioh {
namespace {

// FNV-1a, 64 bits: a digest to tell sets apart, not a defence against forgery.
std::string Digest(const std::vector<std::string>& ids) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::string& id : ids) {
    for (const char c : id + "\n") {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ull;
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::string RunId(const ScenarioResult& r) { return r.scenario + "@" + r.profile; }

Status Refuse(const std::string& what) { return Status::Error(EINVAL, what); }

std::string ShardText(const ShardRecord& s) { return std::to_string(s.index) + "/" + std::to_string(s.count); }

// Every sharded input must be a shard of the first one's set.
Status CheckSameSet(const std::vector<NamedReport>& inputs) {
  const NamedReport* first = nullptr;
  std::map<std::size_t, std::string> seen;  // shard index -> input name
  for (const NamedReport& input : inputs) {
    if (!input.report.shard) continue;
    const ShardRecord& shard = *input.report.shard;
    if (first == nullptr) first = &input;
    const ShardRecord& reference = *first->report.shard;
    if (shard.count != reference.count || shard.set_digest != reference.set_digest) {
      return Refuse(input.name + " is shard " + ShardText(shard) + " of " + shard.set + ", but " + first->name +
                    " is shard " + ShardText(reference) + " of " + reference.set + ": not the same set of runs");
    }
    if (const auto [it, fresh] = seen.emplace(shard.index, input.name); !fresh) {
      return Refuse("shard " + ShardText(shard) + " given twice: " + it->second + " and " + input.name);
    }
  }
  if (first == nullptr) return Status::Ok();
  for (const NamedReport& input : inputs) {
    if (!input.report.shard) {
      return Refuse(input.name + " is not a shard, but " + first->name + " is shard " + ShardText(*first->report.shard));
    }
  }
  return Status::Ok();
}

// One engine per merged report: its configuration names one, and a QEMU run
// beside a mrmigrate run would read as the same engine's.
Status CheckSameEngine(const std::vector<NamedReport>& inputs) {
  const auto engine_of = [](const Report& report) -> std::string {
    for (const auto& [key, value] : report.configuration) {
      if (key == "engine") return value;
    }
    return "";
  };
  const NamedReport* first = nullptr;
  for (const NamedReport& input : inputs) {
    const std::string engine = engine_of(input.report);
    if (engine.empty()) continue;
    if (first == nullptr) {
      first = &input;
    } else if (engine != engine_of(first->report)) {
      return Refuse(input.name + " ran engine " + engine + ", but " + first->name + " ran " + engine_of(first->report) +
                    ": merge each engine's reports apart");
    }
  }
  return Status::Ok();
}

}  // namespace

ShardRecord MakeShardRecord(std::size_t index, std::size_t count, std::string set,
                            const std::vector<std::string>& all_run_ids) {
  return {index, count, std::move(set), all_run_ids.size(), Digest(all_run_ids)};
}

std::string ShardList(const std::vector<std::size_t>& shards) {
  std::string text;
  for (std::size_t s : shards) text += (text.empty() ? "" : ", ") + std::to_string(s);
  return text;
}

Result<MergedReport> MergeShards(const std::vector<NamedReport>& inputs, const std::string& title) {
  DIOH_RETURN_IF_ERROR(CheckSameSet(inputs));
  DIOH_RETURN_IF_ERROR(CheckSameEngine(inputs));
  MergedReport merged;
  Report& out = merged.report;
  out.title = title;
  std::map<std::string, std::string> where;  // run id -> input name
  std::set<std::size_t> present;
  for (const NamedReport& input : inputs) {
    const Report& report = input.report;
    for (const ScenarioResult& r : report.results) {
      if (const auto [it, fresh] = where.emplace(RunId(r), input.name); !fresh) {
        return Refuse("run " + RunId(r) + " is in " + it->second + (it->second == input.name ? " twice" : " and in " + input.name) +
                      ": a run may be merged once");
      }
    }
    if (out.started_at.empty() || (!report.started_at.empty() && report.started_at < out.started_at)) {
      out.started_at = report.started_at;
    }
    out.results.insert(out.results.end(), report.results.begin(), report.results.end());
    // Shards run side by side: the merged run took as long as the slowest.
    out.wall_seconds = std::max(out.wall_seconds, report.wall_seconds);
    if (report.shard) {
      merged.shard_count = report.shard->count;
      present.insert(report.shard->index);
    }
  }
  for (std::size_t i = 1; i <= merged.shard_count; ++i) {
    if (present.count(i) == 0) merged.missing_shards.push_back(i);
  }
  if (!inputs.empty()) {
    for (const auto& entry : inputs.front().report.configuration) {
      if (entry.first != "shard") out.configuration.push_back(entry);
    }
  }
  std::string from = std::to_string(inputs.size()) + " reports";
  if (merged.shard_count > 0) {
    std::vector<std::size_t> shards(present.begin(), present.end());
    from += " (shards " + ShardList(shards) + " of " + std::to_string(merged.shard_count) + " of " +
            inputs.front().report.shard->set + ")";
  }
  out.configuration.emplace_back("merged from", from);
  if (!merged.missing_shards.empty()) out.configuration.emplace_back("missing shards", ShardList(merged.missing_shards));
  return merged;
}

}  // namespace dioh
