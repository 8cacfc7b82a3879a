// QtestClient: QEMU's qtest protocol (-qtest unix:PATH,server=on,wait=off,
// with -accel tcg), the harness's way to write and read guest memory while
// the guest runs. One command per line; each is answered "OK [value]" or
// "FAIL reason", in order, so commands may be sent ahead of their answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/qmp/line_socket.h"

namespace dioh {

class QtestClient {
 public:
  // b64write carries at most this much: larger commands were slower here
  // (QEMU decodes each line whole).
  static constexpr std::size_t kMaxWrite = 64 * 1024;
  // Commands sent before their answers are read.
  static constexpr std::size_t kInFlight = 64;

  static Result<QtestClient> Connect(const std::string& socket_path, Deadline deadline);
  explicit QtestClient(LineSocket socket) : socket_(std::move(socket)) {}

  // One command; the value after "OK" ("" when none). FAIL is EIO naming the command.
  Result<std::string> Ask(const std::string& command, Deadline deadline);
  // Every command, kInFlight at a time; each must be answered OK.
  Status RunAll(const std::vector<std::string>& commands, Deadline deadline);

  Status Write(std::uint64_t address, std::span<const std::byte> data, Deadline deadline);
  Status Fill(std::uint64_t address, std::uint64_t length, std::uint8_t value, Deadline deadline);
  Result<std::vector<std::byte>> Read(std::uint64_t address, std::uint64_t length, Deadline deadline);

  // The command lines themselves (kMaxWrite per b64write; qtest takes the
  // size from the command, so it must be the data's exact length).
  static std::vector<std::string> WriteCommands(std::uint64_t address, std::span<const std::byte> data);
  static std::string FillCommand(std::uint64_t address, std::uint64_t length, std::uint8_t value);
  // A number as qtest commands take it ("0x1f000").
  static std::string Hex(std::uint64_t value);

 private:
  // The answer to one command sent earlier.
  Result<std::string> Answer(const std::string& command, Deadline deadline);

  LineSocket socket_;
};

}  // namespace dioh
