#include "migration/qmp/qmp_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <nlohmann/json.hpp>

namespace mrm::qmp {
namespace {

// A client that sends but never reads: the replies it leaves unread beyond
// the socket's buffer. The first reply past this bound drops it, so one such
// client cannot hold the loop (a blocking send() did, SIGTERM included).
constexpr std::size_t kMaxPendingOutput = std::size_t{1} << 20;

// errno read first: building the message may allocate, and errno is only
// meaningful right after the failed call.
dioh::Status SocketPathError(const char* call, const std::string& path) {
  const int error = errno;
  return dioh::ErrnoStatus(error, std::string(call) + " " + path);
}

dioh::Result<bool> ParseOnOff(const std::string& name, const std::string& value) {
  if (value == "on") return true;
  if (value == "off") return false;
  return dioh::Status::Error(EINVAL, "Parameter '" + name + "' expects 'on' or 'off'");
}

}  // namespace

dioh::Result<QmpChardevSpec> ParseQmpChardevSpec(const std::string& text) {
  if (text.rfind("unix:", 0) != 0) {
    return dioh::Status::Error(EINVAL, "mrmigrate serves QMP only on a unix socket: unix:PATH,server=on,wait=off");
  }
  std::istringstream in(text.substr(5));
  QmpChardevSpec spec;
  std::getline(in, spec.socket_path, ',');
  if (spec.socket_path.empty()) return dioh::Status::Error(EINVAL, "Parameter 'path' is missing");
  bool server = false;
  for (std::string option; std::getline(in, option, ',');) {
    const auto equals = option.find('=');
    const std::string name = option.substr(0, equals);
    const std::string value = equals == std::string::npos ? "on" : option.substr(equals + 1);
    if (name != "server" && name != "wait") return dioh::Status::Error(EINVAL, "Invalid parameter '" + name + "'");
    auto flag = ParseOnOff(name, value);
    if (!flag.ok()) return flag.status();
    (name == "server" ? server : spec.wait) = *flag;
  }
  if (!server) return dioh::Status::Error(EINVAL, "mrmigrate's QMP socket must be a server (server=on)");
  return spec;
}

QmpServer::QmpServer(const QmpChardevSpec& spec, MigrationEngine& engine, params::BuildFeatures features,
                     QmpVersion version)
    : spec_(spec),
      version_(std::move(version)),
      controller_(engine, [this](const StatusChange& change) { QueueStatusChange(change); }, features) {}

dioh::Result<std::unique_ptr<QmpServer>> QmpServer::Listen(const QmpChardevSpec& spec, MigrationEngine& engine,
                                                     params::BuildFeatures features, QmpVersion version) {
  std::unique_ptr<QmpServer> server(new QmpServer(spec, engine, features, std::move(version)));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return dioh::ErrnoStatus(errno, "pipe2");
  server->wake_read_fd_ = pipe_fds[0];
  server->wake_write_fd_ = pipe_fds[1];
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (spec.socket_path.size() >= sizeof addr.sun_path) {
    return dioh::Status::Error(ENAMETOOLONG, "QMP socket path too long: " + spec.socket_path);
  }
  std::memcpy(addr.sun_path, spec.socket_path.c_str(), spec.socket_path.size() + 1);
  server->listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (server->listen_fd_ < 0) return dioh::ErrnoStatus(errno, "socket");
  if (::unlink(spec.socket_path.c_str()) != 0 && errno != ENOENT) {
    return SocketPathError("unlink", spec.socket_path);
  }
  if (::bind(server->listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return SocketPathError("bind", spec.socket_path);
  }
  if (::listen(server->listen_fd_, 1) != 0) return SocketPathError("listen", spec.socket_path);
  return server;
}

QmpServer::~QmpServer() {
  DropClient();
  for (int fd : {listen_fd_, wake_read_fd_, wake_write_fd_}) {
    if (fd >= 0) ::close(fd);
  }
  if (listen_fd_ >= 0) ::unlink(spec_.socket_path.c_str());
}

void QmpServer::RequestStop() {
  stop_requested_.store(true);
  const char byte = 's';
  [[maybe_unused]] const ssize_t ignored = ::write(wake_write_fd_, &byte, 1);
}

void QmpServer::QueueStatusChange(const StatusChange& change) {
  if (std::this_thread::get_id() == loop_thread_) {
    ApplyStatusChange(change);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(changes_mutex_);
    changes_.push_back(change);
  }
  const char byte = 'c';
  [[maybe_unused]] const ssize_t ignored = ::write(wake_write_fd_, &byte, 1);
}

void QmpServer::DeliverStatusChanges() {
  std::deque<StatusChange> changes;
  {
    std::lock_guard<std::mutex> lock(changes_mutex_);
    changes.swap(changes_);
  }
  for (const StatusChange& change : changes) ApplyStatusChange(change);
}

void QmpServer::ApplyStatusChange(const StatusChange& change) {
  const auto event = controller_.OnStatusChange(change, EventTimestampNow());
  if (!event || !session_) return;
  if (const auto line = session_->EventLine(*event)) Send(*line);
}

void QmpServer::Send(const std::string& line) {
  if (client_fd_ < 0 || drop_client_) return;
  if (out_.size() - out_sent_ >= kMaxPendingOutput) {
    drop_client_ = true;
    return;
  }
  out_ += line;
  out_ += '\n';
  Flush();
}

void QmpServer::Flush() {
  while (!out_.empty() && !drop_client_) {
    const ssize_t n = ::send(client_fd_, out_.data() + out_sent_, out_.size() - out_sent_, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // POLLOUT resumes
    if (n <= 0) {
      drop_client_ = true;
      return;
    }
    out_sent_ += static_cast<std::size_t>(n);
    if (out_sent_ == out_.size()) out_.clear(), out_sent_ = 0;
  }
}

// After `quit`: the reply and SHUTDOWN reach a reading client; a stop request
// or a client that goes away ends the wait.
void QmpServer::FlushBeforeQuit() {
  while (!out_.empty() && !drop_client_ && !stop_requested_.load()) {
    pollfd fds[2] = {{wake_read_fd_, POLLIN, 0}, {client_fd_, POLLOUT, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) Flush();
  }
}

void QmpServer::DropClient() {
  if (client_fd_ >= 0) ::close(client_fd_);
  client_fd_ = -1;
  out_.clear();
  out_sent_ = 0;
  drop_client_ = false;
  session_.reset();
}

dioh::Status QmpServer::Run() {
  loop_thread_ = std::this_thread::get_id();
  while (!stop_requested_.load()) {
    if (drop_client_) DropClient();
    const short client_events = static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT));
    pollfd fds[2] = {{wake_read_fd_, POLLIN, 0},
                     {client_fd_ >= 0 ? client_fd_ : listen_fd_, client_fd_ >= 0 ? client_events : short{POLLIN}, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return dioh::ErrnoStatus(errno, "poll");
    }
    if (fds[0].revents != 0) {
      char drain[64];
      while (::read(wake_read_fd_, drain, sizeof drain) > 0) {
      }
      DeliverStatusChanges();
    }
    if (fds[1].revents == 0) continue;
    if (client_fd_ < 0) {
      client_fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (client_fd_ < 0) continue;  // the client went away before we took it
      session_ = std::make_unique<QmpSession>(controller_, version_);
      Send(session_->Greeting());
      continue;
    }
    if ((fds[1].revents & POLLOUT) != 0) Flush();
    if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(client_fd_, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) {  // closed, possibly in the middle of a command: forget its bytes
      DropClient();
      continue;
    }
    const QmpOutput output = session_->Receive(std::string_view(buffer, static_cast<std::size_t>(n)));
    for (const std::string& line : output.lines) Send(line);
    if (output.quit) {
      FlushBeforeQuit();
      return dioh::Status::Ok();
    }
  }
  return dioh::Status::Ok();
}

}  // namespace mrm::qmp
