#include "migration/channel/main_channel.h"

#include <cerrno>
#include <cinttypes>
#include <cstring>

#include "migration/channel/io_errors.h"

namespace mrm::channel {

dioh::Result<std::unique_ptr<MainChannelWriter>> MainChannelWriter::Start(std::unique_ptr<File> file, uint64_t start) {
  dioh::Status truncated = file->Truncate(start);
  if (!truncated.ok()) {
    // file.c:file_start_outgoing_migration
    return dioh::Status::Error(truncated.code(), format::StringPrintf("failed to truncate migration file to offset %" PRIx64 ": %s",
                                                                      start, std::strerror(truncated.code())));
  }
  return std::unique_ptr<MainChannelWriter>(new MainChannelWriter(std::move(file), start));
}

dioh::Status MainChannelWriter::WriteFully(const uint8_t* data, size_t len, uint64_t offset) {
  while (len > 0) {
    auto n = file_->PWrite(data, len, offset);
    // QEMUFile (qemu_fflush, qemu_put_buffer_at) reports QEMU's text; where
    // it failed is the detail.
    const int err = !n.ok() ? n.status().code() : *n == 0 ? EIO : 0;
    if (err != 0) {
      error_detail_ = format::StringPrintf("main channel: pwrite of 0x%zx bytes at 0x%" PRIx64 ": %s", len, offset,
                                           n.ok() ? "wrote nothing" : std::strerror(err));
      return dioh::Status::Error(err, UnableToWriteToFile(err));
    }
    data += *n;
    len -= *n;
    offset += *n;
  }
  return dioh::Status::Ok();
}

void MainChannelWriter::Put(std::span<const uint8_t> bytes) {
  if (!status_.ok()) return;
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  if (buffer_.size() >= kBufferSize) status_ = Flush();
}

dioh::Status MainChannelWriter::Flush() {
  if (!status_.ok()) return status_;
  if (buffer_.empty()) return dioh::Status::Ok();
  status_ = WriteFully(buffer_.data(), buffer_.size(), flushed_to_);
  flushed_to_ += buffer_.size();
  buffer_.clear();
  return status_;
}

dioh::Status MainChannelWriter::SetOffset(uint64_t offset) {
  DIOH_RETURN_IF_ERROR(Flush());
  flushed_to_ = offset;
  return dioh::Status::Ok();
}

dioh::Status MainChannelWriter::PutAt(std::span<const uint8_t> bytes, uint64_t offset) {
  DIOH_RETURN_IF_ERROR(Flush());
  status_ = WriteFully(bytes.data(), bytes.size(), offset);
  return status_;
}

dioh::Result<std::unique_ptr<FileByteSource>> FileByteSource::Open(std::unique_ptr<File> file) {
  auto size = file->Size();
  if (!size.ok()) return size.status();
  return std::unique_ptr<FileByteSource>(new FileByteSource(std::move(file), *size));
}

dioh::Status FileByteSource::ReadAt(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    auto n = file_->PRead(out.data() + done, out.size() - done, offset + done);
    if (!n.ok()) return n.status();
    if (*n == 0) return dioh::Status::Error(EIO, "unexpected end of file at " + std::to_string(offset + done));
    done += *n;
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::channel
