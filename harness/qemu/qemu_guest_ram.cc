#include "harness/qemu/qemu_guest_ram.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "harness/qemu/qtest_client.h"

namespace dioh {
namespace {

using mrm::ram::kPageSize;
constexpr std::uint64_t kMiB = 1 << 20;
constexpr std::uint64_t kKeepAliveMax = 64 * kMiB;

std::string Hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

QemuGuestRam::QemuGuestRam(Q35Layout layout, std::vector<mrm::ram::RamBlockSpec> blocks,
                           mrm::ram::ContentSpec content, std::uint32_t passes)
    : layout_(std::move(layout)), blocks_(std::move(blocks)), content_(content), passes_(std::max(passes, 1u)) {
  if (passes_ == 1) return;
  // The top of the low range, which Q35Layout::Ranges() lists second.
  const Q35Layout::Range low = layout_.Ranges()[1];
  const std::uint64_t size = std::min(kKeepAliveMax, low.length / 4 / kMiB * kMiB);
  keep_alive_end_ = low.block_offset + low.length;
  keep_alive_begin_ = keep_alive_end_ - size;
}

Result<QemuGuestRam> QemuGuestRam::For(const std::string& ram_spec, mrm::ram::ContentSpec content,
                                       std::uint32_t passes) {
  auto blocks = mrm::ram::ParseRamSpec(ram_spec);
  if (!blocks.ok()) return blocks.status();
  auto layout = Q35Layout::For(*blocks);
  if (!layout.ok()) return layout.status();
  return QemuGuestRam(std::move(*layout), std::move(*blocks), content, passes);
}

std::vector<std::pair<std::string, std::uint64_t>> QemuGuestRam::Blocks() const {
  std::vector<std::pair<std::string, std::uint64_t>> known;
  for (const mrm::ram::RamBlockSpec& b : blocks_) known.emplace_back(b.idstr, b.used_length);
  return known;
}

bool QemuGuestRam::EngineOwnsBlock(const std::string& idstr) const {
  for (const mrm::ram::RamBlockSpec& b : blocks_) {
    if (b.idstr == idstr) return false;
  }
  return true;  // QEMU's ROMs: pc.bios, pc.rom, /rom@etc/acpi/tables, ...
}

bool QemuGuestRam::Compared(const std::string& idstr, std::uint64_t page) const {
  return KindOf(idstr, page) != PageKind::kOwnedByQemu;
}

bool QemuGuestRam::ExpectedZero(const std::string& idstr, std::uint64_t page) const {
  return ExpectedZero(idstr, page, LastPass());
}

Status QemuGuestRam::Verify(const std::string& idstr, std::uint64_t page, const std::uint8_t* actual) const {
  if (KindOf(idstr, page) == PageKind::kModel) return mrm::ram::VerifyPage(content_, idstr, page, LastPass(), actual);
  std::vector<std::uint8_t> expected(kPageSize);
  ExpectedPage(idstr, page, LastPass(), expected.data());
  const auto diff = std::mismatch(expected.begin(), expected.end(), actual);
  if (diff.first == expected.end()) return Status::Ok();
  return Status::Error(EIO, "RAM block " + idstr + " page " + std::to_string(page) + " differs at byte " +
                                std::to_string(diff.first - expected.begin()) + " (expected the " +
                                "keep-alive region's byte " + Hex(*diff.first) + ")");
}

std::string QemuGuestRam::LeftOut() const { return Q35Layout::OwnedByQemuReason(); }

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
  const std::uint64_t offset = page * kPageSize;
  if (!layout_.AddressOf(idstr, offset)) return PageKind::kOwnedByQemu;
  if (idstr == "pc.ram" && offset >= keep_alive_begin_ && offset < keep_alive_end_) return PageKind::kKeepAlive;
  return PageKind::kModel;
}

void QemuGuestRam::ExpectedPage(const std::string& idstr, std::uint64_t page, std::uint32_t pass,
                                std::uint8_t* out) const {
  switch (KindOf(idstr, page)) {
    case PageKind::kKeepAlive:
      std::memset(out, KeepAliveByte((page * kPageSize - keep_alive_begin_) / kMiB), kPageSize);
      return;
    case PageKind::kOwnedByQemu:  // never written by the harness
      std::memset(out, 0, kPageSize);
      return;
    case PageKind::kModel:
      mrm::ram::FillExpectedPage(content_, idstr, page, pass, out);
      return;
  }
}

bool QemuGuestRam::ExpectedZero(const std::string& idstr, std::uint64_t page, std::uint32_t pass) const {
  switch (KindOf(idstr, page)) {
    case PageKind::kKeepAlive: return false;
    case PageKind::kOwnedByQemu: return true;
    case PageKind::kModel: break;
  }
  return mrm::ram::IsZeroVersion(content_, idstr, page, mrm::ram::CurrentVersion(content_, idstr, page, pass));
}

std::string QemuGuestRam::KeepAliveText() const {
  if (keep_alive_begin_ == keep_alive_end_) return "";
  return "keep-alive pc.ram " + Hex(keep_alive_begin_) + "-" + Hex(keep_alive_end_) + " (" +
         std::to_string((keep_alive_end_ - keep_alive_begin_) / kMiB) + " MiB)";
}

Result<std::vector<std::string>> QemuGuestRam::WriteLoaderImages(const std::string& dir) const {
  std::vector<std::string> args;
  std::vector<std::uint8_t> page(kPageSize);
  std::size_t index = 0;
  for (const Q35Layout::Range& range : layout_.Ranges()) {
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

std::vector<std::string> QemuGuestRam::PassCommands(std::uint32_t pass) const {
  std::vector<std::string> commands;
  std::vector<std::byte> run;  // adjacent data pages, written as one
  std::uint64_t run_address = 0;
  const auto flush = [&] {
    for (std::string& c : QtestClient::WriteCommands(run_address, run)) commands.push_back(std::move(c));
    run.clear();
  };
  for (const Q35Layout::Range& range : layout_.Ranges()) {
    for (std::uint64_t done = 0; done < range.length; done += kPageSize) {
      const std::uint64_t page = (range.block_offset + done) / kPageSize;
      if (KindOf(range.idstr, page) != PageKind::kModel || !mrm::ram::IsDirtiedAt(content_, range.idstr, page, pass)) {
        continue;
      }
      const std::uint64_t address = range.address + done;
      if (!run.empty() && (address != run_address + run.size() || run.size() >= QtestClient::kMaxWrite)) flush();
      if (ExpectedZero(range.idstr, page, pass)) {
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
  return commands;
}

std::vector<std::string> QemuGuestRam::KeepAliveCommands() const {
  std::vector<std::string> commands;
  for (std::uint64_t offset = keep_alive_begin_; offset < keep_alive_end_; offset += kMiB) {
    commands.push_back(QtestClient::FillCommand(*layout_.AddressOf("pc.ram", offset), kMiB,
                                                KeepAliveByte((offset - keep_alive_begin_) / kMiB)));
  }
  return commands;
}

}  // namespace dioh
