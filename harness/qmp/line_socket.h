// LineSocket: a unix stream socket that carries one message per line, as
// QMP and qtest do. Connect() waits for the server to listen (an engine
// makes its socket some time after it starts); every receive has a
// deadline, so a hung peer is a timeout Status, never a hang.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/status/status.h"

namespace dioh {

using Deadline = std::chrono::steady_clock::time_point;

class LineSocket {
 public:
  // `what` names the peer in errors ("QMP", "qtest").
  static Result<LineSocket> Connect(const std::string& path, std::string_view what, Deadline deadline);
  // Takes an already connected descriptor.
  LineSocket(int fd, std::string what) : fd_(fd), what_(std::move(what)) {}

  LineSocket(LineSocket&& other) noexcept;
  LineSocket& operator=(LineSocket&& other) noexcept;
  LineSocket(const LineSocket&) = delete;
  LineSocket& operator=(const LineSocket&) = delete;
  ~LineSocket();

  // Sends everything; a peer that stops reading is a timeout at the deadline.
  Status Send(std::string_view bytes, Deadline deadline);
  // The next line, without its '\n'; ECONNRESET once the peer has closed.
  Result<std::string> ReceiveLine(Deadline deadline);

 private:
  int fd_ = -1;
  std::string what_;
  std::string buffer_;      // received, not yet a whole line
  std::size_t scanned_ = 0;  // buffer_[0, scanned_) holds no '\n': long lines cost linear time
};

}  // namespace dioh
