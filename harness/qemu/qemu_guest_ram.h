// QemuGuestRam: the guest RAM the harness gives a real QEMU, page by page:
// the scenario's seed model (mrm::ram, the model mrmigrate computes too),
// less the pages QEMU owns (Q35Layout). The harness writes it (loader images
// at reset and qtest commands for what is mapped only later, then qtest for
// each later pass) and the RAM checks compare against it.
//
// Why a keep-alive block for a live save: QEMU decides itself when to stop
// iterating; it stops after any pass that found nothing dirty. The harness
// rewrites a RAM block of its own (Q35Layout: a secondary-vga's vram) (1 MiB runs, each filled with its own byte,
// content unchanged) in a loop while the save runs, so every pass has data to
// send and QEMU keeps iterating until the harness stops (ENGINES.md). Being a
// block apart, it leaves the scenario's blocks exactly the model.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/checks/ram_expectation.h"
#include "harness/qemu/q35_layout.h"
#include "migration/ram/page_content.h"

namespace dioh {

class QemuGuestRam : public RamExpectation {
 public:
  enum class PageKind { kModel, kOwnedByQemu };

  // The model's passes 0..passes-1 on `layout` (which has the keep-alive
  // block when passes > 1: For() sees to it).
  QemuGuestRam(Q35Layout layout, std::vector<mrm::ram::RamBlockSpec> blocks, mrm::ram::ContentSpec content,
               std::uint32_t passes);
  // For a scenario's guest: ENOTSUP with the reason when QEMU cannot build
  // it. With passes > 1, a keep-alive block of a quarter of pc.ram, rounded
  // down to a power of two, from 1 to 64 MiB.
  static Result<QemuGuestRam> For(const std::string& ram_spec, mrm::ram::ContentSpec content, std::uint32_t passes);

  // RamExpectation: after the last pass; QEMU's ROM blocks, the keep-alive
  // block and QEMU's pages of pc.ram are not compared.
  std::vector<std::pair<std::string, std::uint64_t>> Blocks() const override;
  std::string FileIdstr(const std::string& block) const override { return Q35Layout::QemuIdstr(block); }
  bool EngineOwnsBlock(const std::string& file_idstr) const override;
  bool Compared(const std::string& idstr, std::uint64_t page) const override;
  bool ExpectedZero(const std::string& idstr, std::uint64_t page) const override;
  Status Verify(const std::string& idstr, std::uint64_t page, const std::uint8_t* actual) const override;
  std::uint32_t LastPass() const override { return passes_ - 1; }
  std::string LeftOut() const override;

  std::uint32_t passes() const { return passes_; }
  // Bytes of pass 0 that are not zero pages: what a first pass sends.
  std::uint64_t DataBytes() const;

  const Q35Layout& layout() const { return layout_; }
  const std::vector<mrm::ram::RamBlockSpec>& blocks() const { return blocks_; }
  PageKind KindOf(const std::string& idstr, std::uint64_t page) const;
  // What the page holds once the harness wrote the model's passes 0..`pass`.
  void ExpectedPage(const std::string& idstr, std::uint64_t page, std::uint32_t pass, std::uint8_t* out) const;
  bool ExpectedZero(const std::string& idstr, std::uint64_t page, std::uint32_t pass) const;
  // "keep-alive block 0000:00:02.0/vga.vram (4 MiB, secondary-vga)", or "" without one.
  std::string KeepAliveText() const;

  // Writes pass 0 of what is mapped at reset (pc.ram) into sparse image
  // files in `dir` and returns the QEMU arguments that load them at reset
  // (-device loader,...,force-raw=on): ten times faster than qtest.
  Result<std::vector<std::string>> WriteLoaderImages(const std::string& dir) const;
  // What a source needs through qtest once it started, before the save:
  // vram's BAR programmed, then pass 0 of what the loader could not reach.
  std::vector<std::string> SetupCommands() const;
  // The qtest commands that make RAM hold pass `pass` (>= 1): every page the
  // model rewrites at that pass, adjacent data pages in one b64write.
  std::vector<std::string> PassCommands(std::uint32_t pass) const;
  // One sweep over the keep-alive block (one memset per 1 MiB run).
  std::vector<std::string> KeepAliveCommands() const;

 private:
  static std::uint8_t KeepAliveByte(std::uint64_t run) { return static_cast<std::uint8_t>(1 + run % 255); }
  // Writes of `range`'s model pages at `pass`: every data page (all pages:
  // false, for pass 0), or only those the model rewrites at that pass;
  // adjacent data pages in one b64write, zero pages as memset.
  void AppendRangeCommands(const Q35Layout::Range& range, std::uint32_t pass, bool dirtied_only,
                           std::vector<std::string>& commands) const;

  Q35Layout layout_;
  std::vector<mrm::ram::RamBlockSpec> blocks_;
  mrm::ram::ContentSpec content_;
  std::uint32_t passes_ = 1;
};

}  // namespace dioh
