#include "harness/qemu/q35_layout.h"

#include <cerrno>

#include "harness/qemu/qtest_client.h"

namespace dioh {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t k4GiB = 1ull << 32;
constexpr std::uint32_t kBar0 = 0x10;
constexpr std::uint32_t kCommand = 0x04;
constexpr std::uint32_t kMemoryAndIoDecode = 0x0003;  // PCI_COMMAND_IO | PCI_COMMAND_MEMORY

// PCI configuration mechanism #1: BAR 0 of bus 0, slot `slot`, function 0
// at `address`, then decoding on (the address of a register goes to port
// 0xcf8, its value through 0xcfc).
void MapBar0(std::uint32_t slot, std::uint64_t address, std::vector<std::string>& commands) {
  const std::uint32_t config = 0x80000000u | (slot << 11);
  commands.insert(commands.end(), {"outl 0xcf8 " + QtestClient::Hex(config | kBar0),
                                   "outl 0xcfc " + QtestClient::Hex(address),
                                   "outl 0xcf8 " + QtestClient::Hex(config | kCommand),
                                   "outw 0xcfc " + QtestClient::Hex(kMemoryAndIoDecode)});
}

Status CannotBuild(const std::string& why) { return Status::Error(ENOTSUP, "QEMU cannot build this guest: " + why); }

std::string Mib(std::uint64_t bytes) { return std::to_string(bytes / kMiB) + "M"; }

}  // namespace

Result<Q35Layout> Q35Layout::For(const std::vector<mrm::ram::RamBlockSpec>& blocks, std::uint64_t keep_alive_bytes) {
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
    return CannotBuild("vga.vram must be a power of two from 1M to 512M (VGA's vgamem_mb)");
  }
  if (keep_alive_bytes != 0 &&
      (keep_alive_bytes < kMiB || keep_alive_bytes > 64 * kMiB || (keep_alive_bytes & (keep_alive_bytes - 1)) != 0)) {
    return Status::Error(EINVAL, "keep-alive block of " + std::to_string(keep_alive_bytes) +
                                     " bytes: not a power of two from 1 to 64 MiB");
  }
  return Q35Layout(ram, vram, keep_alive_bytes);
}

std::vector<std::string> Q35Layout::MachineArgs() const {
  std::vector<std::string> args = {"-m", Mib(ram_bytes_)};
  if (vram_bytes_ != 0) {
    // romfile= : no VGA BIOS (the halting firmware would not run it), so no vga.rom block either.
    args.insert(args.end(), {"-device", "VGA,vgamem_mb=" + std::to_string(vram_bytes_ / kMiB) + ",romfile=,addr=01.0"});
  }
  if (keep_alive_bytes_ != 0) {
    args.insert(args.end(), {"-device", "secondary-vga,vgamem_mb=" + std::to_string(keep_alive_bytes_ / kMiB) +
                                            ",addr=02.0"});
  }
  return args;
}

std::vector<std::string> Q35Layout::PciSetupCommands() const {
  std::vector<std::string> commands;
  if (vram_bytes_ != 0) MapBar0(1, kVramAddress, commands);
  if (keep_alive_bytes_ != 0) MapBar0(2, kKeepAliveAddress, commands);
  return commands;
}

std::string Q35Layout::QemuIdstr(const std::string& block) {
  // qemu_ram_set_idstr(): a device's RAM is named "<its qdev path>/<name>".
  if (block == "vga.vram") return std::string(kVgaPciAddress) + "/vga.vram";
  return block;
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
  ranges.push_back({"pc.ram", 0, 0, kLegacyHoleBegin, true});
  ranges.push_back({"pc.ram", kLegacyHoleEnd, kLegacyHoleEnd, low - kLegacyHoleEnd, true});
  if (ram_bytes_ > low) ranges.push_back({"pc.ram", low, k4GiB, ram_bytes_ - low, true});
  if (vram_bytes_ != 0) ranges.push_back({"vga.vram", 0, kVramAddress, vram_bytes_, false});
  return ranges;
}

}  // namespace dioh
