// Guest RAM as the engine sees it: named blocks of page-aligned host memory
// (QEMU's RAMBlock idstr/used_length/host), filled from a ContentSpec.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "migration/ram/page_content.h"

namespace mrm::ram {

struct RamBlockSpec {
  std::string idstr;
  uint64_t used_length = 0;  // a multiple of kPageSize
};

// "pc.ram=1G,vga.vram=16M" (K/M/G/T suffixes, powers of 1024). idstr may hold
// '/' and '@' like QEMU's "/rom@etc/acpi/tables".
dioh::Result<std::vector<RamBlockSpec>> ParseRamSpec(std::string_view text);

class RamBlock {
 public:
  RamBlock(std::string idstr, uint64_t used_length, uint8_t* host, std::shared_ptr<void> allocation)
      : idstr_(std::move(idstr)), used_length_(used_length), host_(host), allocation_(std::move(allocation)) {}
  const std::string& idstr() const { return idstr_; }
  uint64_t used_length() const { return used_length_; }
  uint64_t pages() const { return used_length_ / kPageSize; }
  uint8_t* host() const { return host_; }
  uint8_t* page(uint64_t index) const { return host_ + index * kPageSize; }

 private:
  std::string idstr_;
  uint64_t used_length_;
  uint8_t* host_;
  std::shared_ptr<void> allocation_;
};

class HostRam {
 public:
  // Page-aligned (4096) memory per block; `misalign_bytes` shifts each block
  // off that alignment (x-inject misaligned-page-buffers).
  static dioh::Result<HostRam> Allocate(const std::vector<RamBlockSpec>& specs, uint64_t misalign_bytes = 0);

  std::vector<RamBlock>& blocks() { return blocks_; }
  const std::vector<RamBlock>& blocks() const { return blocks_; }
  uint64_t total_length() const;

  // Writes the content of pass `pass` into every page dirtied at that pass
  // (all pages at pass 0) and returns, per block, the pages it rewrote.
  std::vector<std::vector<uint64_t>> ApplyPass(const ContentSpec& spec, uint32_t pass);
  // Zeroes every page (a destination before loading).
  void Clear();
  // First page that differs from the content after `pass`, as an error.
  dioh::Status Verify(const ContentSpec& spec, uint32_t pass) const;

 private:
  std::vector<RamBlock> blocks_;
};

}  // namespace mrm::ram
