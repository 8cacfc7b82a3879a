#include "harness/qemu/qtest_client.h"

#include <cerrno>
#include <cstdio>

#include "harness/qemu/base64.h"

namespace dioh {
namespace {

// Commands in errors: a b64write line is mostly data, keep its head.
std::string Shorten(const std::string& command) {
  return command.size() <= 60 ? command : command.substr(0, 60) + "...";
}

}  // namespace

std::string QtestClient::Hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

Result<QtestClient> QtestClient::Connect(const std::string& socket_path, Deadline deadline) {
  auto socket = LineSocket::Connect(socket_path, "qtest", deadline);
  if (!socket.ok()) return socket.status();
  return QtestClient(std::move(*socket));
}

Result<std::string> QtestClient::Answer(const std::string& command, Deadline deadline) {
  while (true) {
    auto line = socket_.ReceiveLine(deadline);
    if (!line.ok()) return line.status().WithContext("qtest '" + Shorten(command) + "'");
    // With irq_intercept, QEMU interleaves "IRQ raise N" lines: not answers.
    if (line->rfind("IRQ ", 0) == 0) continue;
    if (*line == "OK") return std::string();
    if (line->rfind("OK ", 0) == 0) return line->substr(3);
    return Status::Error(EIO, "qtest '" + Shorten(command) + "' answered: " + *line);
  }
}

Result<std::string> QtestClient::Ask(const std::string& command, Deadline deadline) {
  DIOH_RETURN_IF_ERROR(socket_.Send(command + "\n", deadline));
  return Answer(command, deadline);
}

Status QtestClient::RunAll(const std::vector<std::string>& commands, Deadline deadline) {
  std::size_t sent = 0, answered = 0;
  while (answered < commands.size()) {
    std::string batch;
    for (; sent < commands.size() && sent - answered < kInFlight; ++sent) batch += commands[sent] + "\n";
    if (!batch.empty()) DIOH_RETURN_IF_ERROR(socket_.Send(batch, deadline));
    auto answer = Answer(commands[answered], deadline);
    if (!answer.ok()) return answer.status();
    ++answered;
  }
  return Status::Ok();
}

std::vector<std::string> QtestClient::WriteCommands(std::uint64_t address, std::span<const std::byte> data) {
  std::vector<std::string> commands;
  for (std::size_t done = 0; done < data.size(); done += kMaxWrite) {
    const auto piece = data.subspan(done, std::min(kMaxWrite, data.size() - done));
    commands.push_back("b64write " + Hex(address + done) + " " + Hex(piece.size()) + " " + Base64Encode(piece));
  }
  return commands;
}

std::string QtestClient::FillCommand(std::uint64_t address, std::uint64_t length, std::uint8_t value) {
  return "memset " + Hex(address) + " " + Hex(length) + " " + Hex(value);
}

Status QtestClient::Write(std::uint64_t address, std::span<const std::byte> data, Deadline deadline) {
  return RunAll(WriteCommands(address, data), deadline);
}

Status QtestClient::Fill(std::uint64_t address, std::uint64_t length, std::uint8_t value, Deadline deadline) {
  return Ask(FillCommand(address, length, value), deadline).status();
}

Result<std::vector<std::byte>> QtestClient::Read(std::uint64_t address, std::uint64_t length, Deadline deadline) {
  std::vector<std::byte> out;
  out.reserve(length);
  for (std::uint64_t done = 0; done < length; done += kMaxWrite) {
    const std::uint64_t n = std::min<std::uint64_t>(kMaxWrite, length - done);
    const std::string command = "b64read " + Hex(address + done) + " " + Hex(n);
    auto text = Ask(command, deadline);
    if (!text.ok()) return text.status();
    auto bytes = Base64Decode(*text);
    if (!bytes.ok()) return bytes.status().WithContext("qtest '" + command + "'");
    if (bytes->size() != n) {
      return Status::Error(EPROTO, "qtest '" + command + "' returned " + std::to_string(bytes->size()) + " bytes");
    }
    out.insert(out.end(), bytes->begin(), bytes->end());
  }
  return out;
}

}  // namespace dioh
