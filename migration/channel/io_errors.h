// QEMU's texts for failed file I/O on a migration channel, so that
// query-migrate's error-desc reads as QEMU's (checked against QEMU 10.0.2
// through diofs: strict-64k gives "Unable to write to file: Invalid
// argument", a full disk "Unable to write to file: No space left on device",
// on a multifd channel and on the main channel alike). Where a failure
// happened (channel, offset, ramblock) is mrmigrate's detail: it goes to
// stderr, not into these texts.
#pragma once

#include <cstddef>
#include <string>

namespace mrm::channel {

// io/channel-file.c: qio_channel_file_pwritev / _writev: error_setg_errno(errp,
// errno, "Unable to write to file").
std::string UnableToWriteToFile(int err);
// io/channel-file.c: qio_channel_file_preadv / _readv.
std::string UnableToReadFromFile(int err);
// migration/qemu-file.c: qemu_put_buffer_at, a pwrite that came back short.
std::string PartialWrite(size_t written, size_t expected);
// util/osdep.c: qemu_create (an open with O_CREAT) and qemu_open.
std::string CouldNotCreate(const std::string& path, int err);
std::string CouldNotOpen(const std::string& path, int err);

}  // namespace mrm::channel
