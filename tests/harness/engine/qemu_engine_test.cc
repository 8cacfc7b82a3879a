// The QEMU driver against the machine's real QEMU (label qemu): the guest
// the harness writes is what QEMU saves, a live save is cut exactly, and the
// destination's RAM read back equals the model page by page, PCI VGA's vram
// included (its BAR comes to the destination with the migrated PCI config).
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "harness/checks/check_functions.h"
#include "harness/engine/engine_driver.h"
#include "harness/engine/guest_session.h"
#include "harness/qmp/qmp_client.h"
#include "migration/format/byte_source.h"
#include "migration/format/stream_parser.h"
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
    // ram-equal itself, on the file and the destination's RAM: every block
    // found under QEMU's name, every page compared.
    file_bytes_ = Bytes(dir_ + "/guest.img");
    const mrm::format::MemoryByteSource file(file_bytes_);
    CheckInput input;
    input.file = &file;
    input.ram = expect.get();
    input.loaded_ram = *pieces;
    input.save = saved_;
    input.load = loaded;
    ram_equal_ = checks::CheckRamEqual(input);
    EXPECT_EQ(ram_equal_.status, CheckStatus::kPass) << ram_equal_.detail;
    EXPECT_EQ(ram_equal_.detail.rfind(std::to_string(compared) + " pages equal the model", 0), 0u) << ram_equal_.detail;
  }

  static std::vector<std::uint8_t> Bytes(const std::string& path) {
    const std::string text = ReadFile(path);
    return std::vector<std::uint8_t>(text.begin(), text.end());
  }

  GuestSetup guest_;
  MigrationOutcome saved_;
  CheckResult ram_equal_;
  std::vector<std::uint8_t> file_bytes_;  // the saved file
};

// pc.ram and PCI VGA's vram, the guest paused: 8096 pages of pc.ram (32 MiB
// less the legacy hole) and 2048 of vram, in the file and in the destination.
TEST_F(QemuEngineTest, APausedGuestWithPciVgaIsSavedAndLoadedPageForPage) {
  QEMU_OR_SKIP(qemu);
  guest_.ram = "pc.ram=32M,vga.vram=8M";
  guest_.seed = 3;
  SaveLoadAndCompare(qemu);
  EXPECT_TRUE(saved_.total_time_ms.has_value());
  EXPECT_EQ(ram_equal_.detail.rfind("10144 pages equal the model after pass 0 in the file and 10144 in the "
                                    "destination's RAM after the load", 0), 0u) << ram_equal_.detail;
  auto parsed = mrm::format::ParseMigrationFile(mrm::format::MemoryByteSource(file_bytes_));
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  std::vector<std::string> names;
  for (const auto& block : parsed->ram_blocks) names.push_back(block.idstr);
  EXPECT_NE(std::find(names.begin(), names.end(), "0000:00:01.0/vga.vram"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "vga.vram"), names.end());  // not isa-vga's
}

// Three model passes while QEMU saves: at least three dirty syncs before the
// cut at pre-switchover, each pass written between two; the destination
// holds the last one.
TEST_F(QemuEngineTest, ALiveSaveMakesThreeSyncsAndIsCutExactlyAtTheSwitchover) {
  QEMU_OR_SKIP(qemu);
  guest_.ram = "pc.ram=64M,vga.vram=4M";
  guest_.seed = 5;
  guest_.dirty_fraction = 0.2;
  guest_.passes = 3;
  SaveLoadAndCompare(qemu);
  ASSERT_TRUE(saved_.syncs_at_switchover.has_value()) << "QEMU never stopped at pre-switchover";
  RecordProperty("syncs_at_switchover", static_cast<int>(*saved_.syncs_at_switchover));
  EXPECT_GE(*saved_.syncs_at_switchover, 3u);
  EXPECT_EQ(saved_.passes_written_at_switchover, 0u);  // no pass was late: QEMU did not converge early
  ASSERT_TRUE(saved_.dirty_syncs.has_value());
  EXPECT_GT(*saved_.dirty_syncs, *saved_.syncs_at_switchover);  // the final sync follows migrate-continue
  CheckInput input;
  input.facts.passes = 3;
  input.save = saved_;
  const CheckResult passes = checks::CheckLivePasses(input);
  EXPECT_EQ(passes.status, CheckStatus::kPass) << passes.detail;
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
