// QmpClient: the harness side of QMP, for mrmigrate and a real QEMU alike.
// One JSON object per line each way; the greeting is read and capabilities
// negotiated on connect; asynchronous events that arrive between replies are
// kept, in order, for WaitForEvent. Every wait has a deadline: a hung engine
// becomes a timeout Status, never a hang of the harness.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status/status.h"
#include "harness/qmp/deadline.h"

namespace dioh {

// A command's answer: "return", or a QMP error (class and desc).
struct QmpReply {
  bool ok = false;
  nlohmann::json value;     // the "return" member when ok
  std::string error_class;  // "GenericError", "CommandNotFound", ...
  std::string error_desc;
};

class QmpClient {
 public:
  // Connects to a unix socket, retrying until the server listens or the
  // deadline passes; reads the greeting and sends qmp_capabilities.
  static Result<QmpClient> Connect(const std::string& socket_path, Deadline deadline);
  // Speaks QMP over an already connected descriptor (takes ownership).
  static Result<QmpClient> Adopt(int fd, Deadline deadline);

  QmpClient(QmpClient&& other) noexcept;
  QmpClient& operator=(QmpClient&& other) noexcept;
  QmpClient(const QmpClient&) = delete;
  QmpClient& operator=(const QmpClient&) = delete;
  ~QmpClient();

  const nlohmann::json& greeting() const { return greeting_; }
  // "10.0.2": QMP.version.qemu of the greeting ("" when it names none).
  std::string version() const;

  // Sends {"execute": command, "arguments": arguments, "id": N} and waits for
  // the reply with that id. A transport failure or timeout is the Status; a QMP
  // error is a QmpReply with ok == false.
  Result<QmpReply> Execute(const std::string& command, const nlohmann::json& arguments,
                           Deadline deadline);

  // The first event (kept or new) named `name` for which `match` holds; events
  // before it are consumed, later ones are kept.
  Result<nlohmann::json> WaitForEvent(const std::string& name,
                                      const std::function<bool(const nlohmann::json&)>& match,
                                      Deadline deadline);
  // The next event, kept or new; none when none comes before the deadline
  // (a short one: for a loop that has other work between events).
  Result<std::optional<nlohmann::json>> NextEvent(Deadline deadline);

 private:
  explicit QmpClient(int fd) : fd_(fd) {}
  Status Send(const nlohmann::json& message);
  // The next JSON object from the server.
  Result<nlohmann::json> Receive(Deadline deadline);

  int fd_ = -1;
  std::string buffer_;  // bytes received, not yet a whole line
  nlohmann::json greeting_;
  std::deque<nlohmann::json> events_;
  std::uint64_t next_id_ = 1;
};

}  // namespace dioh
