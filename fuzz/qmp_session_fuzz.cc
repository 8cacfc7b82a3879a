// The QMP server's input without sockets: one session's tokenizer, parser and
// dispatch (to a fake engine) over any bytes, cut into chunks as recv() might
// cut them. Every reply must serialize (invalid UTF-8 becomes U+FFFD).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "migration/qmp/migration_controller.h"
#include "migration/qmp/qmp_session.h"
#include "tests/migration/qmp/fake_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunk size, so message boundaries fall anywhere.
  const std::size_t chunk = 1 + data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  mrm::qmp::testing::FakeEngine engine;
  mrm::qmp::MigrationController controller(engine, [](const mrm::qmp::StatusChange&) {});
  mrm::qmp::QmpSession session(controller, {}, [] { return mrm::qmp::EventTimestamp{1, 2}; });
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    const mrm::qmp::QmpOutput output = session.Receive(bytes.substr(at, chunk));
    for (const std::string& line : output.lines) {
      if (line.empty() || line.front() != '{') std::abort();
    }
    if (output.quit) break;
  }
  return 0;
}
