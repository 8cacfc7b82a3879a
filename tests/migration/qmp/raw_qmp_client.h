// Test helper: a QMP client that speaks raw bytes over a unix socket (no QMP
// library, so a test sees the wire), with a receive deadline so a silent
// server fails the test instead of hanging it.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "migration/params/param_json.h"  // Json, the project's ordered JSON

namespace mrm::qmp::testing {

// A client that speaks raw bytes: no QMP library, so the test sees the wire.
class RawClient {
 public:
  explicit RawClient(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { Close(); }
  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  void SendRaw(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
  }
  // The next line from the server, parsed; null JSON on timeout or close.
  params::Json ReadLine() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (buffer_.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      pollfd pfd{fd_, POLLIN, 0};
      if (left <= 0 || ::poll(&pfd, 1, static_cast<int>(left)) <= 0) return params::Json();
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return params::Json();
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    const auto newline = buffer_.find('\n');
    const std::string line = buffer_.substr(0, newline);
    buffer_.erase(0, newline + 1);
    return params::Json::parse(line);
  }
  // Sends a request line; returns its reply, keeping events aside.
  params::Json Execute(const std::string& request) {
    SendRaw(request + "\n");
    for (;;) {
      params::Json line = ReadLine();
      if (line.is_null() || !line.contains("event")) return line;
      events_.push_back(line);
    }
  }
  // The next MIGRATION event status (kept or new); "" on timeout. The
  // MIGRATION_PASS events on the way are kept aside (passes()).
  std::string NextMigrationStatus() {
    for (;;) {
      while (events_.empty()) {
        params::Json line = ReadLine();
        if (line.is_null()) return "";
        if (line.contains("event")) events_.push_back(line);
      }
      if (events_.front()["event"] != "MIGRATION_PASS") break;
      passes_.push_back(events_.front()["data"]["pass"].get<std::uint64_t>());
      events_.erase(events_.begin());
    }
    params::Json event = events_.front();
    events_.erase(events_.begin());
    EXPECT_EQ(event["event"], "MIGRATION");
    EXPECT_TRUE(event["timestamp"]["seconds"].is_number_integer());
    EXPECT_TRUE(event["timestamp"]["microseconds"].is_number_integer());
    return event["data"]["status"].get<std::string>();
  }
  // The "pass" of every MIGRATION_PASS event NextMigrationStatus went past.
  const std::vector<std::uint64_t>& passes() const { return passes_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
  std::vector<params::Json> events_;
  std::vector<std::uint64_t> passes_;
};

}  // namespace mrm::qmp::testing
