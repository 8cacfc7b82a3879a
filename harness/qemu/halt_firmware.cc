#include "harness/qemu/halt_firmware.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/status/status.h"

namespace dioh {

std::vector<std::byte> HaltFirmware() {
  std::vector<std::byte> image(64 * 1024);
  // x86 reset: CS:IP = F000:FFF0, the last 16 bytes of the BIOS image.
  constexpr std::size_t kResetVector = 0xFFF0;
  const unsigned char code[] = {0xFA, 0xF4, 0xEB, 0xFD};  // cli; hlt; jmp back to the hlt
  for (std::size_t i = 0; i < sizeof code; ++i) image[kResetVector + i] = static_cast<std::byte>(code[i]);
  return image;
}

Status WriteHaltFirmware(const std::string& path) {
  const std::vector<std::byte> image = HaltFirmware();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(errno, "firmware " + path);
  const ssize_t n = write(fd, image.data(), image.size());
  const Status status = n == static_cast<ssize_t>(image.size()) ? Status::Ok() : ErrnoStatus(errno, "firmware " + path);
  close(fd);
  return status;
}

}  // namespace dioh
