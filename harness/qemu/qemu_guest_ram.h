// QemuGuestRam: the guest RAM the harness gives a real QEMU, page by page:
// the scenario's seed model (mrm::ram, the model mrmigrate computes too),
// less the pages QEMU owns (Q35Layout), plus, for a live save, a keep-alive
// region. The harness writes it (a loader image before the start, qtest
// commands for each later pass) and the RAM checks compare against it.
//
// Why a keep-alive region: QEMU decides itself when to stop iterating; it
// stops after any pass that sent nothing new. The harness rewrites this
// region (1 MiB runs, each filled with its own byte, content unchanged) in a
// loop while the save runs, so every pass has data to send and QEMU keeps
// iterating until the harness stops (QEMU-FACTS and ENGINES.md).
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
  enum class PageKind { kModel, kKeepAlive, kOwnedByQemu };

  // The model's passes 0..passes-1; with more than one (a live save), a
  // keep-alive region is reserved: the top of pc.ram below 4 GiB, 64 MiB or
  // a quarter of it, whole MiB.
  QemuGuestRam(Q35Layout layout, std::vector<mrm::ram::RamBlockSpec> blocks, mrm::ram::ContentSpec content,
               std::uint32_t passes);
  // For a scenario's guest: ENOTSUP with the reason when QEMU cannot build it.
  static Result<QemuGuestRam> For(const std::string& ram_spec, mrm::ram::ContentSpec content, std::uint32_t passes);

  // RamExpectation: after the last pass; QEMU's ROM blocks and its pages of
  // pc.ram are not compared.
  std::vector<std::pair<std::string, std::uint64_t>> Blocks() const override;
  bool EngineOwnsBlock(const std::string& idstr) const override;
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
  // "keep-alive pc.ram 0xc000000-0x10000000 (64 MiB)", or "" without one.
  std::string KeepAliveText() const;

  // Writes pass 0 into sparse image files in `dir` and returns the QEMU
  // arguments that load them at reset (-device loader,...,force-raw=on):
  // ten times faster than qtest for the whole of RAM.
  Result<std::vector<std::string>> WriteLoaderImages(const std::string& dir) const;
  // The qtest commands that make RAM hold pass `pass` (>= 1): every page the
  // model rewrites at that pass, adjacent data pages in one b64write.
  std::vector<std::string> PassCommands(std::uint32_t pass) const;
  // One sweep over the keep-alive region (one memset per 1 MiB run).
  std::vector<std::string> KeepAliveCommands() const;

 private:
  static std::uint8_t KeepAliveByte(std::uint64_t run) { return static_cast<std::uint8_t>(1 + run % 255); }

  Q35Layout layout_;
  std::vector<mrm::ram::RamBlockSpec> blocks_;
  mrm::ram::ContentSpec content_;
  std::uint32_t passes_ = 1;
  std::uint64_t keep_alive_begin_ = 0;  // pc.ram offsets; begin == end: none
  std::uint64_t keep_alive_end_ = 0;
};

}  // namespace dioh
