#include "fs/diocheck/diofs_mount.h"

#include <cstring>

namespace diocheck {
namespace {

// Splits off the next space-separated field of `rest`.
std::string_view NextField(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const size_t end = rest.find(' ');
  const std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

bool ParseUnsigned(std::string_view text, unsigned& value) {
  if (text.empty() || text.size() > 9) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::optional<MountinfoEntry> ParseMountinfoLine(std::string_view line) {
  MountinfoEntry entry;
  std::string_view rest = line;
  NextField(rest);  // mount ID
  NextField(rest);  // parent ID
  const std::string_view device = NextField(rest);
  const size_t colon = device.find(':');
  if (colon == std::string_view::npos || !ParseUnsigned(device.substr(0, colon), entry.major) ||
      !ParseUnsigned(device.substr(colon + 1), entry.minor)) {
    return std::nullopt;
  }
  entry.root = NextField(rest);
  entry.mount_point = NextField(rest);
  // Skip the mount options and the optional fields up to the "-" separator.
  for (std::string_view field = NextField(rest); field != "-"; field = NextField(rest)) {
    if (field.empty()) return std::nullopt;
  }
  entry.fstype = NextField(rest);
  if (entry.root.empty() || entry.mount_point.empty() || entry.fstype.empty()) return std::nullopt;
  return entry;
}

bool UnescapeMountPath(std::string_view escaped, char* out, size_t capacity) {
  size_t size = 0;
  for (size_t i = 0; i < escaped.size(); ++i) {
    char c = escaped[i];
    if (c == '\\' && i + 3 < escaped.size() && IsOctal(escaped[i + 1]) && IsOctal(escaped[i + 2]) && IsOctal(escaped[i + 3])) {
      c = static_cast<char>(((escaped[i + 1] - '0') << 6) | ((escaped[i + 2] - '0') << 3) |
                            (escaped[i + 3] - '0'));
      i += 3;
    }
    if (size + 1 >= capacity) return false;
    out[size++] = c;
  }
  if (size >= capacity) return false;
  out[size] = '\0';
  return true;
}

bool FindDiofsMountPoint(int table_fd, ReadFunction read_fn, unsigned major, unsigned minor,
                         char* out, size_t capacity) {
  char buffer[8192];
  size_t filled = 0;
  bool skipping_long_line = false;
  bool at_end = false;
  while (true) {
    if (!at_end) {
      const ssize_t got = read_fn(table_fd, buffer + filled, sizeof(buffer) - filled);
      if (got < 0) return false;
      if (got == 0) at_end = true;
      filled += static_cast<size_t>(got);
    }
    size_t start = 0;
    while (start < filled) {
      const void* newline = std::memchr(buffer + start, '\n', filled - start);
      if (!newline && !at_end) break;  // incomplete line: read more first
      const size_t end = newline ? static_cast<size_t>(static_cast<const char*>(newline) - buffer) : filled;
      if (skipping_long_line) {
        skipping_long_line = false;
      } else {
        const auto entry = ParseMountinfoLine(std::string_view(buffer + start, end - start));
        if (entry && entry->fstype == kDiofsFsType && entry->major == major &&
            entry->minor == minor && entry->root == "/") {
          return UnescapeMountPath(entry->mount_point, out, capacity);
        }
      }
      start = end + 1;
    }
    if (at_end) return false;
    if (start == 0 && filled == sizeof(buffer)) {
      // One line fills the whole buffer: drop what we have and the rest of it.
      skipping_long_line = true;
      filled = 0;
      continue;
    }
    std::memmove(buffer, buffer + start, filled - start);
    filled -= start;
  }
}

std::optional<uint64_t> ParseProfileMemAlign(std::string_view json) {
  static constexpr std::string_view kKey = "\"mem_align\"";
  const size_t key = json.find(kKey);
  if (key == std::string_view::npos) return std::nullopt;
  std::string_view rest = json.substr(key + kKey.size());
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  if (rest.empty() || rest.front() != ':') return std::nullopt;
  rest.remove_prefix(1);
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  uint64_t value = 0;
  size_t digits = 0;
  while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
    if (digits == 18) return std::nullopt;  // absurdly large
    value = value * 10 + static_cast<uint64_t>(rest[digits] - '0');
    ++digits;
  }
  if (digits == 0 || value == 0) return std::nullopt;
  return value;
}

}  // namespace diocheck
