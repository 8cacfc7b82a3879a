// QmpServer: the unix-socket edge of QMP. Listens where QEMU's
// `-qmp unix:PATH,server=on,wait=off` would, serves one client at a time (a
// chardev socket's behaviour: the next waits in the backlog), and moves bytes
// between the socket and a QmpSession. Engine status changes reported from
// another thread are queued and turned into events on the loop's thread; those
// reported on the loop's thread (the engine's kSetup inside StartOutgoing) are
// applied at once, so that, as in QEMU, the "setup" event precedes the reply
// to `migrate` and a query-migrate right after it already says "setup".
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status/status.h"
#include "migration/qmp/qmp_session.h"

namespace mrm::qmp {

// The `-qmp` argument: "unix:PATH[,server=on|off][,wait=on|off]".
struct QmpChardevSpec {
  std::string socket_path;
  bool wait = true;  // QEMU's default; wait=on blocks until a client connects
};
dioh::Result<QmpChardevSpec> ParseQmpChardevSpec(const std::string& spec);

class QmpServer {
 public:
  // Binds and listens (an existing file at the path is replaced, as QEMU does).
  static dioh::Result<std::unique_ptr<QmpServer>> Listen(const QmpChardevSpec& spec, MigrationEngine& engine,
                                                   params::BuildFeatures features = {}, QmpVersion version = {});
  ~QmpServer();
  QmpServer(const QmpServer&) = delete;
  QmpServer& operator=(const QmpServer&) = delete;

  // Serves until a client sends `quit` or RequestStop() is called.
  dioh::Status Run();
  // Async-signal-safe: may be called from a SIGTERM handler or another thread.
  void RequestStop();

  const MigrationController& controller() const { return controller_; }

 private:
  QmpServer(const QmpChardevSpec& spec, MigrationEngine& engine, params::BuildFeatures features, QmpVersion version);
  void QueueStatusChange(const StatusChange& change);
  void DeliverStatusChanges();
  void ApplyStatusChange(const StatusChange& change);
  // Queues a line for the client and writes what the socket takes now. A
  // client that has kMaxPendingOutput unread bytes when more comes is marked
  // for dropping (never dropped here: Send runs inside session_->Receive()).
  void Send(const std::string& line);
  void Flush();  // non-blocking: as much of out_ as the socket takes
  void FlushBeforeQuit();
  void DropClient();

  QmpChardevSpec spec_;
  QmpVersion version_;
  MigrationController controller_;
  std::unique_ptr<QmpSession> session_;
  int listen_fd_ = -1;
  int client_fd_ = -1;
  std::string out_;            // bytes for the client; the socket has taken out_sent_ of them
  std::size_t out_sent_ = 0;
  bool drop_client_ = false;   // the client is gone or does not read
  int wake_read_fd_ = -1;
  int wake_write_fd_ = -1;
  std::atomic<bool> stop_requested_{false};
  std::thread::id loop_thread_;  // set by Run()
  std::mutex changes_mutex_;
  std::deque<StatusChange> changes_;  // guarded by changes_mutex_
};

}  // namespace mrm::qmp
