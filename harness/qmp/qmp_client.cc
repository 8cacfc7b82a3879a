#include "harness/qmp/qmp_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "harness/os/errno_status.h"

namespace dioh {
namespace {

using nlohmann::json;

int MillisLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), INT32_MAX));
}

Status Errno(const std::string& what) { return ErrnoStatus(errno, what); }

}  // namespace

Result<QmpClient> QmpClient::Connect(const std::string& socket_path, Deadline deadline) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return Status::Error(ENAMETOOLONG, "QMP socket path too long: " + socket_path);
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  // The engine creates the socket some time after it starts: retry with a
  // short back-off until the deadline, the condition being "connect succeeds".
  auto backoff = std::chrono::milliseconds(1);
  while (true) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Errno("socket");
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
      return Adopt(fd, deadline);
    }
    const int err = errno;
    ::close(fd);
    if (err != ENOENT && err != ECONNREFUSED) {
      return ErrnoStatus(err, "connect " + socket_path);
    }
    if (std::chrono::steady_clock::now() + backoff >= deadline) {
      return Status::Error(ETIMEDOUT, "no QMP server at " + socket_path + " before the deadline");
    }
    std::this_thread::sleep_for(backoff);  // a retry back-off, bounded by the deadline
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

Result<QmpClient> QmpClient::Adopt(int fd, Deadline deadline) {
  QmpClient client(fd);
  auto greeting = client.Receive(deadline);
  if (!greeting.ok()) return greeting.status().WithContext("QMP greeting");
  if (!greeting->contains("QMP")) {
    return Status::Error(EPROTO, "QMP greeting expected, got " + greeting->dump());
  }
  client.greeting_ = std::move(*greeting);
  auto reply = client.Execute("qmp_capabilities", json::object(), deadline);
  if (!reply.ok()) return reply.status();
  if (!reply->ok) {
    return Status::Error(EPROTO, "qmp_capabilities refused: " + reply->error_class + ": " + reply->error_desc);
  }
  return client;
}

QmpClient::QmpClient(QmpClient&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      greeting_(std::move(other.greeting_)),
      events_(std::move(other.events_)),
      next_id_(other.next_id_) {}

QmpClient& QmpClient::operator=(QmpClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    greeting_ = std::move(other.greeting_);
    events_ = std::move(other.events_);
    next_id_ = other.next_id_;
  }
  return *this;
}

QmpClient::~QmpClient() {
  if (fd_ >= 0) ::close(fd_);
}

Status QmpClient::Send(const json& message) {
  const std::string line = message.dump() + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::send(fd_, line.data() + done, line.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("QMP send");
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Result<json> QmpClient::Receive(Deadline deadline) {
  while (true) {
    const std::size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      const std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
      json message = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (message.is_discarded() || !message.is_object()) {
        return Status::Error(EPROTO, "QMP server sent something that is not a JSON object: " + line);
      }
      return message;
    }
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Errno("QMP poll");
    if (ready == 0) return Status::Error(ETIMEDOUT, "QMP server did not answer before the deadline");
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("QMP receive");
    if (n == 0) return Status::Error(ECONNRESET, "QMP server closed the connection");
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

Result<QmpReply> QmpClient::Execute(const std::string& command, const json& arguments,
                                    Deadline deadline) {
  const std::uint64_t id = next_id_++;
  json request = {{"execute", command}, {"id", id}};
  if (!arguments.is_null() && !arguments.empty()) request["arguments"] = arguments;
  DIOH_RETURN_IF_ERROR(Send(request));
  while (true) {
    auto message = Receive(deadline);
    if (!message.ok()) return message.status().WithContext(command);
    if (message->contains("event")) {
      events_.push_back(std::move(*message));
      continue;
    }
    if (!message->contains("id") || (*message)["id"] != id) continue;  // not ours
    QmpReply reply;
    if (message->contains("return")) {
      reply.ok = true;
      reply.value = (*message)["return"];
    } else if (message->contains("error") && (*message)["error"].is_object()) {
      const json& e = (*message)["error"];
      reply.error_class = e.value("class", "");
      reply.error_desc = e.value("desc", "");
    } else {
      return Status::Error(EPROTO, command + ": reply has neither return nor error: " + message->dump());
    }
    return reply;
  }
}

Result<json> QmpClient::WaitForEvent(const std::string& name,
                                     const std::function<bool(const json&)>& match, Deadline deadline) {
  while (true) {
    while (!events_.empty()) {
      json event = std::move(events_.front());
      events_.pop_front();
      if (event.value("event", "") == name && match(event)) return event;
    }
    auto message = Receive(deadline);
    if (!message.ok()) return message.status().WithContext("waiting for event " + name);
    if (message->contains("event")) events_.push_back(std::move(*message));
  }
}

std::string QmpClient::version() const {
  const json qemu = greeting_.value("QMP", json::object()).value("version", json::object()).value("qemu", json::object());
  if (!qemu.is_object() || !qemu.contains("major")) return "";
  const auto part = [&](const char* key) { return std::to_string(qemu.value(key, 0)); };
  return part("major") + "." + part("minor") + "." + part("micro");
}

Result<std::optional<json>> QmpClient::NextEvent(Deadline deadline) {
  while (events_.empty()) {
    auto message = Receive(deadline);
    if (!message.ok() && message.status().code() == ETIMEDOUT) return std::optional<json>();
    if (!message.ok()) return message.status().WithContext("waiting for an event");
    if (message->contains("event")) events_.push_back(std::move(*message));
  }
  json event = std::move(events_.front());
  events_.pop_front();
  return std::optional<json>(std::move(event));
}

}  // namespace dioh
