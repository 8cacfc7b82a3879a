#include "harness/runner/jobs.h"

#include <cerrno>
#include <charconv>

#include "fs/core/profile.h"

namespace dioh {

Result<Job> JobFromScenario(const Scenario& scenario) {
  ExpectedOutcome expected;
  if (scenario.expect.has_value()) {
    expected = *scenario.expect;
  } else {
    auto profile = diofs::ProfileByName(scenario.diofs.profile);
    if (!profile.ok()) {
      return Status::Error(EINVAL, scenario.source_file + ": field 'diofs.profile': " + profile.status().message());
    }
    expected = DeriveExpectedOutcome(scenario, *profile);
    Job job{scenario, expected, scenario.name + "@" + scenario.diofs.profile};
    for (KnownEngineBug& bug : DeriveKnownEngineBugs(scenario, *profile)) job.scenario.known_engine_bugs.push_back(std::move(bug));
    return job;
  }
  return Job{scenario, expected, scenario.name + "@" + scenario.diofs.profile};
}

std::vector<Job> MatrixJobs(const std::vector<Scenario>& scenarios) {
  std::vector<Job> jobs;
  for (const Scenario& scenario : scenarios) {
    if (!scenario.matrix) continue;
    for (const diofs::Profile& profile : diofs::ProfilePresets()) {
      Job job{scenario, DeriveExpectedOutcome(scenario, profile), scenario.name + "@" + profile.name};
      job.scenario.diofs.profile = profile.name;
      for (KnownEngineBug& bug : DeriveKnownEngineBugs(scenario, profile)) job.scenario.known_engine_bugs.push_back(std::move(bug));
      jobs.push_back(std::move(job));
    }
  }
  return jobs;
}

Result<Shard> ParseShard(std::string_view text) {
  const auto bad = [&] {
    return Status::Error(EINVAL, "--shard '" + std::string(text) + "': expected i/N with 1 <= i <= N, e.g. 2/4");
  };
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad();
  Shard shard;
  const std::string_view index = text.substr(0, slash);
  const std::string_view count = text.substr(slash + 1);
  if (std::from_chars(index.data(), index.data() + index.size(), shard.index).ptr != index.data() + index.size() ||
      std::from_chars(count.data(), count.data() + count.size(), shard.count).ptr != count.data() + count.size() ||
      index.empty() || count.empty() || shard.index < 1 || shard.index > shard.count) {
    return bad();
  }
  return shard;
}

}  // namespace dioh
