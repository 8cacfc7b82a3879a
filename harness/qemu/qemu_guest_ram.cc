#include "harness/qemu/qemu_guest_ram.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

#include "harness/qemu/qtest_client.h"

namespace dioh {
namespace {

using mrm::ram::kPageSize;
constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kKeepAliveMax = 64 * kMiB;

std::string Hex(std::uint64_t value) { return QtestClient::Hex(value); }

}  // namespace

QemuGuestRam::QemuGuestRam(Q35Layout layout, std::vector<mrm::ram::RamBlockSpec> blocks,
                           mrm::ram::ContentSpec content, std::uint32_t passes)
    : layout_(std::move(layout)), blocks_(std::move(blocks)), content_(content), passes_(std::max(passes, 1u)) {}

Result<QemuGuestRam> QemuGuestRam::For(const std::string& ram_spec, mrm::ram::ContentSpec content,
                                       std::uint32_t passes) {
  auto blocks = mrm::ram::ParseRamSpec(ram_spec);
  if (!blocks.ok()) return blocks.status();
  auto plain = Q35Layout::For(*blocks);
  if (!plain.ok()) return plain.status();
  // A pass over it lasts about as long as over a quarter of pc.ram.
  const std::uint64_t keep_alive =
      passes > 1 ? std::clamp(std::bit_floor(plain->ram_bytes() / 4), kMiB, kKeepAliveMax) : 0;
  auto layout = Q35Layout::For(*blocks, keep_alive);
  if (!layout.ok()) return layout.status();
  return QemuGuestRam(std::move(*layout), std::move(*blocks), content, passes);
}

std::vector<std::pair<std::string, std::uint64_t>> QemuGuestRam::Blocks() const {
  std::vector<std::pair<std::string, std::uint64_t>> known;
  for (const mrm::ram::RamBlockSpec& b : blocks_) known.emplace_back(b.idstr, b.used_length);
  return known;
}

bool QemuGuestRam::EngineOwnsBlock(const std::string& file_idstr) const {
  for (const mrm::ram::RamBlockSpec& b : blocks_) {
    if (FileIdstr(b.idstr) == file_idstr) return false;
  }
  return true;  // QEMU's ROMs (pc.bios, pc.rom, /rom@etc/acpi/tables, ...) and the keep-alive block
}

bool QemuGuestRam::Compared(const std::string& idstr, std::uint64_t page) const {
  return KindOf(idstr, page) != PageKind::kOwnedByQemu;
}

bool QemuGuestRam::ExpectedZero(const std::string& idstr, std::uint64_t page) const {
  return ExpectedZero(idstr, page, LastPass());
}

Status QemuGuestRam::Verify(const std::string& idstr, std::uint64_t page, const std::uint8_t* actual) const {
  return mrm::ram::VerifyPage(content_, idstr, page, LastPass(), actual);
}

std::string QemuGuestRam::LeftOut() const {
  std::string text = Q35Layout::OwnedByQemuReason();
  if (layout_.keep_alive_bytes() != 0) {
    text += "; " + KeepAliveText() + ": the harness's, rewritten to keep QEMU iterating";
  }
  return text;
}

std::uint64_t QemuGuestRam::DataBytes() const {
  std::uint64_t bytes = 0;
  for (const Q35Layout::Range& range : layout_.Ranges()) {
    for (std::uint64_t done = 0; done < range.length; done += kPageSize) {
      if (!ExpectedZero(range.idstr, (range.block_offset + done) / kPageSize, 0)) bytes += kPageSize;
    }
  }
  return bytes;
}

QemuGuestRam::PageKind QemuGuestRam::KindOf(const std::string& idstr, std::uint64_t page) const {
  return layout_.AddressOf(idstr, page * kPageSize) ? PageKind::kModel : PageKind::kOwnedByQemu;
}

void QemuGuestRam::ExpectedPage(const std::string& idstr, std::uint64_t page, std::uint32_t pass,
                                std::uint8_t* out) const {
  if (KindOf(idstr, page) == PageKind::kOwnedByQemu) {
    std::memset(out, 0, kPageSize);  // never written by the harness
    return;
  }
  mrm::ram::FillExpectedPage(content_, idstr, page, pass, out);
}

bool QemuGuestRam::ExpectedZero(const std::string& idstr, std::uint64_t page, std::uint32_t pass) const {
  if (KindOf(idstr, page) == PageKind::kOwnedByQemu) return true;
  return mrm::ram::IsZeroVersion(content_, idstr, page, mrm::ram::CurrentVersion(content_, idstr, page, pass));
}

std::string QemuGuestRam::KeepAliveText() const {
  if (layout_.keep_alive_bytes() == 0) return "";
  return std::string("keep-alive block ") + Q35Layout::kKeepAliveBlock + " (" +
         std::to_string(layout_.keep_alive_bytes() / kMiB) + " MiB, secondary-vga)";
}

Result<std::vector<std::string>> QemuGuestRam::WriteLoaderImages(const std::string& dir) const {
  std::vector<std::string> args;
  std::vector<std::uint8_t> page(kPageSize);
  std::size_t index = 0;
  for (const Q35Layout::Range& range : layout_.Ranges()) {
    if (!range.mapped_at_reset) continue;  // SetupCommands() writes it
    const std::string path = dir + "/ram-" + std::to_string(index++) + ".img";
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus(errno, "RAM image " + path);
    Status status;
    // Zero pages stay holes: the image costs what the data does.
    for (std::uint64_t done = 0; done < range.length && status.ok(); done += kPageSize) {
      const std::uint64_t index_in_block = (range.block_offset + done) / kPageSize;
      if (ExpectedZero(range.idstr, index_in_block, 0)) continue;
      ExpectedPage(range.idstr, index_in_block, 0, page.data());
      if (pwrite(fd, page.data(), kPageSize, static_cast<off_t>(done)) != static_cast<ssize_t>(kPageSize)) {
        status = ErrnoStatus(errno, "RAM image " + path);
      }
    }
    if (status.ok() && ftruncate(fd, static_cast<off_t>(range.length)) != 0) status = ErrnoStatus(errno, "RAM image " + path);
    close(fd);
    DIOH_RETURN_IF_ERROR(status);
    args.insert(args.end(), {"-device", "loader,file=" + path + ",addr=" + Hex(range.address) + ",force-raw=on"});
  }
  return args;
}

std::vector<std::string> QemuGuestRam::SetupCommands() const {
  std::vector<std::string> commands = layout_.PciSetupCommands();
  for (const Q35Layout::Range& range : layout_.Ranges()) {
    if (!range.mapped_at_reset) AppendRangeCommands(range, 0, false, commands);
  }
  return commands;
}

void QemuGuestRam::AppendRangeCommands(const Q35Layout::Range& range, std::uint32_t pass, bool dirtied_only,
                                       std::vector<std::string>& commands) const {
  std::vector<std::byte> run;  // adjacent data pages, written as one
  std::uint64_t run_address = 0;
  const auto flush = [&] {
    for (std::string& c : QtestClient::WriteCommands(run_address, run)) commands.push_back(std::move(c));
    run.clear();
  };
  for (std::uint64_t done = 0; done < range.length; done += kPageSize) {
    const std::uint64_t page = (range.block_offset + done) / kPageSize;
    if (KindOf(range.idstr, page) != PageKind::kModel) continue;
    if (dirtied_only && !mrm::ram::IsDirtiedAt(content_, range.idstr, page, pass)) continue;
    const bool zero = ExpectedZero(range.idstr, page, pass);
    if (zero && !dirtied_only) continue;  // RAM starts zero
    const std::uint64_t address = range.address + done;
    if (!run.empty() && (address != run_address + run.size() || run.size() >= QtestClient::kMaxWrite)) flush();
    if (zero) {
      if (!run.empty()) flush();
      commands.push_back(QtestClient::FillCommand(address, kPageSize, 0));
      continue;
    }
    if (run.empty()) run_address = address;
    run.resize(run.size() + kPageSize);
    ExpectedPage(range.idstr, page, pass, reinterpret_cast<std::uint8_t*>(run.data() + run.size() - kPageSize));
  }
  if (!run.empty()) flush();
}

std::vector<std::string> QemuGuestRam::PassCommands(std::uint32_t pass) const {
  std::vector<std::string> commands;
  for (const Q35Layout::Range& range : layout_.Ranges()) AppendRangeCommands(range, pass, true, commands);
  return commands;
}

std::vector<std::string> QemuGuestRam::KeepAliveCommands() const {
  std::vector<std::string> commands;
  for (std::uint64_t offset = 0; offset < layout_.keep_alive_bytes(); offset += kMiB) {
    commands.push_back(
        QtestClient::FillCommand(Q35Layout::kKeepAliveAddress + offset, kMiB, KeepAliveByte(offset / kMiB)));
  }
  return commands;
}

}  // namespace dioh
