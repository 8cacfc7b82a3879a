// The QEMU driver against the machine's real QEMU (label qemu): the guest
// the harness writes is what QEMU saves, a live save is cut exactly, and the
// destination's RAM read back equals the model page by page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/engine/engine_driver.h"
#include "harness/engine/guest_session.h"
#include "harness/qmp/qmp_client.h"
#include "tests/harness/engine/engine_test_util.h"

namespace dioh {
namespace {

using namespace std::chrono_literals;

class QemuEngineTest : public engine_test::WorkDirTest {
 protected:
  EngineLaunch Launch(const std::string& label, bool incoming) const {
    EngineLaunch launch;
    launch.work_dir = dir_;
    launch.label = label;
    launch.incoming = incoming;
    launch.guest = guest_;
    return launch;
  }
  MigrationRequest Request(bool incoming) const {
    MigrationRequest request;
    request.capabilities = {{"mapped-ram", true}, {"multifd", true}};
    request.parameters = nlohmann::json{{"multifd-channels", 2}, {"max-bandwidth", 0}};
    request.uri = "file:" + dir_ + "/guest.img";
    request.incoming = incoming;
    request.deadline = DeadlineIn(120s);
    return request;
  }
  // RAM pieces compared page by page with the driver's expectation: the
  // first difference, or "".
  static std::string Compare(const RamExpectation& expect, const std::vector<LoadedRamPiece>& pieces,
                             std::uint64_t& compared) {
    std::vector<std::uint8_t> page(4096);
    for (const LoadedRamPiece& piece : pieces) {
      std::ifstream in(piece.path, std::ios::binary);
      for (std::uint64_t off = 0; off < piece.length; off += page.size()) {
        if (!in.read(reinterpret_cast<char*>(page.data()), static_cast<std::streamsize>(page.size()))) return "short dump";
        const std::uint64_t index = (piece.block_offset + off) / page.size();
        if (!expect.Compared(piece.idstr, index)) continue;
        ++compared;
        const Status same = expect.Verify(piece.idstr, index, page.data());
        if (!same.ok()) return same.message();
      }
    }
    return "";
  }
  // Save with one QEMU, load into a second, read the second's RAM back.
  void SaveLoadAndCompare(const std::string& qemu) {
    auto driver = MakeEngineDriver("qemu:" + qemu);
    ASSERT_TRUE(driver.ok()) << driver.status().message();
    auto expect = (*driver)->Expectation(guest_);
    ASSERT_NE(expect, nullptr);
    auto source = (*driver)->Launch(Launch("source", false), DeadlineIn(30s));
    ASSERT_TRUE(source.ok()) << source.status().message();
    saved_ = DriveMigration(**source, Request(false));
    ASSERT_EQ(saved_.ToString(), "completed") << (*source)->Output();
    EXPECT_EQ(*QuitEngine(**source, DeadlineIn(10s)), "exit 0");
    auto destination = (*driver)->Launch(Launch("destination", true), DeadlineIn(30s));
    ASSERT_TRUE(destination.ok()) << destination.status().message();
    const MigrationOutcome loaded = DriveMigration(**destination, Request(true));
    ASSERT_EQ(loaded.ToString(), "completed") << (*destination)->Output();
    ASSERT_NE((*destination)->guest(), nullptr);
    auto pieces = (*destination)->guest()->ReadBack((*destination)->qmp(), dir_, DeadlineIn(30s));
    ASSERT_TRUE(pieces.ok()) << pieces.status().message();
    EXPECT_EQ(*QuitEngine(**destination, DeadlineIn(10s)), "exit 0");
    std::uint64_t compared = 0;
    EXPECT_EQ(Compare(*expect, *pieces, compared), "");
    RecordProperty("pages_compared", static_cast<int>(compared));
    EXPECT_GT(compared, 0u);
  }

  GuestSetup guest_;
  MigrationOutcome saved_;
};

TEST_F(QemuEngineTest, APausedGuestIsSavedAndLoadedPageForPage) {
  QEMU_OR_SKIP(qemu);
  guest_.ram = "pc.ram=32M";
  guest_.seed = 3;
  SaveLoadAndCompare(qemu);
  EXPECT_TRUE(saved_.total_time_ms.has_value());
}

// Three model passes while QEMU saves: the destination holds the last one.
TEST_F(QemuEngineTest, ALiveSaveIsCutExactlyAtTheSwitchover) {
  QEMU_OR_SKIP(qemu);
  guest_.ram = "pc.ram=64M";
  guest_.seed = 5;
  guest_.dirty_fraction = 0.2;
  guest_.passes = 3;
  SaveLoadAndCompare(qemu);
  ASSERT_TRUE(saved_.syncs_at_switchover.has_value()) << "QEMU never stopped at pre-switchover";
  RecordProperty("syncs_at_switchover", static_cast<int>(*saved_.syncs_at_switchover));
  ASSERT_TRUE(saved_.dirty_syncs.has_value());
  EXPECT_GT(*saved_.dirty_syncs, *saved_.syncs_at_switchover);  // the final sync follows migrate-continue
}

TEST_F(QemuEngineTest, WhatQemuCannotRunIsSaidBeforeAnythingStarts) {
  QEMU_OR_SKIP(qemu);
  auto driver = MakeEngineDriver("qemu:" + qemu);
  ASSERT_TRUE(driver.ok());
  Scenario scenario;
  scenario.guest.ram = "pc.ram=64M";
  EXPECT_EQ((*driver)->CannotRun(scenario), std::nullopt);
  scenario.parameters = nlohmann::json{{"x-inject", nlohmann::json::array({"odirect-main-channel"})}};
  EXPECT_NE((*driver)->CannotRun(scenario).value_or("").find("x-inject is mrmigrate's"), std::string::npos);
  scenario.parameters = nlohmann::json::object();
  scenario.no_direct_io_build = true;
  EXPECT_NE((*driver)->CannotRun(scenario).value_or("").find("cannot be switched off"), std::string::npos);
  scenario.no_direct_io_build = false;
  scenario.guest.ram = "pc.ram=64M,hypervisor.heap=1M";
  EXPECT_NE((*driver)->CannotRun(scenario).value_or("").find("'hypervisor.heap'"), std::string::npos);
}

}  // namespace
}  // namespace dioh
