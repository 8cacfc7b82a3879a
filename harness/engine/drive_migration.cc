// DriveMigration: the QMP sequence of a save or a load, the same for
// mrmigrate and QEMU (qapi/migration.json): capabilities, parameters,
// migrate / migrate-incoming, the final MIGRATION event, query-migrate.
#include <cerrno>
#include <cstdio>
#include <functional>

#include <nlohmann/json.hpp>

#include "harness/engine/child_process.h"
#include "harness/engine/engine_driver.h"
#include "harness/engine/guest_session.h"
#include "harness/engine/live_save.h"
#include "harness/qmp/qmp_client.h"

namespace dioh {
namespace {

using nlohmann::json;

constexpr std::size_t kOutputLinesInErrors = 20;
// How long an engine whose QMP connection broke gets to finish exiting.
constexpr auto kExitGrace = std::chrono::seconds(2);

std::optional<std::uint64_t> Field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

// query-migrate's MigrationInfo (qapi/migration.json) as far as it was given.
MigrationProgress ProgressOf(const json& info, double seconds) {
  MigrationProgress progress;
  progress.status = info.value("status", "");
  progress.seconds = seconds;
  const auto ram = info.find("ram");
  if (ram == info.end() || !ram->is_object()) return progress;
  progress.transferred = Field(*ram, "transferred");
  progress.remaining = Field(*ram, "remaining");
  progress.total = Field(*ram, "total");
  progress.normal_pages = Field(*ram, "normal");
  progress.zero_pages = Field(*ram, "duplicate");
  progress.dirty_syncs = Field(*ram, "dirty-sync-count");
  return progress;
}

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

class MigrationSession {
 public:
  MigrationSession(EngineProcess& engine, const MigrationRequest& request)
      : engine_(engine), request_(request), started_(std::chrono::steady_clock::now()) {}

  MigrationOutcome Run() {
    // A source whose RAM the harness writes while it saves (QEMU, passes > 1).
    GuestSession* live = request_.incoming ? nullptr : engine_.guest();
    if (live != nullptr && !live->live()) live = nullptr;
    json capabilities = json::array({{{"capability", "events"}, {"state", true}}});
    for (const auto& [name, on] : request_.capabilities) {
      if (name != "events") capabilities.push_back({{"capability", name}, {"state", on}});
    }
    if (live != nullptr) capabilities.push_back({{"capability", "pause-before-switchover"}, {"state", true}});
    if (auto failed = Command("migrate-set-capabilities", {{"capabilities", capabilities}})) return *failed;
    if (!request_.parameters.json().empty()) {
      if (auto failed = Command("migrate-set-parameters", request_.parameters.json())) return *failed;
    }
    if (live != nullptr) {
      if (auto failed = Command("migrate-set-parameters", LiveSaveParameters(*live))) return *failed;
      if (auto failed = Command("cont", json::object())) return *failed;  // the guest runs: the save is live
    }
    migrate_sent_ = std::chrono::steady_clock::now();
    // exit-on-error false (QEMU 9.1): a failed incoming QEMU stays up so that
    // query-migrate can tell why, instead of exiting.
    const json migrate = request_.incoming ? json{{"uri", request_.uri}, {"exit-on-error", false}}
                                           : json{{"uri", request_.uri}};
    if (auto failed = Command(request_.incoming ? "migrate-incoming" : "migrate", migrate)) return *failed;
    MigrationOutcome outcome;
    if (live != nullptr) {
      std::function<void()> progress;
      if (request_.on_progress) {
        progress = [this] {  // as WaitForFinalEvent does: a line on the terminal while QEMU iterates
          auto info = engine_.qmp().Execute("query-migrate", json::object(), request_.deadline);
          if (info.ok() && info->ok) request_.on_progress(ProgressOf(info->value, SinceMigrate()));
        };
      }
      auto end = RunLiveSave(engine_.qmp(), *live, request_.deadline, progress, request_.progress_interval);
      if (!end.ok()) return Broken(end.status(), "the live save");
      outcome = Outcome(*FinalMigrationStatus(end->status), "");
      if (end->syncs_at_switchover > 0) outcome.syncs_at_switchover = end->syncs_at_switchover;
      outcome.passes_written_at_switchover = end->passes_written_at_switchover;
    } else {
      auto event = WaitForFinalEvent();
      if (!event.ok()) return Broken(event.status(), "waiting for the final MIGRATION event");
      outcome = Outcome(*FinalMigrationStatus((*event)["data"]["status"].get<std::string>()), "");
    }
    auto info = engine_.qmp().Execute("query-migrate", json::object(), request_.deadline);
    if (!info.ok()) return Broken(info.status(), "query-migrate");
    if (info->ok) {
      if (request_.on_progress) request_.on_progress(ProgressOf(info->value, SinceMigrate()));
      if (!outcome.completed()) outcome.error_desc = info->value.value("error-desc", "");
      const json ram = info->value.value("ram", json::object());
      if (ram.contains("dirty-sync-count")) outcome.dirty_syncs = ram.value("dirty-sync-count", 0u);
      if (info->value.contains("total-time")) outcome.total_time_ms = info->value.value("total-time", 0u);
    }
    return outcome;
  }

 private:
  // The MIGRATION event with a final status. With on_progress, waits in
  // slices of progress_interval and asks query-migrate between them.
  Result<json> WaitForFinalEvent() {
    const auto final_event = [](const json& e) {
      return FinalMigrationStatus(e.value("data", json::object()).value("status", "")).has_value();
    };
    if (!request_.on_progress) return engine_.qmp().WaitForEvent("MIGRATION", final_event, request_.deadline);
    while (true) {
      const Deadline slice = std::min(request_.deadline, DeadlineIn(request_.progress_interval));
      auto event = engine_.qmp().WaitForEvent("MIGRATION", final_event, slice);
      if (event.ok() || event.status().code() != ETIMEDOUT || slice >= request_.deadline) return event;
      auto info = engine_.qmp().Execute("query-migrate", json::object(), request_.deadline);
      if (!info.ok()) return info.status().WithContext("query-migrate");
      if (info->ok) request_.on_progress(ProgressOf(info->value, SinceMigrate()));
    }
  }

  double SinceMigrate() const {
    if (!migrate_sent_) return 0;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - *migrate_sent_).count();
  }

  // Runs one command; a QMP error or a broken engine ends the migration.
  std::optional<MigrationOutcome> Command(const std::string& command, const json& arguments) {
    auto reply = engine_.qmp().Execute(command, arguments, request_.deadline);
    if (!reply.ok()) return Broken(reply.status(), command);
    if (!reply->ok) return Outcome(MigrationEnd::kFailed, reply->error_desc);
    return std::nullopt;
  }

  MigrationOutcome Outcome(MigrationEnd end, std::string error_desc) const {
    MigrationOutcome outcome{end, std::move(error_desc), 0};
    if (migrate_sent_) {
      outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - *migrate_sent_).count();
    }
    return outcome;
  }

  // The engine hung (deadline) or went away (connection closed).
  MigrationOutcome Broken(const Status& status, const std::string& step) {
    if (status.code() == ETIMEDOUT) {
      engine_.Kill();
      const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
      return Outcome(MigrationEnd::kTimeout, step + ": no answer after " + Seconds(waited) + ", the deadline; engine killed");
    }
    const auto grace = std::min(request_.deadline, std::chrono::steady_clock::now() + kExitGrace);
    auto exit_text = engine_.WaitExit(grace);
    const std::string how = exit_text.ok() ? *exit_text : exit_text.status().message();
    MigrationOutcome died = Outcome(MigrationEnd::kEngineDied, step + ": " + status.message() + "; engine " + how);
    died.engine_output = LastLines(engine_.Output(), kOutputLinesInErrors);
    return died;
  }

  EngineProcess& engine_;
  const MigrationRequest& request_;
  const std::chrono::steady_clock::time_point started_;
  std::optional<std::chrono::steady_clock::time_point> migrate_sent_;
};

}  // namespace

MigrationOutcome DriveMigration(EngineProcess& engine, const MigrationRequest& request) {
  return MigrationSession(engine, request).Run();
}

}  // namespace dioh
