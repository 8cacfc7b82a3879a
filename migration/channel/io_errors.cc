#include "migration/channel/io_errors.h"

#include <cstring>

namespace mrm::channel {
namespace {

// error_setg_errno appends ": " and strerror(errno).
std::string WithErrno(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

std::string UnableToWriteToFile(int err) { return WithErrno("Unable to write to file", err); }

std::string UnableToReadFromFile(int err) { return WithErrno("Unable to read from file", err); }

std::string PartialWrite(size_t written, size_t expected) {
  return "Partial write of size " + std::to_string(written) + ", expected " + std::to_string(expected);
}

std::string CouldNotCreate(const std::string& path, int err) { return WithErrno("Could not create '" + path + "'", err); }

std::string CouldNotOpen(const std::string& path, int err) { return WithErrno("Could not open '" + path + "'", err); }

}  // namespace mrm::channel
