#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/scenario/scenario.h"

namespace dioh {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

constexpr const char* kFile = "harness/scenarios/x.json";

// The error of parsing `text`, or "" if it parsed.
std::string ErrorOf(const std::string& text) {
  auto scenario = ParseScenario(text, kFile);
  return scenario.ok() ? "" : scenario.status().message();
}

TEST(ScenarioParseTest, EveryFieldIsRead) {
  auto scenario = ParseScenario(R"({
    "name": "dio-64k-live",
    "description": "a live save on 64 KiB storage",
    "diofs": {"profile": "strict-64k", "backend": "passthrough", "on_violation": "record",
              "device": "nvme,write-bw=200M", "capacity": "512M",
              "faults": {"seed": 3, "rules": [{"op": "write", "when": {"nth": 2}, "action": {"errno": "EIO"}}]}},
    "guest": {"ram": "pc.ram=64M,vga.vram=16M", "seed": 7, "zero_fraction": 0.25,
              "dirty_fraction": 0.1, "passes": 3},
    "capabilities": {"mapped-ram": true, "multifd": true},
    "parameters": {"direct-io": true, "multifd-channels": 4},
    "uri_offset": 8192, "preload": true, "load": false, "no_direct_io_build": true,
    "timeout_seconds": 2.5, "expect": {"status": "failed", "error": "No build-time support for direct-io"},
    "matrix": true})", kFile);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  EXPECT_EQ(scenario->name, "dio-64k-live");
  EXPECT_EQ(scenario->source_file, kFile);
  EXPECT_EQ(scenario->description, "a live save on 64 KiB storage");
  EXPECT_EQ(scenario->diofs.profile, "strict-64k");
  EXPECT_EQ(scenario->diofs.backend, "passthrough");
  EXPECT_EQ(scenario->diofs.on_violation, "record");
  EXPECT_EQ(scenario->diofs.device, "nvme,write-bw=200M");
  EXPECT_EQ(scenario->diofs.capacity, "512M");
  // Kept as the text diofs --faults reads.
  EXPECT_EQ(nlohmann::json::parse(scenario->diofs.faults)["seed"], 3);
  EXPECT_EQ(scenario->guest.ram, "pc.ram=64M,vga.vram=16M");
  EXPECT_EQ(scenario->guest.seed, 7u);
  EXPECT_DOUBLE_EQ(scenario->guest.zero_fraction, 0.25);
  EXPECT_DOUBLE_EQ(scenario->guest.dirty_fraction, 0.1);
  EXPECT_EQ(scenario->guest.passes, 3u);
  EXPECT_EQ(scenario->capabilities, (std::map<std::string, bool>{{"mapped-ram", true}, {"multifd", true}}));
  EXPECT_EQ(scenario->parameters.json()["multifd-channels"], 4);
  EXPECT_EQ(scenario->uri_offset, 8192u);
  EXPECT_TRUE(scenario->preload);
  EXPECT_FALSE(scenario->load);
  EXPECT_TRUE(scenario->no_direct_io_build);
  EXPECT_DOUBLE_EQ(scenario->timeout_seconds, 2.5);
  ASSERT_TRUE(scenario->expect.has_value());
  EXPECT_EQ(scenario->expect->ToString(), "failed: No build-time support for direct-io");
  EXPECT_TRUE(scenario->matrix);
}

TEST(ScenarioParseTest, OnlyTheNameIsRequired) {
  auto scenario = ParseScenario(R"({"name": "plain"})", kFile);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  const Scenario defaults;
  EXPECT_EQ(scenario->diofs.profile, defaults.diofs.profile);
  EXPECT_EQ(scenario->guest.ram, defaults.guest.ram);
  EXPECT_TRUE(scenario->capabilities.empty());
  EXPECT_TRUE(scenario->parameters.json().is_object() && scenario->parameters.json().empty());
  EXPECT_TRUE(scenario->diofs.faults.empty());
  EXPECT_FALSE(scenario->expect.has_value());
  EXPECT_TRUE(scenario->load);
  EXPECT_FALSE(scenario->matrix);
}

TEST(ScenarioParseTest, ExpectCompletedHasNoError) {
  auto scenario = ParseScenario(R"({"name": "a", "expect": {"status": "completed"}})", kFile);
  ASSERT_TRUE(scenario.ok()) << scenario.status().message();
  EXPECT_EQ(scenario->expect->status, ExpectedOutcome::Status::kCompleted);
  EXPECT_EQ(ErrorOf(R"({"name": "a", "expect": {"status": "completed", "error": "x"}})"),
            std::string(kFile) + ": field 'expect.error': only a failed outcome has an error");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "expect": {"status": "failed"}})"),
            std::string(kFile) + ": field 'expect.error': a failed outcome needs the error-desc it must carry");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "expect": {"status": "done"}})"),
            std::string(kFile) + ": field 'expect.status': must be \"completed\" or \"failed\"");
}

TEST(ScenarioParseTest, AnErrorTextIsOneForAllEnginesOrOneForEach) {
  auto scenario = ParseScenario(R"({"name": "a", "expect": {"status": "failed",
    "error": {"mrmigrate": "multifd send (*): x", "qemu": "Unable to write to file: x"}}})", kFile);
  ASSERT_TRUE(scenario.ok()) << scenario.status().ToString();
  const ExpectedOutcome& expect = *scenario->expect;
  EXPECT_EQ(expect.ForEngine("qemu")->error, "Unable to write to file: x");
  EXPECT_EQ(expect.ForEngine("mrmigrate")->error, "multifd send (*): x");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "expect": {"status": "failed", "error": {"mrmigrate": "x"}}})"),
            std::string(kFile) + ": field 'expect.error.qemu': missing: name every engine's text, or give one pattern for all");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "expect": {"status": "failed", "error": {"mrmigrate": "x", "qemu": "y", "kvm": "z"}}})"),
            std::string(kFile) + ": field 'expect.error.kvm': not an engine (mrmigrate, qemu)");
  EXPECT_TRUE(Contains(ErrorOf(R"({"name": "a", "expect": {"status": "failed", "error": {"mrmigrate": 1, "qemu": "y"}}})"),
                       "'expect.error.mrmigrate': a failed outcome needs"));
  EXPECT_TRUE(Contains(ErrorOf(R"({"name": "a", "expect": {"status": "failed", "error": ["x"]}})"),
                       "'expect.error': must be a string, or an object"));
}

TEST(ScenarioParseTest, ErrorsNameTheFileAndTheField) {
  const std::string file = kFile;
  EXPECT_EQ(ErrorOf(R"({})"), file + ": field 'name': missing (every scenario is named)");
  EXPECT_EQ(ErrorOf(R"({"name": "Bad_Name"})"), file + ": field 'name': must be lower-case letters, digits and '-' only");
  EXPECT_EQ(ErrorOf(R"({"name": 3})"), file + ": field 'name': must be a string");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"passes": 0}})"),
            file + ": field 'guest.passes': must be an integer in [1, 4294967295]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"passes": 1.5}})"),
            file + ": field 'guest.passes': must be an integer in [1, 4294967295]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"zero_fraction": 1.5}})"),
            file + ": field 'guest.zero_fraction': must be a number in [0, 1]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"dirty_fraction": -0.1}})"),
            file + ": field 'guest.dirty_fraction': must be a number in [0, 1]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"seed": -1}})"),
            file + ": field 'guest.seed': must be an integer in [0, 18446744073709551615]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": []})"), file + ": field 'guest': must be an object");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "preload": "yes"})"), file + ": field 'preload': must be true or false");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "timeout_seconds": 0})"),
            file + ": field 'timeout_seconds': must be a number of seconds in (0, 86400]");
  // 1e10 seconds overflowed the deadline arithmetic and failed the run at once.
  EXPECT_EQ(ErrorOf(R"({"name": "a", "timeout_seconds": 1e10})"),
            file + ": field 'timeout_seconds': must be a number of seconds in (0, 86400]");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "known_engine_bugs": [{"engine": "kvm"}]})"),
            file + ": field 'known_engine_bugs[0].engine': must be \"qemu\" or \"mrmigrate\"");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "known_engine_bugs": [{"engine": "qemu", "summary": "x", "versions": []}]})"),
            file + ": field 'known_engine_bugs[0].versions': must be a list of strings, not empty");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "known_engine_bugs": [7]})"), file + ": field 'known_engine_bugs[0]': must be an object");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "capabilities": {"multifd": "on"}})"),
            file + ": field 'capabilities.multifd': must be true or false");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "capabilities": {"mapped_ram": true}})"),
            file + ": field 'capabilities.mapped_ram': not a QEMU migration capability");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "parameters": [1]})"),
            file + ": field 'parameters': must be an object of migrate-set-parameters arguments");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "diofs": {"backend": "disk"}})"),
            file + ": field 'diofs.backend': must be \"mem\" or \"passthrough\"");
}

TEST(ScenarioParseTest, UnknownFieldsAreErrors) {
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "pases": 2})"),
              std::string(kFile) + ": field 'pases': unknown field (known: name, description,");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "guest": {"pases": 2}})"), ": field 'guest.pases': unknown field");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"profil": "x"}})"), ": field 'diofs.profil': unknown field");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "expect": {"status": "completed", "why": 1}})"),
              ": field 'expect.why': unknown field");
}

TEST(ScenarioParseTest, ValuesAreCheckedByTheirOwners) {
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"profile": "strict-8k"}})"),
              ": field 'diofs.profile': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"profile": "strict-8k"}})"), "strict-4k");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"on_violation": "ignore"}})"), ": field 'diofs.on_violation': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"device": "floppy"}})"), ": field 'diofs.device': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"capacity": "lots"}})"), ": field 'diofs.capacity': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"faults": {"rules": [{"op": "wrte"}]}}})"),
              ": field 'diofs.faults': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "diofs": {"faults": []}})"), ": field 'diofs.faults': must be an object");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "guest": {"ram": "pc.ram=5000"}})"), ": field 'guest.ram': ");
  EXPECT_EQ(ErrorOf(R"({"name": "a", "guest": {"ram": "a=4K,a=8K"}})"),
            std::string(kFile) + ": field 'guest.ram': names block a twice");
  // QEMU's own checks of migrate-set-parameters, with the parameter named.
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "parameters": {"multifd-channels": "four"}})"),
              ": field 'parameters': ");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "parameters": {"multifd-channels": "four"}})"), "multifd-channels");
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "parameters": {"direct_io": true}})"), "direct_io");
  // Of two unknown parameters, the first by name is reported, whatever the file's order.
  EXPECT_PRED2(Contains, ErrorOf(R"({"name": "a", "parameters": {"zz-unknown": 1, "aa-unknown": 2}})"),
               "Parameter 'aa-unknown' is unexpected");
}

TEST(ScenarioParseTest, SyntaxErrorsGiveLineAndColumn) {
  EXPECT_PRED2(Contains, ErrorOf("{\n  \"name\": \"a\",\n  \"load\": tru\n}"),
              std::string(kFile) + ": line 3, column 14: JSON syntax error: ");
  EXPECT_PRED2(Contains, ErrorOf("{\"name\": \"a\",}"), std::string(kFile) + ": line 1, column 14: JSON syntax error");
  EXPECT_EQ(ErrorOf("[1]"), std::string(kFile) + ": a scenario must be a JSON object");
}

class ScenarioDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "scenario-dir-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ + "/" + name) << text; }
  std::string dir_;
};

TEST_F(ScenarioDirTest, ReadsEveryJsonFileSortedByFileName) {
  Write("b.json", R"({"name": "first"})");
  Write("a.json", R"({"name": "second"})");
  Write("notes.txt", "not a scenario");
  auto scenarios = LoadScenarioDir(dir_);
  ASSERT_TRUE(scenarios.ok()) << scenarios.status().message();
  ASSERT_EQ(scenarios->size(), 2u);
  EXPECT_EQ((*scenarios)[0].name, "second");
  EXPECT_EQ((*scenarios)[0].source_file, dir_ + "/a.json");
  EXPECT_EQ((*scenarios)[1].name, "first");
}

TEST_F(ScenarioDirTest, NamesMustBeUnique) {
  Write("a.json", R"({"name": "same"})");
  Write("b.json", R"({"name": "same"})");
  auto scenarios = LoadScenarioDir(dir_);
  ASSERT_FALSE(scenarios.ok());
  EXPECT_EQ(scenarios.status().message(),
            dir_ + "/b.json: field 'name': 'same' is already the name of " + dir_ + "/a.json");
}

TEST_F(ScenarioDirTest, ABadFileNamesItself) {
  Write("a.json", R"({"name": "ok"})");
  Write("b.json", R"({"name": "bad", "load": 1})");
  auto scenarios = LoadScenarioDir(dir_);
  ASSERT_FALSE(scenarios.ok());
  EXPECT_EQ(scenarios.status().message(), dir_ + "/b.json: field 'load': must be true or false");
}

TEST_F(ScenarioDirTest, MissingFileAndFolderAreErrors) {
  auto file = LoadScenarioFile(dir_ + "/none.json");
  ASSERT_FALSE(file.ok());
  EXPECT_PRED2(Contains, file.status().message(), dir_ + "/none.json: cannot read");
  auto dir = LoadScenarioDir(dir_ + "/none");
  ASSERT_FALSE(dir.ok());
  EXPECT_PRED2(Contains, dir.status().message(), dir_ + "/none: cannot list");
}

}  // namespace
}  // namespace dioh
