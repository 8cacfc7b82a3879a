#include "fs/core/passthrough_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace diofs {

dioh::Status Errno(std::string_view what, std::string_view path) {
  const int code = errno;
  return dioh::Status::Error(code, std::string(what) + " " + std::string(path));
}

NodeAttr FromStat(const struct stat& st) {
  NodeAttr attr;
  attr.mode = st.st_mode;
  attr.size = static_cast<std::uint64_t>(st.st_size);
  attr.blocks = static_cast<std::uint64_t>(st.st_blocks);
  attr.nlink = static_cast<std::uint32_t>(st.st_nlink);
  attr.uid = st.st_uid;
  attr.gid = st.st_gid;
  attr.atime = st.st_atim;
  attr.mtime = st.st_mtim;
  attr.ctime = st.st_ctim;
  attr.key = NodeKey{st.st_dev, st.st_ino};
  return attr;
}

dioh::Result<std::size_t> PassthroughFile::ReadAt(std::uint64_t offset, std::span<std::byte> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = pread(fd_.get(), out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("read", path_);
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

dioh::Result<std::size_t> PassthroughFile::WriteAt(std::uint64_t offset, std::span<const std::byte> data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = pwrite(fd_.get(), data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      if (done > 0) break;  // report what was written, as write(2) does
      return Errno("write", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  return done;
}

dioh::Status PassthroughFile::Allocate(int mode, std::uint64_t offset, std::uint64_t length) {
  if (fallocate(fd_.get(), mode, static_cast<off_t>(offset), static_cast<off_t>(length)) != 0) {
    return Errno("fallocate", path_);
  }
  return dioh::Status::Ok();
}

dioh::Status PassthroughFile::Resize(std::uint64_t size) {
  if (ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) return Errno("truncate", path_);
  return dioh::Status::Ok();
}

dioh::Status PassthroughFile::Sync(bool data_only) {
  if ((data_only ? fdatasync(fd_.get()) : fsync(fd_.get())) != 0) return Errno("fsync", path_);
  return dioh::Status::Ok();
}

dioh::Result<NodeAttr> PassthroughFile::Stat() {
  struct stat st {};
  if (fstat(fd_.get(), &st) != 0) return Errno("stat", path_);
  return FromStat(st);
}

dioh::Status PassthroughFile::RemoveSetIdBits(const Credentials& writer) {
  if (writer.privileged()) return dioh::Status::Ok();
  struct stat st {};
  if (fstat(fd_.get(), &st) != 0) return Errno("stat", path_);
  // diofs writes as its own user (root, holding CAP_FSETID), so the host
  // kernel keeps the bits: diofs drops them for the caller.
  if (auto kept = ModeAfterWrite(st.st_mode, writer); kept && fchmod(fd_.get(), *kept & 07777) != 0) {
    return Errno("chmod", path_);
  }
  return dioh::Status::Ok();
}

}  // namespace diofs
