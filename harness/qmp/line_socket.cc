#include "harness/qmp/line_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>

namespace dioh {
namespace {

int MillisLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), INT_MAX));
}

}  // namespace

Result<LineSocket> LineSocket::Connect(const std::string& path, std::string_view what, Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Status::Error(ENAMETOOLONG, std::string(what) + " socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  // The server makes the socket after it starts: retry with a short,
  // doubling back-off until "connect succeeds" or the deadline.
  auto backoff = std::chrono::milliseconds(1);
  while (true) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return ErrnoStatus(errno, "socket");
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return LineSocket(fd, std::string(what));
    const int err = errno;
    ::close(fd);
    if (err != ENOENT && err != ECONNREFUSED) return ErrnoStatus(err, "connect " + path);
    if (std::chrono::steady_clock::now() + backoff >= deadline) {
      return Status::Error(ETIMEDOUT, "no " + std::string(what) + " server at " + path + " before the deadline");
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

LineSocket::LineSocket(LineSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      what_(std::move(other.what_)),
      buffer_(std::move(other.buffer_)),
      scanned_(other.scanned_) {}

LineSocket& LineSocket::operator=(LineSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    what_ = std::move(other.what_);
    buffer_ = std::move(other.buffer_);
    scanned_ = other.scanned_;
  }
  return *this;
}

LineSocket::~LineSocket() {
  if (fd_ >= 0) ::close(fd_);
}

Status LineSocket::Send(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd pfd{fd_, POLLOUT, 0};
      const int ready = ::poll(&pfd, 1, MillisLeft(deadline));
      if (ready < 0 && errno != EINTR) return ErrnoStatus(errno, what_ + " poll");
      if (ready == 0) return Status::Error(ETIMEDOUT, what_ + " server stopped reading before the deadline");
      continue;
    }
    if (n < 0) return ErrnoStatus(errno, what_ + " send");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> LineSocket::ReceiveLine(Deadline deadline) {
  while (true) {
    const std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      scanned_ = 0;
      return line;
    }
    scanned_ = buffer_.size();
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ErrnoStatus(errno, what_ + " poll");
    if (ready == 0) return Status::Error(ETIMEDOUT, what_ + " server did not answer before the deadline");
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus(errno, what_ + " receive");
    if (n == 0) return Status::Error(ECONNRESET, what_ + " server closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace dioh
