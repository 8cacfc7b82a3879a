// GuestSession: the harness's hold on a real QEMU's guest RAM while the QEMU
// runs, through qtest: it writes the model's later passes during a live
// save, keeps the save iterating (the keep-alive region), and reads RAM back
// after a load (QMP pmemsave), so that a QEMU is judged page by page as
// mrmigrate is. What QEMU does and why each step is needed: ENGINES.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status/status.h"
#include "harness/checks/ram_expectation.h"
#include "harness/qemu/qemu_guest_ram.h"
#include "harness/qemu/qtest_client.h"
#include "harness/qmp/deadline.h"

namespace dioh {

class QmpClient;

class GuestSession {
 public:
  GuestSession(QemuGuestRam ram, QtestClient qtest) : ram_(std::move(ram)), qtest_(std::move(qtest)) {}

  const QemuGuestRam& ram() const { return ram_; }
  // A save with more than one model pass: the harness dirties RAM while it runs.
  bool live() const { return ram_.passes() > 1; }

  // Writes the model's pass `pass` (>= 1) into the guest.
  Status WritePass(std::uint32_t pass, Deadline deadline);
  // Rewrites the keep-alive region with its own content (dirties, changes nothing).
  Status KeepAliveSweep(Deadline deadline);
  // Dumps every range the harness wrote into files in `dir` (pmemsave), for
  // the RAM checks to read.
  Result<std::vector<LoadedRamPiece>> ReadBack(QmpClient& qmp, const std::string& dir, Deadline deadline);

 private:
  QemuGuestRam ram_;
  QtestClient qtest_;
};

}  // namespace dioh
