#include "migration/ram/host_ram.h"

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace mrm::ram {

dioh::Result<std::vector<RamBlockSpec>> ParseRamSpec(std::string_view text) {
  std::vector<RamBlockSpec> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0) {
      return dioh::Status::Error(EINVAL, "RAM block '" + std::string(item) + "' is not NAME=SIZE");
    }
    std::string_view size = item.substr(eq + 1);
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), value);
    const std::string_view suffix(end, static_cast<size_t>(size.data() + size.size() - end));
    int shift = -1;
    if (suffix.empty() || suffix == "B") shift = 0;
    else if (suffix == "K" || suffix == "k") shift = 10;
    else if (suffix == "M") shift = 20;
    else if (suffix == "G") shift = 30;
    else if (suffix == "T") shift = 40;
    if (ec != std::errc() || shift < 0 || value == 0 || value > (uint64_t{1} << (62 - shift))) {
      return dioh::Status::Error(EINVAL, "RAM block size '" + std::string(size) + "' is not a size like 64M");
    }
    value <<= shift;
    if (value % kPageSize != 0) {
      return dioh::Status::Error(EINVAL, "RAM block " + std::string(item.substr(0, eq)) + " size " +
                                             std::to_string(value) + " is not a multiple of 4096");
    }
    if (eq > 255) return dioh::Status::Error(EINVAL, "RAM block idstr longer than 255 bytes");
    out.push_back({std::string(item.substr(0, eq)), value});
  }
  if (out.empty()) return dioh::Status::Error(EINVAL, "no RAM block given");
  return out;
}

dioh::Result<HostRam> HostRam::Allocate(const std::vector<RamBlockSpec>& specs, uint64_t misalign_bytes) {
  HostRam ram;
  for (const RamBlockSpec& s : specs) {
    if (s.used_length == 0 || s.used_length % kPageSize != 0) {
      return dioh::Status::Error(EINVAL, "RAM block " + s.idstr + " length is not a multiple of 4096");
    }
    void* mem = std::aligned_alloc(kPageSize, s.used_length + (misalign_bytes ? kPageSize : 0));
    if (mem == nullptr) return dioh::Status::Error(ENOMEM, "cannot allocate RAM block " + s.idstr);
    std::shared_ptr<void> owner(mem, std::free);
    std::memset(mem, 0, s.used_length);
    ram.blocks_.emplace_back(s.idstr, s.used_length, static_cast<uint8_t*>(mem) + misalign_bytes, owner);
  }
  return ram;
}

uint64_t HostRam::total_length() const {
  uint64_t total = 0;
  for (const RamBlock& b : blocks_) total += b.used_length();
  return total;
}

std::vector<std::vector<uint64_t>> HostRam::ApplyPass(const ContentSpec& spec, uint32_t pass) {
  std::vector<std::vector<uint64_t>> dirtied(blocks_.size());
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const RamBlock& b = blocks_[i];
    for (uint64_t p = 0; p < b.pages(); ++p) {
      if (!IsDirtiedAt(spec, b.idstr(), p, pass)) continue;
      FillExpectedPage(spec, b.idstr(), p, pass, b.page(p));
      dirtied[i].push_back(p);
    }
  }
  return dirtied;
}

void HostRam::Clear() {
  for (const RamBlock& b : blocks_) std::memset(b.host(), 0, b.used_length());
}

dioh::Status HostRam::Verify(const ContentSpec& spec, uint32_t pass) const {
  for (const RamBlock& b : blocks_) {
    for (uint64_t p = 0; p < b.pages(); ++p) DIOH_RETURN_IF_ERROR(VerifyPage(spec, b.idstr(), p, pass, b.page(p)));
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::ram
