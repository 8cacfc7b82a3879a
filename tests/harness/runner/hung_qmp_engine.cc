// A migration engine that hangs: it serves QMP like mrmigrate (greeting,
// replies to every command) but never answers `migrate` or
// `migrate-incoming` and never sends a MIGRATION event. The harness must
// time out, kill it and clean up. Usage: hung_qmp_engine qmp --qmp
// unix:PATH,server=on,wait=off [anything else is ignored]. With
// HUNG_QMP_ENGINE_NO_GREETING set it accepts the connection and never
// greets: the harness is still launching it.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

namespace {

bool SendLine(int fd, const std::string& line) {
  const std::string out = line + "\n";
  return write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::string socket_path;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--qmp") {
      const std::string spec = argv[i + 1];  // unix:PATH,server=on,wait=off
      socket_path = spec.substr(5, spec.find(',') - 5);
    }
  }
  if (socket_path.empty()) {
    std::fprintf(stderr, "hung_qmp_engine: --qmp unix:PATH required\n");
    return 2;
  }
  const int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 1) != 0) {
    std::perror("hung_qmp_engine: bind");
    return 1;
  }
  const int fd = accept(listener, nullptr, nullptr);
  if (fd < 0) return 1;
  if (std::getenv("HUNG_QMP_ENGINE_NO_GREETING") != nullptr) {
    for (char byte; read(fd, &byte, 1) > 0;) {
    }
    return 0;
  }
  SendLine(fd, R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 1, "major": 9}, "package": ""}, "capabilities": []}})");
  std::string buffer;
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return 0;
    buffer.append(chunk, static_cast<std::size_t>(n));
    for (std::size_t end = buffer.find('\n'); end != std::string::npos; end = buffer.find('\n')) {
      const nlohmann::json request = nlohmann::json::parse(buffer.substr(0, end), nullptr, false);
      buffer.erase(0, end + 1);
      if (!request.is_object()) continue;
      const std::string command = request.value("execute", "");
      if (command == "migrate" || command == "migrate-incoming") continue;  // the hang
      nlohmann::json reply = {{"return", nlohmann::json::object()}};
      if (request.contains("id")) reply["id"] = request["id"];
      SendLine(fd, reply.dump());
      if (command == "quit") return 0;
    }
  }
}
