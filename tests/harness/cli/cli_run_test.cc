// dioharness run / merge / demo from the outside: reports written, bad input
// refused with the file and field, a missing engine named, and Ctrl-C leaving
// nothing mounted or running.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "harness/mount/mounted_diofs.h"
#include "tests/harness/cli/process_util.h"
#include "tests/harness/report/junit_check.h"

namespace {

using cli_test::ReadFile;

bool MountedUnder(const std::string& dir) {
  return ReadFile("/proc/self/mounts").find(dir) != std::string::npos;
}

class CliRunTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = cli_test::MakeTempDir("cli_run_test");
    ASSERT_NE(dir_, "");
    std::filesystem::create_directories(dir_ + "/tmp");
  }
  void TearDown() override {
    EXPECT_FALSE(MountedUnder(dir_)) << "a mount was left under " << dir_;
    if (std::filesystem::exists(dir_ + "/tmp")) {
      EXPECT_TRUE(std::filesystem::is_empty(dir_ + "/tmp"));
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  void InterruptHungRun(const std::vector<std::string>& engine_env);
  // Runs dioharness with TMPDIR inside the test's folder.
  int Run(const std::vector<std::string>& args, std::string* out = nullptr, std::string* err = nullptr,
          std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    std::vector<std::string> argv = {DIOHARNESS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    cli_test::Child child = cli_test::Start(argv, dir_, {"TMPDIR=" + dir_ + "/tmp"});
    const int code = cli_test::Wait(child, timeout);
    if (out != nullptr) *out = ReadFile(child.out_path);
    if (err != nullptr) *err = ReadFile(child.err_path);
    return code;
  }
  std::string dir_;
};

constexpr const char* kSmall = R"({
  "name": "small",
  "guest": {"ram": "pc.ram=8M"},
  "capabilities": {"mapped-ram": true, "multifd": true},
  "parameters": {"multifd-channels": 2, "direct-io": true},
  "expect": {"status": "completed"}
})";

TEST_F(CliRunTest, RunWritesTheReportsAndPasses) {
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
  const std::string scenario = Write("small.json", kSmall);
  std::string out, err;
  EXPECT_EQ(Run({"run", scenario, "--out", dir_ + "/out"}, &out, &err), 0) << out << err;
  EXPECT_NE(out.find("[1/1] small@strict-4k"), std::string::npos) << out;
  EXPECT_NE(out.find("PASS"), std::string::npos) << out;
  // Through a pipe (here a file): whole progress lines from query-migrate, no terminal controls.
  EXPECT_NE(out.find("[1/1] small@strict-4k  save  completed, pass 2: "), std::string::npos) << out;  // dirty-sync-count, as QEMU reports it
  EXPECT_NE(out.find("[1/1] small@strict-4k  load  completed"), std::string::npos) << out;  // a destination reports its status only, as QEMU
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  for (const char* file : {"report.json", "report.md", "report.xml", "maps/small@strict-4k.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir_ + "/out/" + file)) << file;
  }
  const auto report = nlohmann::json::parse(ReadFile(dir_ + "/out/report.json"));
  EXPECT_EQ(report["passed"], 1);
  EXPECT_GT(report["wall_seconds"].get<double>(), 0.0);
}

// --maps none draws nothing: no maps folder for run, no write-map.svg for
// demo (not even one left by an earlier demo in the same folder).
TEST_F(CliRunTest, MapsNoneWritesNoMap) {
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
  const std::string scenario = Write("small.json", kSmall);
  std::string out, err;
  EXPECT_EQ(Run({"run", scenario, "--maps", "none", "--out", dir_ + "/run"}, &out, &err), 0) << out << err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/run/report.json"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/run/maps"));
  std::filesystem::create_directories(dir_ + "/demo");
  Write("demo/write-map.svg", "<svg/>");
  EXPECT_EQ(Run({"demo", "--ram", "pc.ram=8M", "--maps", "none", "--out", dir_ + "/demo"}, &out, &err), 0) << out << err;
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/demo/report.json"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/demo/write-map.svg"));
  EXPECT_EQ(out.find("write-map.svg"), std::string::npos) << out;
  // The demo runs its engines under libdiocheck, so buffers-aligned is judged, not skipped.
  const auto demo = nlohmann::json::parse(ReadFile(dir_ + "/demo/report.json"));
  for (const auto& check : demo["results"][0]["checks"]) {
    if (check["name"] == "buffers-aligned") {
      EXPECT_EQ(check["status"], "pass") << check.dump();
    }
  }
}

TEST_F(CliRunTest, AMalformedScenarioNamesTheFileAndTheField) {
  const std::string scenario = Write("bad.json", R"({"name": "bad", "guest": {"passes": 0}, "expect": {"status": "completed"}})");
  std::string out, err;
  EXPECT_EQ(Run({"run", scenario}, &out, &err), 2);
  EXPECT_NE(err.find("bad.json"), std::string::npos) << err;
  EXPECT_NE(err.find("guest.passes"), std::string::npos) << err;
}

TEST_F(CliRunTest, BrokenJsonNamesTheFile) {
  const std::string scenario = Write("broken.json", "{\"name\": \"x\",\n \"guest\": {\n");
  std::string err;
  EXPECT_EQ(Run({"run", scenario}, nullptr, &err), 2);
  EXPECT_NE(err.find("broken.json"), std::string::npos) << err;
}

TEST_F(CliRunTest, AMissingEngineBinaryIsAClearError) {
  const std::string scenario = Write("small.json", kSmall);
  std::string err;
  EXPECT_EQ(Run({"run", scenario, "--engine", "qemu:/no/such/qemu-system-x86_64"}, nullptr, &err), 2);
  EXPECT_NE(err.find("/no/such/qemu-system-x86_64"), std::string::npos) << err;
}

// Shard `index` of `count` of the runs a..c@strict-4k, holding run `scenario`.
std::string ShardReport(int index, int count, const std::string& scenario) {
  nlohmann::json report = nlohmann::json::parse(R"json({"title": "dioharness matrix", "started_at": "2026-11-30T07:00:00Z",
    "wall_seconds": 3.0, "configuration": {"engine": "mrmigrate"},
    "results": [{"scenario": "a", "profile": "strict-4k", "expected": "completed", "outcome": "completed",
                 "verdict": "pass", "seconds": 1.0, "checks": []}]})json");
  report["title"] = "dioharness matrix (shard " + std::to_string(index) + "/" + std::to_string(count) + ")";
  report["results"][0]["scenario"] = scenario;
  report["shard"] = {{"index", index}, {"count", count},
                     {"set", {{"description", "matrix of s (3 runs)"}, {"runs", 3}, {"digest", "00000000000000aa"}}}};
  return report.dump();
}

TEST_F(CliRunTest, MergeJoinsShardReports) {
  const std::string one = Write("one.json", ShardReport(1, 2, "a"));
  const std::string two = Write("two.json", ShardReport(2, 2, "b"));
  std::string out, err;
  EXPECT_EQ(Run({"merge", one, two, "--out", dir_ + "/merged"}, &out, &err), 0) << err;
  const auto merged = nlohmann::json::parse(ReadFile(dir_ + "/merged/report.json"));
  EXPECT_EQ(merged["title"], "dioharness matrix");
  EXPECT_EQ(merged["results"].size(), 2u);
  EXPECT_FALSE(merged.contains("shard"));
  EXPECT_EQ(Run({"merge", Write("junk.json", "[1,2]")}, nullptr, &err), 2);
  EXPECT_NE(err.find("junk.json"), std::string::npos) << err;
}

// The issue's cases: the same report twice counted every run twice, and
// shard 1 of 2 alone passed with exit 0.
TEST_F(CliRunTest, MergeRefusesDuplicatesAndNamesMissingShards) {
  const std::string one = Write("one.json", ShardReport(1, 3, "a"));
  std::string out, err;
  EXPECT_EQ(Run({"merge", one, one, "--out", dir_ + "/dup"}, &out, &err), 2);
  EXPECT_EQ(err, "dioharness merge: shard 1/3 given twice: " + one + " and " + one + "\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/dup"));

  const std::string same_run = Write("same-run.json", ShardReport(2, 3, "a"));
  EXPECT_EQ(Run({"merge", one, same_run, "--out", dir_ + "/dup"}, &out, &err), 2);
  EXPECT_NE(err.find("run a@strict-4k is in " + one + " and in " + same_run), std::string::npos) << err;

  const std::string three = Write("three.json", ShardReport(3, 3, "c"));
  EXPECT_EQ(Run({"merge", three, "--out", dir_ + "/partial"}, &out, &err), 1);
  EXPECT_EQ(err, "dioharness merge: shards 1, 2 of 3 missing: nothing written (--allow-partial merges what is here)\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/partial"));

  EXPECT_EQ(Run({"merge", one, three, "--allow-partial", "--out", dir_ + "/partial"}, &out, &err), 0) << err;
  EXPECT_NE(err.find("shard 2 of 3 missing, merged the rest as asked"), std::string::npos) << err;
  const auto merged = nlohmann::json::parse(ReadFile(dir_ + "/partial/report.json"));
  EXPECT_EQ(merged["title"], "dioharness matrix (partial: shard 2 of 3 missing)");
  EXPECT_EQ(merged["configuration"]["missing shards"], "2");
}

// Runs the small scenario on the hung engine, with `engine_env` in the
// environment, and sends SIGINT once diofs is mounted and the engine has
// its QMP socket; checks what every interrupted run must show.
void CliRunTest::InterruptHungRun(const std::vector<std::string>& engine_env) {
  // The hung engine never finishes: only the interrupt can end this run.
  std::string scenario_text = kSmall;
  scenario_text.replace(scenario_text.find("\"name\""), 0, "\"timeout_seconds\": 600, ");
  const std::string scenario = Write("small.json", scenario_text);
  std::vector<std::string> argv = {DIOHARNESS_BIN, "run", scenario, "--out", dir_ + "/out",
                                   "--engine", std::string("mrmigrate:") + HUNG_QMP_ENGINE};
  std::vector<std::string> env = {"TMPDIR=" + dir_ + "/tmp"};
  env.insert(env.end(), engine_env.begin(), engine_env.end());
  cli_test::Child child = cli_test::Start(argv, dir_, env);
  // Wait until diofs is mounted and the engine has its QMP socket.
  ASSERT_TRUE(cli_test::WaitUntil(child, [&] { return MountedUnder(dir_); }, std::chrono::seconds(20)))
      << ReadFile(child.err_path);
  ASSERT_TRUE(cli_test::WaitUntil(child, [&] {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ + "/tmp", std::filesystem::directory_options::skip_permission_denied)) {
      if (entry.is_socket()) return true;
    }
    return false;
  }, std::chrono::seconds(20)));
  kill(child.pid, SIGINT);
  EXPECT_EQ(cli_test::Wait(child, std::chrono::seconds(30)), 130) << ReadFile(child.err_path);
  EXPECT_NE(ReadFile(child.err_path).find("interrupted"), std::string::npos);
  // The run in flight could not be judged: an <error> in a report.xml that CI reads whole.
  const auto report = nlohmann::json::parse(ReadFile(dir_ + "/out/report.json"));
  ASSERT_EQ(report["results"].size(), 1u);
  EXPECT_EQ(report["results"][0]["verdict"], "error");
  EXPECT_EQ(report["results"][0]["reason"], "interrupted by signal 2 (SIGINT): not judged");
  // The harness's own SIGKILL of the engine is no crash, and nothing is judged.
  EXPECT_EQ(report["results"][0]["outcome"].get<std::string>().rfind("interrupted", 0), 0u) << report["results"][0]["outcome"];
  EXPECT_TRUE(report["results"][0]["checks"].empty()) << report["results"][0]["checks"];
  EXPECT_EQ(junit_check::Problems(dir_ + "/out/report.xml"), "");
  EXPECT_NE(ReadFile(dir_ + "/out/report.xml").find("<error message=\"interrupted by signal 2 (SIGINT)"), std::string::npos);
}

TEST_F(CliRunTest, CtrlCKillsTheEngineUnmountsAndExits130) {
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
  InterruptHungRun({});
}

// Ctrl-C while the engine is still being launched (it never greets on
// QMP): the launch then fails because the harness killed the engine, and
// the outcome is the interrupt, not engine-died. (Under ThreadSanitizer the
// test above met this window: "engine-died: ... qmp_capabilities: QMP
// receive: Connection reset by peer".)
TEST_F(CliRunTest, CtrlCDuringTheEngineLaunchIsAnInterruptNotADeadEngine) {
  if (auto reason = dioh::MountedDiofs::FuseUnusableReason()) GTEST_SKIP() << "FUSE unusable here: " << *reason;
  InterruptHungRun({"HUNG_QMP_ENGINE_NO_GREETING=1"});
}

}  // namespace
