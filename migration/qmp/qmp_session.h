// QmpSession: one QMP connection, as QEMU's monitor/qmp.c and
// qapi/qmp-dispatch.c run it, without the socket: bytes in, reply lines out.
// Starts in capabilities negotiation mode (only qmp_capabilities works), then
// dispatches the migration commands to the shared MigrationController.
// Events reach the client only once negotiation is complete.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migration/qmp/migration_controller.h"
#include "migration/qmp/qmp_json.h"

namespace mrm::qmp {

// query-version's answer: the QEMU release whose QMP mrmigrate speaks.
struct QmpVersion {
  int major = 10;
  int minor = 2;
  int micro = 50;
  std::string package = "mrmigrate (dioharness)";
};

struct QmpOutput {
  std::vector<std::string> lines;  // replies and events, one JSON object each, no newline
  bool quit = false;               // `quit` was executed: close after writing the lines
};

class QmpSession {
 public:
  using Clock = std::function<EventTimestamp()>;
  explicit QmpSession(MigrationController& controller, QmpVersion version = {},
                      Clock clock = EventTimestampNow)
      : controller_(controller), version_(std::move(version)), clock_(std::move(clock)) {}

  std::string Greeting() const;
  // Bytes from the client (any split: messages are cut by bracket counting).
  QmpOutput Receive(std::string_view bytes);
  // The line to send this client for an event, if it has negotiated.
  std::optional<std::string> EventLine(const params::Json& event) const;

 private:
  struct Reply;  // defined in the .cc: it holds a JSON value
  Reply Dispatch(const params::Json& request, bool& quit);
  Reply Execute(const std::string& command, const params::Json& arguments, bool& quit);

  MigrationController& controller_;
  QmpVersion version_;
  Clock clock_;
  JsonMessageStreamer streamer_;
  bool negotiated_ = false;
  bool oob_enabled_ = false;
};

}  // namespace mrm::qmp
