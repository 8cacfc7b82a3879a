// Q35Layout: how a scenario's guest RAM blocks become a real QEMU machine
// (-machine q35), and where each page of each block sits in the guest's
// physical address space, so that the harness can write it (qtest, the
// loader device) and read it back (pmemsave). Pure: no process, no I/O.
//
// What QEMU 10.0 builds (checked on Debian's 10.0.2, see ENGINES.md):
//   pc.ram     -m SIZE; below 4 GiB up to pc_q35_init()'s split, the rest at 4 GiB
//   vga.vram   -device VGA,vgamem_mb=M,romfile=,addr=01.0 (M a power of two,
//              1..512): PCI VGA in slot 1, so QEMU names the block
//              "0000:00:01.0/vga.vram"; its BAR 0 is programmed through qtest
//              (PciSetupCommands) to kVramAddress. Not isa-vga: its vmstate
//              is laid over the wrong struct and the destination crashes in
//              about half of the saved files (ENGINES.md, "Findings").
//   keep-alive for a live save only: the harness's own RAM block, rewritten
//              during the save so QEMU keeps iterating; not a scenario block.
//              -device secondary-vga,vgamem_mb=K,addr=02.0 (no legacy VGA
//              window or ports, no ROM), block "0000:00:02.0/vga.vram", BAR 0
//              at kKeepAliveAddress. (A pc-dimm was tried first: QEMU 10.0.2
//              aborts in tlb_reset_dirty_range_all() when qtest writes to it
//              during a save.)
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
  // VGA's BAR 0: above q35's MMCONFIG (0xb0000000-0xbfffffff) and aligned
  // for every vram size up to 512 MiB, which then ends at 0xe0000000.
  static constexpr std::uint64_t kVramAddress = 0xc0000000;
  static constexpr std::uint64_t kKeepAliveAddress = 0xe0000000;  // ends by 0xe4000000
  static constexpr const char* kVgaPciAddress = "0000:00:01.0";    // -device VGA,...,addr=01.0
  static constexpr const char* kKeepAliveBlock = "0000:00:02.0/vga.vram";  // secondary-vga,addr=02.0

  // The layout of `blocks` (plus a keep-alive block of `keep_alive_bytes`:
  // a power of two from 1 to 64 MiB, 0: none), or why QEMU cannot build it (the scenario then
  // skips on QEMU with that reason): a block other than pc.ram and vga.vram,
  // pc.ram missing or not a whole number of MiB, vga.vram not a power of
  // two from 1 to 512 MiB.
  static Result<Q35Layout> For(const std::vector<mrm::ram::RamBlockSpec>& blocks, std::uint64_t keep_alive_bytes = 0);

  // -m and the devices, after "-machine q35" ("-m", "256M", "-device", "VGA,vgamem_mb=16,romfile=,addr=01.0").
  std::vector<std::string> MachineArgs() const;
  // The qtest commands that map vga.vram at kVramAddress and the keep-alive
  // block at kKeepAliveAddress (PCI config space through ports 0xcf8/0xcfc:
  // BAR 0, then memory decoding on): needed before anything reads or writes
  // them on a machine that booted; a destination gets them from the
  // migrated PCI config. Empty without either.
  std::vector<std::string> PciSetupCommands() const;
  // How QEMU names the scenario's block `block` in its RAM block list (and
  // so in the migration file): "vga.vram" -> "0000:00:01.0/vga.vram".
  static std::string QemuIdstr(const std::string& block);

  // The guest-physical address of byte `offset` of block `idstr`, or none
  // where QEMU owns the page (the legacy hole).
  std::optional<std::uint64_t> AddressOf(const std::string& idstr, std::uint64_t offset) const;
  // Why a page AddressOf() refuses is not the harness's ("0xa0000-0xfffff of
  // pc.ram: QEMU's VGA window, option ROM and BIOS shadow").
  static std::string OwnedByQemuReason();

  // Contiguous guest-physical ranges of the scenario's blocks, holes left
  // out: what the harness writes and reads back, in block order.
  struct Range {
    std::string idstr;
    std::uint64_t block_offset = 0;
    std::uint64_t address = 0;
    std::uint64_t length = 0;
    // Mapped from reset, so a loader image can fill it; vram is mapped only
    // once its BAR is programmed.
    bool mapped_at_reset = true;
  };
  std::vector<Range> Ranges() const;

  std::uint64_t ram_bytes() const { return ram_bytes_; }
  std::uint64_t vram_bytes() const { return vram_bytes_; }  // 0: no VGA
  std::uint64_t keep_alive_bytes() const { return keep_alive_bytes_; }
 private:
  Q35Layout(std::uint64_t ram, std::uint64_t vram, std::uint64_t keep_alive)
      : ram_bytes_(ram), vram_bytes_(vram), keep_alive_bytes_(keep_alive) {}
  std::uint64_t LowMemory() const;

  std::uint64_t ram_bytes_ = 0;
  std::uint64_t vram_bytes_ = 0;
  std::uint64_t keep_alive_bytes_ = 0;
};

}  // namespace dioh
