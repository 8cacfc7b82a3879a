#include "harness/qemu/q35_layout.h"

#include <cerrno>

namespace dioh {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t k4GiB = 1ull << 32;

Status CannotBuild(const std::string& why) { return Status::Error(ENOTSUP, "QEMU cannot build this guest: " + why); }

}  // namespace

Result<Q35Layout> Q35Layout::For(const std::vector<mrm::ram::RamBlockSpec>& blocks) {
  std::uint64_t ram = 0, vram = 0;
  for (const mrm::ram::RamBlockSpec& block : blocks) {
    if (block.idstr == "pc.ram") {
      ram = block.used_length;
    } else if (block.idstr == "vga.vram") {
      vram = block.used_length;
    } else {
      return CannotBuild("no device makes a RAM block named '" + block.idstr + "' (pc.ram and vga.vram are supported)");
    }
  }
  if (ram == 0) return CannotBuild("pc.ram is missing (QEMU's -m)");
  if (ram % kMiB != 0 || ram < 2 * kMiB) return CannotBuild("pc.ram must be a whole number of MiB, at least 2");
  if (vram != 0 && (vram < kMiB || vram > 512 * kMiB || (vram & (vram - 1)) != 0)) {
    return CannotBuild("vga.vram must be a power of two from 1M to 512M (isa-vga's vgamem_mb)");
  }
  return Q35Layout(ram, vram);
}

std::vector<std::string> Q35Layout::MachineArgs() const {
  std::vector<std::string> args = {"-m", std::to_string(ram_bytes_ / kMiB) + "M"};
  if (vram_bytes_ != 0) {
    args.insert(args.end(), {"-device", "isa-vga,vgamem_mb=" + std::to_string(vram_bytes_ / kMiB)});
  }
  return args;
}

// pc_q35_init(): RAM below 4 GiB ends at 2 GiB when the guest has 2.75 GiB
// or more (the PCI hole and MMCONFIG take the rest), else at its size.
std::uint64_t Q35Layout::LowMemory() const {
  return ram_bytes_ >= 0xb0000000 ? 0x80000000 : ram_bytes_;
}

std::optional<std::uint64_t> Q35Layout::AddressOf(const std::string& idstr, std::uint64_t offset) const {
  if (idstr == "vga.vram") {
    if (offset >= vram_bytes_) return std::nullopt;
    return kVramAddress + offset;
  }
  if (idstr != "pc.ram" || offset >= ram_bytes_) return std::nullopt;
  if (offset >= kLegacyHoleBegin && offset < kLegacyHoleEnd) return std::nullopt;
  const std::uint64_t low = LowMemory();
  return offset < low ? offset : k4GiB + (offset - low);
}

std::string Q35Layout::OwnedByQemuReason() {
  return "0xa0000-0xfffff of pc.ram is QEMU's (VGA window, option ROM, BIOS shadow)";
}

std::vector<Q35Layout::Range> Q35Layout::Ranges() const {
  std::vector<Range> ranges;
  const std::uint64_t low = LowMemory();
  ranges.push_back({"pc.ram", 0, 0, kLegacyHoleBegin});
  ranges.push_back({"pc.ram", kLegacyHoleEnd, kLegacyHoleEnd, low - kLegacyHoleEnd});
  if (ram_bytes_ > low) ranges.push_back({"pc.ram", low, k4GiB, ram_bytes_ - low});
  if (vram_bytes_ != 0) ranges.push_back({"vga.vram", 0, kVramAddress, vram_bytes_});
  return ranges;
}

}  // namespace dioh
