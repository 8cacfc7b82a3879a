// DeriveExpectedOutcome: what a profile's O_DIRECT rules imply for a scenario.
// The page writes are recomputed from the guest model (seed, zero and dirty
// fractions) the way the multifd save issues them, so a strict profile is
// predicted to fail only when some page write really breaks its alignment.
#include <cstdint>
#include <string>

#include "harness/scenario/scenario.h"
#include "migration/format/stream_constants.h"
#include "migration/ram/host_ram.h"
#include "migration/ram/page_content.h"

namespace dioh {
namespace {

// What the multifd save writes (MAPPED-RAM.md "Who writes what"): the main
// thread queues the pass's dirty pages of one block in batches of at most 128;
// zero pages are skipped (by the channel, or by the main thread with
// zero-page-detection=legacy, before batching; not at all with "none"); each
// run of address-contiguous pages left in a batch is one pwritev at
// pages_offset + page * 4096. pages_offset is 1 MiB aligned.
constexpr std::uint64_t kPagesPerBatch = mrm::format::kMultifdPagesPerPacket;
constexpr std::uint64_t kPagesRegionAlign = mrm::format::kMappedRamFileOffsetAlignment;

struct WriteShape {
  std::uint64_t align = 4096;
  bool misaligned = false;
  void Run(std::uint64_t first, std::uint64_t count) {
    const std::uint64_t offset = first * mrm::ram::kPageSize;
    const std::uint64_t length = count * mrm::ram::kPageSize;
    if (offset % align != 0 || length % align != 0) misaligned = true;
  }
};

// Replays one block's pass and records whether a write breaks `shape.align`.
void ReplayBlockPass(const mrm::ram::ContentSpec& content, const mrm::ram::RamBlockSpec& block,
                     std::uint32_t pass, const std::string& zero_detection, WriteShape& shape) {
  const std::uint64_t pages = block.used_length / mrm::ram::kPageSize;
  const bool main_skips_zero = zero_detection == "legacy";
  const bool channel_skips_zero = zero_detection == "multifd";
  std::uint64_t in_batch = 0, run_first = 0, run_count = 0;
  auto end_run = [&] {
    if (run_count > 0) shape.Run(run_first, run_count);
    run_count = 0;
  };
  for (std::uint64_t page = 0; page < pages && !shape.misaligned; ++page) {
    if (!mrm::ram::IsDirtiedAt(content, block.idstr, page, pass)) continue;
    const bool zero = mrm::ram::IsZeroVersion(content, block.idstr, page,
                                              mrm::ram::CurrentVersion(content, block.idstr, page, pass));
    if (zero && main_skips_zero) continue;
    if (in_batch == kPagesPerBatch) {
      end_run();
      in_batch = 0;
    }
    ++in_batch;
    if (zero && channel_skips_zero) continue;
    if (run_count > 0 && page == run_first + run_count) {
      ++run_count;
      continue;
    }
    end_run();
    run_first = page;
    run_count = 1;
  }
  end_run();
}

bool SomePageWriteMisaligned(const Scenario& scenario, std::uint64_t align) {
  if (align <= mrm::ram::kPageSize) return false;
  if (align > kPagesRegionAlign) return true;  // even the first page of a region may be off
  auto blocks = mrm::ram::ParseRamSpec(scenario.guest.ram);
  if (!blocks.ok()) return false;
  const mrm::ram::ContentSpec content{scenario.guest.seed, scenario.guest.zero_fraction,
                                      scenario.guest.dirty_fraction};
  const std::string zero_detection = ZeroPageDetection(scenario);
  WriteShape shape{align};
  for (std::uint32_t pass = 0; pass < scenario.guest.passes && !shape.misaligned; ++pass) {
    for (const mrm::ram::RamBlockSpec& block : *blocks) ReplayBlockPass(content, block, pass, zero_detection, shape);
  }
  return shape.misaligned;
}

bool RefusesTheChannelOpen(const Scenario& scenario, const diofs::Profile& profile) {
  return !(scenario.no_direct_io_build && DirectIoRequested(scenario)) && DirectIoEffective(scenario) &&
         profile.odirect == diofs::ODirectAtOpen::kReject;
}

}  // namespace

std::vector<KnownEngineBug> DeriveKnownEngineBugs(const Scenario& scenario, const diofs::Profile& profile) {
  if (!RefusesTheChannelOpen(scenario, profile)) return {};
  return {KnownEngineBug{
      "qemu",
      {"10.0.*"},
      "QEMU reports the refused O_DIRECT open, then dies of SIGSEGV: multifd_device_state_send_cleanup() "
      "dereferences a device state that was never set up when channel creation fails",
      {"expected-outcome"}}};
}

ExpectedOutcome DeriveExpectedOutcome(const Scenario& scenario, const diofs::Profile& profile) {
  // migrate_params_check(): refused at migrate-set-parameters, whatever the capabilities.
  if (scenario.no_direct_io_build && DirectIoRequested(scenario)) {
    return ExpectedOutcome::Failure("No build-time support for direct-io");
  }
  if (!DirectIoEffective(scenario)) return ExpectedOutcome{};
  // The multifd channels open with O_DIRECT (channel_open.cc, as QEMU's
  // file_send_channel_create reports it).
  if (RefusesTheChannelOpen(scenario, profile)) {
    return ExpectedOutcome::Failure("Could not open '{file}': filesystem does not support O_DIRECT");
  }
  if (scenario.diofs.on_violation == "einval" && SomePageWriteMisaligned(scenario, profile.dio_align.bytes())) {
    // QEMU 10.0's file_write_ramblock_iov(), and mrmigrate after it: which
    // channel and page fail first depends on scheduling, the text does not.
    ExpectedOutcome refused = ExpectedOutcome::Failure("Unable to write to file: Invalid argument");
    refused.rejected_io = true;
    return refused;
  }
  return ExpectedOutcome{};
}

}  // namespace dioh
