#include "harness/checks/write_map_builder.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "harness/checks/check_support.h"

namespace dioh {
namespace {

using checks::LogRecord;
using checks::Side;

// The seq numbers failed checks named ("... seq 812 ..."), with the check
// that named each first: marked, and labelled with it.
std::map<std::uint64_t, std::string> NamedSeqs(const std::vector<CheckResult>& results) {
  std::map<std::uint64_t, std::string> seqs;
  const std::string key = "seq ";
  for (const CheckResult& r : results) {
    if (r.status != CheckStatus::kFail) continue;
    for (std::size_t at = r.detail.find(key); at != std::string::npos; at = r.detail.find(key, at + 1)) {
      std::size_t end = at + key.size();
      std::uint64_t seq = 0;
      bool digits = false;
      while (end < r.detail.size() && r.detail[end] >= '0' && r.detail[end] <= '9') {
        seq = seq * 10 + static_cast<std::uint64_t>(r.detail[end++] - '0');
        digits = true;
      }
      if (digits) seqs.emplace(seq, r.name);
    }
  }
  return seqs;
}

std::string Subtitle(const CheckInput& input) {
  const MigrationFacts& f = input.facts;
  const std::string direct = f.direct_io_effective ? "direct-io on"
                             : f.direct_io_requested ? "direct-io requested, not effective"
                                                     : "direct-io off";
  std::string text = input.profile.name + ", " + (f.multifd ? std::to_string(f.channels) + " channels" : "no multifd") +
                     ", " + direct;
  if (f.uri_offset != 0) text += ", offset=" + std::to_string(f.uri_offset);
  if (f.passes > 1) text += ", " + std::to_string(f.passes) + " passes";
  return text;
}

}  // namespace

WriteMap BuildWriteMap(const CheckInput& input, const std::vector<CheckResult>& results, std::string title,
                       std::uint64_t sample_budget) {
  WriteMap map;
  map.title = std::move(title);
  map.subtitle = Subtitle(input);
  map.channels = {"main"};
  if (input.facts.uri_offset != 0) map.regions.push_back({0, input.facts.uri_offset, "prefix before offset="});
  if (auto stream = checks::ParseInputFile(input); stream.ok()) {
    for (const checks::PagesRegion& region : checks::PagesRegions(*stream)) {
      map.regions.push_back({region.begin, region.end, region.idstr + " pages"});
    }
  }
  const std::map<std::uint64_t, std::string> named = NamedSeqs(results);
  WriteMapSample sample(map, sample_budget);
  for (Side side : {Side::kSave, Side::kLoad}) {
    const std::optional<MainHandle> main = checks::FindMainHandle(input, side);
    const diofs::OpKind kind = side == Side::kSave ? diofs::OpKind::kWrite : diofs::OpKind::kRead;
    std::map<std::uint32_t, std::size_t> channel_of_tid;
    checks::ForEachSideRecord(input, side, [&](const LogRecord& r) {
      if (r.kind != kind) return true;
      std::size_t channel = 0;
      if (checks::IsChannelRecord(r, main)) {
        auto [it, added] = channel_of_tid.try_emplace(r.tid, channel_of_tid.size() + 1);
        channel = it->second;
        if (added && channel >= map.channels.size()) map.channels.push_back("channel " + std::to_string(channel));
      }
      const auto named_by = named.find(r.seq);
      const bool violation = r.rule != diofs::Rule::kNone || named_by != named.end();
      // diofs's own verdicts are on offsets and lengths: odirect-aligned's rule.
      std::string check = named_by != named.end() ? named_by->second : violation ? "odirect-aligned" : "";
      sample.Add({r.start_ns, r.offset, r.length, channel, side == Side::kLoad, violation, std::move(check)});
      return true;
    });
  }
  // libdiocheck refuses a misaligned buffer before the call reaches diofs:
  // its report (a record of /.diofs/violation) is all the log has of that
  // I/O, so it is drawn where the I/O would have gone.
  input.records.ForEach([&](const LogRecord& r) {
    if (r.kind != diofs::OpKind::kViolation || !checks::IsEngineRecord(input, r)) return true;
    const auto report = nlohmann::json::parse(r.text, nullptr, /*allow_exceptions=*/false);
    if (!report.is_object() || !report.contains("offset") || !report["offset"].is_number_unsigned()) return true;
    const std::uint64_t length = report.value("length", std::uint64_t{0});
    sample.Add({r.start_ns, report["offset"].get<std::uint64_t>(), length, 0,
                input.load_groups.count(checks::GroupOf(r)) != 0, true, "buffers-aligned"});
    return true;
  });
  sample.Finish();
  return map;
}

}  // namespace dioh
