// FakeQtest: guest memory behind qtest's memory commands (b64write,
// memset, b64read), for tests of the harness's qtest side without a QEMU.
// Strict: a command it does not know, or a size that differs from the
// data, fails the way QEMU would not notice (qtest takes SIZE on trust).
#pragma once

#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <map>
#include <utility>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/qemu/base64.h"

namespace dioh_test {

class FakeGuestMemory {
 public:
  // The answer QEMU would give ("OK", "OK <value>", "FAIL ...").
  std::string Apply(const std::string& line) {
    std::istringstream in(line);
    std::string verb, address_text, size_text, arg;
    in >> verb >> address_text >> size_text >> arg;
    const std::uint64_t address = std::stoull(address_text, nullptr, 0);
    const std::uint64_t size = std::stoull(size_text, nullptr, 0);
    if (verb == "b64write") {
      auto bytes = dioh::Base64Decode(arg);
      if (!bytes.ok() || bytes->size() != size) return "FAIL size and data differ";
      for (std::uint64_t i = 0; i < size; ++i) Set(address + i, static_cast<std::uint8_t>((*bytes)[i]));
      ++writes_;
      return "OK";
    }
    if (verb == "memset") {
      const auto value = static_cast<std::uint8_t>(std::stoul(arg, nullptr, 0));
      for (std::uint64_t i = 0; i < size; ++i) Set(address + i, value);
      ++writes_;
      return "OK";
    }
    if (verb == "b64read") {
      std::vector<std::byte> out(size);
      for (std::uint64_t i = 0; i < size; ++i) out[i] = static_cast<std::byte>(At(address + i));
      return "OK " + dioh::Base64Encode(out);
    }
    return "FAIL Unknown command '" + verb + "'";
  }
  std::uint8_t At(std::uint64_t address) const {
    const auto it = pages_.find(address / kPage);
    return it == pages_.end() ? 0 : it->second[address % kPage];
  }
  std::size_t writes() const { return writes_; }

 private:
  static constexpr std::uint64_t kPage = 4096;
  void Set(std::uint64_t address, std::uint8_t value) {
    std::vector<std::uint8_t>& page = pages_[address / kPage];
    if (page.empty()) page.resize(kPage);
    page[address % kPage] = value;
  }
  // Sparse by page: a byte map made 1000 fills of a page take 10 s under
  // ThreadSanitizer.
  std::map<std::uint64_t, std::vector<std::uint8_t>> pages_;
  std::size_t writes_ = 0;
};

// Serves FakeGuestMemory on one end of a socketpair, in a thread, until the
// other end closes. client_fd() goes to the code under test.
class FakeQtestServer {
 public:
  FakeQtestServer() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) std::abort();
    client_ = fds[0];
    server_ = fds[1];
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeQtestServer() {
    if (client_ >= 0) close(client_);
    if (thread_.joinable()) thread_.join();
    close(server_);
  }
  // Hands the client end over (the caller's LineSocket will close it).
  int TakeClientFd() { return std::exchange(client_, -1); }
  // Once the client end is closed: waits for the server to see it, and
  // gives the memory it served.
  const FakeGuestMemory& Finish() {
    if (thread_.joinable()) thread_.join();
    return memory_;
  }

 private:
  void Serve() {
    std::string buffer;
    char chunk[65536];
    for (ssize_t n; (n = read(server_, chunk, sizeof chunk)) > 0;) {
      buffer.append(chunk, static_cast<std::size_t>(n));
      std::string answers;
      for (std::size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
        answers += memory_.Apply(buffer.substr(0, nl)) + "\n";
        buffer.erase(0, nl + 1);
      }
      if (!answers.empty() && write(server_, answers.data(), answers.size()) < 0) return;
    }
  }

  int client_ = -1, server_ = -1;
  FakeGuestMemory memory_;
  std::thread thread_;
};

}  // namespace dioh_test
