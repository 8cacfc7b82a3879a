#include "harness/engine/live_save.h"

#include <cerrno>

#include <nlohmann/json.hpp>

#include "harness/engine/guest_session.h"
#include "harness/qmp/qmp_client.h"
#include "harness/scenario/outcome.h"

namespace dioh {
namespace {

using nlohmann::json;

// How long the harness waits for events while it has nothing to write.
constexpr auto kIdleWait = std::chrono::milliseconds(100);
// QEMU's largest downtime-limit (ms): with it QEMU converges at once.
constexpr std::uint64_t kConverge = 2000000;

class LiveSave {
 public:
  LiveSave(QmpClient& qmp, GuestSession& guest, Deadline deadline, const std::function<void()>& progress,
           std::chrono::milliseconds progress_interval)
      : qmp_(qmp),
        guest_(guest),
        deadline_(deadline),
        last_pass_(guest.ram().passes() - 1),
        progress_(progress),
        progress_interval_(progress_interval) {}

  Result<LiveSaveEnd> Run() {
    while (true) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline_) return Status::Error(ETIMEDOUT, "live save: no final status before the deadline");
      if (progress_ && now >= next_progress_) {
        progress_();
        next_progress_ = now + progress_interval_;
      }
      // Keep-alive sweeps must not wait; otherwise wait a little for QEMU.
      const auto until = keep_alive_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::now() + kIdleWait;
      auto event = qmp_.NextEvent(std::min(until, deadline_));
      if (!event.ok()) return event.status();
      if (*event) {
        const std::string name = (**event).value("event", "");
        const json data = (**event).value("data", json::object());
        if (name == "MIGRATION_PASS") syncs_ = data.value("pass", syncs_);
        if (name == "MIGRATION") {
          const std::string status = data.value("status", "");
          if (status == "pre-switchover") return Cut();
          if (FinalMigrationStatus(status)) return LiveSaveEnd{status, 0, 0};
        }
        continue;  // take every event that came before writing more
      }
      DIOH_RETURN_IF_ERROR(Step());
    }
  }

 private:
  // One step of the harness's side: the next model pass once QEMU synced
  // past the previous one; after the last, let QEMU converge; meanwhile
  // keep every pass busy.
  Status Step() {
    if (written_ < last_pass_ && syncs_ > written_) {
      ++written_;
      return guest_.WritePass(written_, deadline_);
    }
    if (written_ == last_pass_ && syncs_ > last_pass_ && keep_alive_) {
      keep_alive_ = false;
      auto reply = qmp_.Execute("migrate-set-parameters", {{"downtime-limit", kConverge}}, deadline_);
      if (!reply.ok()) return reply.status();
      if (!reply->ok) return Status::Error(EIO, "migrate-set-parameters downtime-limit: " + reply->error_desc);
      return Status::Ok();
    }
    return keep_alive_ ? guest_.KeepAliveSweep(deadline_) : Status::Ok();
  }

  // QEMU stopped the VM at pre-switchover: the passes it has not seen yet
  // go in now (they reach the file through the final sync), then continue.
  Result<LiveSaveEnd> Cut() {
    LiveSaveEnd end;
    auto info = qmp_.Execute("query-migrate", json::object(), deadline_);
    if (!info.ok()) return info.status();
    if (info->ok) end.syncs_at_switchover = info->value.value("ram", json::object()).value("dirty-sync-count", 0u);
    while (written_ < last_pass_) {
      ++written_;
      ++end.passes_written_at_switchover;
      DIOH_RETURN_IF_ERROR(guest_.WritePass(written_, deadline_));
    }
    auto go = qmp_.Execute("migrate-continue", {{"state", "pre-switchover"}}, deadline_);
    if (!go.ok()) return go.status();
    if (!go->ok) return Status::Error(EIO, "migrate-continue: " + go->error_desc);
    auto final_event = qmp_.WaitForEvent(
        "MIGRATION",
        [](const json& e) {
          return FinalMigrationStatus(e.value("data", json::object()).value("status", "")).has_value();
        },
        deadline_);
    if (!final_event.ok()) return final_event.status();
    end.status = (*final_event)["data"]["status"].get<std::string>();
    return end;
  }

  QmpClient& qmp_;
  GuestSession& guest_;
  const Deadline deadline_;
  const std::uint32_t last_pass_;
  std::uint32_t written_ = 0;  // model passes in RAM beyond pass 0 (the loader's)
  std::uint64_t syncs_ = 0;    // QEMU's dirty syncs so far (MIGRATION_PASS)
  bool keep_alive_ = true;
  const std::function<void()>& progress_;
  const std::chrono::milliseconds progress_interval_;
  std::chrono::steady_clock::time_point next_progress_{};
};

}  // namespace

json LiveSaveParameters(const GuestSession& guest) {
  // The first pass sends DataBytes(): at twice that per second it lasts half a second.
  const std::uint64_t bandwidth = std::max<std::uint64_t>(2 * guest.ram().DataBytes(), 1 << 20);
  return {{"downtime-limit", 1}, {"avail-switchover-bandwidth", 1000}, {"max-bandwidth", bandwidth}};
}

Result<LiveSaveEnd> RunLiveSave(QmpClient& qmp, GuestSession& guest, Deadline deadline,
                                const std::function<void()>& progress, std::chrono::milliseconds progress_interval) {
  return LiveSave(qmp, guest, deadline, progress, progress_interval).Run();
}

}  // namespace dioh
