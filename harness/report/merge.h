// Joining the reports of shards (`--shard i/N` on several CI runners) into
// one, without counting a run twice or passing a set with shards missing.
// Each sharded report.json records which shard it is and the set of runs it
// was cut from (Report::shard); MergeShards checks them. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/report/report.h"

namespace dioh {

// The shard record of a command that ran shard `index` of `count` of the runs
// `all_run_ids` (every run of the whole set, in order): the set's size and a
// digest of its ids, so that shards of different sets are told apart.
ShardRecord MakeShardRecord(std::size_t index, std::size_t count, std::string set,
                            const std::vector<std::string>& all_run_ids);

struct NamedReport {
  std::string name;  // where it came from (a file name), for messages
  Report report;
};

struct MergedReport {
  Report report;
  std::size_t shard_count = 0;               // N of the shards' i/N; 0: no input was sharded
  std::vector<std::size_t> missing_shards;   // 1-based, ascending; empty when all are here
};

// Joins the results in the order given. Refused (EINVAL, naming the files):
// a run (scenario@profile) in two inputs or twice in one, a shard given
// twice, shards of different sets (count or digest differ), a sharded report
// mixed with an unsharded one. Missing shards are not an error here: the
// caller decides (merge refuses them unless --allow-partial).
Result<MergedReport> MergeShards(const std::vector<NamedReport>& inputs, const std::string& title);

// "2, 4": for messages.
std::string ShardList(const std::vector<std::size_t>& shards);

}  // namespace dioh
