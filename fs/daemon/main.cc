// diofs: parse, make the filesystem (and the op log), mount, serve, then
// close the log with its trailer. See `diofs --help`.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>
#include <memory>

#include "fs/core/backend.h"
#include "fs/core/filesystem.h"
#include "fs/daemon/fuse_adapter.h"
#include "fs/daemon/options.h"
#include "fs/daemon/refusal_printer.h"
#include "fs/oplog/log_writer.h"

namespace {

int Fail(const dioh::Status& status) {
  std::fprintf(stderr, "diofs: error: %s\n", status.message().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  auto command = diofs::ParseDaemonOptions(argc, argv);
  if (!command.ok()) return Fail(command.status());
  if (!command->options) {
    std::fputs(command->print.c_str(), stdout);
    return 0;
  }
  const diofs::DaemonOptions& options = *command->options;
  // A background job of a script starts with SIGINT ignored, and libfuse
  // installs its handler only where the disposition is the default: then
  // `kill -INT` would do nothing. diofs always stops cleanly on these.
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
  auto backend = diofs::MakeBackend(options.backend, options.capacity);
  if (!backend.ok()) return Fail(backend.status());

  // Opened before mounting, so that an unwritable log refuses the mount. Its
  // flusher thread starts with the first record, after fuse_daemonize forked.
  std::unique_ptr<diofs::oplog::LogWriter> log;
  std::vector<diofs::OpObserver*> observers;
  // -v: set up before the filesystem it reads the profile of; never called before it exists.
  diofs::DioFilesystem* served = nullptr;
  // -f alone: the first refusal and a hint (-v: every one), so a foreground diofs never refuses in silence.
  diofs::RefusalPrinter printer(stderr, [&served] { return served->profile().profile; },
                                options.verbose ? diofs::RefusalPrinter::Lines::kEvery
                                                : diofs::RefusalPrinter::Lines::kFirst);
  if (options.verbose || options.foreground) observers.push_back(&printer);
  if (!options.log_path.empty()) {
    auto writer = diofs::oplog::LogWriter::Open(
        options.log_path, {options.profile.profile.name, diofs::kFuseMaxWrite, options.log_data});
    if (!writer.ok()) return Fail(writer.status().WithContext("op log"));
    log = std::move(*writer);
    observers.push_back(log.get());
  }

  int exit_status;
  {
    diofs::DioFilesystem fs(std::move(*backend), options.profile, observers, options.sim);
    served = &fs;
    // Without -f, stderr is /dev/null once daemonized; .diofs/error keeps the reason either way.
    fs.SetControlErrorSink([](const std::string& reason) {
      std::fprintf(stderr, "diofs: control write refused: %s\n", reason.c_str());
    });
    // SIGUSR1 is a simulated crash (with --volatile). It is blocked in every
    // thread and taken by one that may lock: a signal handler may not.
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &usr1, nullptr);
    std::atomic<bool> stopping{false};
    std::thread crasher;
    exit_status = diofs::ServeFuse(fs, options, [&] {
      crasher = std::thread([&] {
        for (int sig = 0; sigwait(&usr1, &sig) == 0 && !stopping.load();) {
          auto undone = fs.Crash(/*torn=*/false, 0);
          if (!undone.ok()) std::fprintf(stderr, "diofs: SIGUSR1: %s\n", undone.status().message().c_str());
        }
      });
    });
    if (crasher.joinable()) {
      stopping = true;
      pthread_kill(crasher.native_handle(), SIGUSR1);
      crasher.join();
    }
  }
  if (log) {
    // After the session: no FUSE worker records any more. The trailer marks a clean end.
    if (const dioh::Status closed = log->Close(); !closed.ok()) {
      std::fprintf(stderr, "diofs: op log: %s\n", closed.message().c_str());
      if (exit_status == 0) exit_status = 1;
    }
  }
  return exit_status;
}
