// RamExpectation: what the guest's RAM must hold at the end of the save,
// page by page, whoever the engine is. For mrmigrate it is the seed model
// itself (SeedRamExpectation); for a real QEMU, the same model as the harness
// wrote it into the guest, less what QEMU owns (harness/qemu/qemu_guest_ram.h).
// The RAM checks read only this, so they judge both engines alike.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/status/status.h"
#include "migration/ram/page_content.h"

namespace dioh {

class RamExpectation {
 public:
  virtual ~RamExpectation() = default;
  // The blocks the harness knows (the scenario's idstr, size in bytes). The
  // other functions take these names; details name them too.
  virtual std::vector<std::pair<std::string, std::uint64_t>> Blocks() const = 0;
  // How the engine names the scenario's block `block` in the file: QEMU
  // names a device's RAM after the device ("0000:00:01.0/vga.vram" for
  // vga.vram); mrmigrate as the scenario does.
  virtual std::string FileIdstr(const std::string& block) const { return block; }
  // A block in the file (by its file idstr) that the harness does not know,
  // but the engine may make (QEMU's ROM blocks): left out of the
  // comparison, named in its detail.
  virtual bool EngineOwnsBlock(const std::string& file_idstr) const = 0;
  // A page the harness cannot set (QEMU's 0xa0000-0xfffff): never compared.
  virtual bool Compared(const std::string& idstr, std::uint64_t page) const = 0;
  virtual bool ExpectedZero(const std::string& idstr, std::uint64_t page) const = 0;
  // OK, or an error naming the block, the page and the first differing byte.
  virtual Status Verify(const std::string& idstr, std::uint64_t page, const std::uint8_t* actual) const = 0;
  // The model pass whose content is final ("after pass 2").
  virtual std::uint32_t LastPass() const = 0;
  // What is left out, for the checks' details ("" when nothing is).
  virtual std::string LeftOut() const = 0;
};

// mrmigrate's guest: every page of every block is the seed model's.
class SeedRamExpectation : public RamExpectation {
 public:
  SeedRamExpectation(mrm::ram::ContentSpec content, std::vector<std::pair<std::string, std::uint64_t>> blocks,
                     std::uint32_t passes)
      : content_(content), blocks_(std::move(blocks)), last_pass_(passes == 0 ? 0 : passes - 1) {}

  std::vector<std::pair<std::string, std::uint64_t>> Blocks() const override { return blocks_; }
  bool EngineOwnsBlock(const std::string&) const override { return false; }
  bool Compared(const std::string&, std::uint64_t) const override { return true; }
  bool ExpectedZero(const std::string& idstr, std::uint64_t page) const override {
    return mrm::ram::IsZeroVersion(content_, idstr, page, mrm::ram::CurrentVersion(content_, idstr, page, last_pass_));
  }
  Status Verify(const std::string& idstr, std::uint64_t page, const std::uint8_t* actual) const override {
    return mrm::ram::VerifyPage(content_, idstr, page, last_pass_, actual);
  }
  std::uint32_t LastPass() const override { return last_pass_; }
  std::string LeftOut() const override { return ""; }

 private:
  mrm::ram::ContentSpec content_;
  std::vector<std::pair<std::string, std::uint64_t>> blocks_;
  std::uint32_t last_pass_;
};

// The destination's RAM after a load, as the harness read it back (QEMU's
// pmemsave into files): contiguous pieces of blocks.
struct LoadedRamPiece {
  std::string idstr;
  std::uint64_t block_offset = 0;  // bytes
  std::uint64_t length = 0;        // bytes, whole pages
  std::string path;                // the dump
};

}  // namespace dioh
