// Q35Layout: how a scenario's guest RAM blocks become a real QEMU machine
// (-machine q35), and where each page of each block sits in the guest's
// physical address space, so that the harness can write it (qtest, the
// loader device) and read it back (pmemsave). Pure: no process, no I/O.
//
// What QEMU 10.0 builds (checked on Debian's 10.0.2, see ENGINES.md):
//   pc.ram    -m SIZE; below 4 GiB up to pc_q35_init()'s split, the rest at 4 GiB
//   vga.vram  -device isa-vga,vgamem_mb=M (M a power of two, 1..512): the
//             linear framebuffer at 0xe0000000, the block named plainly "vga.vram"
// pc.ram's pages in 0xa0000-0xfffff are QEMU's (VGA window, option ROMs and
// the BIOS shadow): never written, never compared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "migration/ram/host_ram.h"

namespace dioh {

class Q35Layout {
 public:
  static constexpr std::uint64_t kLegacyHoleBegin = 0xa0000;   // pc.ram pages QEMU owns
  static constexpr std::uint64_t kLegacyHoleEnd = 0x100000;
  static constexpr std::uint64_t kVramAddress = 0xe0000000;    // isa-vga's framebuffer

  // The layout of `blocks`, or why QEMU cannot build it (the scenario then
  // skips on QEMU with that reason): a block other than pc.ram and vga.vram,
  // pc.ram missing or not a whole number of MiB, vga.vram not a power of
  // two from 1 to 512 MiB.
  static Result<Q35Layout> For(const std::vector<mrm::ram::RamBlockSpec>& blocks);

  // -m and the devices, after "-machine q35" ("-m", "256M", "-device", "isa-vga,vgamem_mb=16").
  std::vector<std::string> MachineArgs() const;

  // The guest-physical address of byte `offset` of block `idstr`, or none
  // where QEMU owns the page (the legacy hole).
  std::optional<std::uint64_t> AddressOf(const std::string& idstr, std::uint64_t offset) const;
  // Why a page AddressOf() refuses is not the harness's ("0xa0000-0xfffff of
  // pc.ram: QEMU's VGA window, option ROM and BIOS shadow").
  static std::string OwnedByQemuReason();

  // Contiguous guest-physical ranges of a block, holes left out: what the
  // harness writes and reads back, in block order.
  struct Range {
    std::string idstr;
    std::uint64_t block_offset = 0;
    std::uint64_t address = 0;
    std::uint64_t length = 0;
  };
  std::vector<Range> Ranges() const;

  std::uint64_t ram_bytes() const { return ram_bytes_; }
  std::uint64_t vram_bytes() const { return vram_bytes_; }  // 0: no VGA

 private:
  Q35Layout(std::uint64_t ram, std::uint64_t vram) : ram_bytes_(ram), vram_bytes_(vram) {}
  std::uint64_t LowMemory() const;

  std::uint64_t ram_bytes_ = 0;
  std::uint64_t vram_bytes_ = 0;
};

}  // namespace dioh
