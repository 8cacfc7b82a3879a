// QMP conformance: one exchange (greeting, capabilities, parameters, their
// errors, HMP text, an unknown command, `migrate` to a path that cannot be
// created) goes to `mrmigrate qmp` and to the real QEMU of the machine
// (-machine q35 -accel tcg -nodefaults -S), and the answers are compared:
// error class and text exactly, return values exactly or, where the two
// versions differ, by keys and types. The differences between QEMU 10.0 (the
// machine's) and the 10.2 that mrmigrate follows are the allow-list below,
// one comment each; anything else is a failure.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/harness/engine/engine_test_util.h"
#include "tests/migration/qmp/raw_qmp_client.h"

extern char** environ;

namespace mrm::qmp::testing {
namespace {

using params::Json;

// --- The allow-list: QEMU 10.0.2 against mrmigrate (QEMU 10.2). ---
// 10.0 still lists the capability of block migration, removed later.
const std::set<std::string> kCapabilitiesOnlyInQemu100 = {"zero-blocks"};
// cpr-exec-command arrived after 10.0; x-inject is mrmigrate's own.
const std::set<std::string> kParametersOnlyInMrmigrate = {"cpr-exec-command", "x-inject"};
// `info migrate_parameters` lines of 10.0 that 10.2 prints otherwise:
// max-postcopy-bandwidth got its unit, and 10.2 prints cpr-exec-command.
const std::set<std::string> kHmpLinesOnlyInQemu100 = {"max-postcopy-bandwidth: 0"};
const std::set<std::string> kHmpLinesOnlyInMrmigrate = {"max-postcopy-bandwidth: 0 bytes/second",
                                                        "cpr-exec-command:"};

// A QMP server process (its own process group), killed at the end.
class Server {
 public:
  Server(const std::vector<std::string>& argv, const std::string& socket, const std::string& log) {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    spawned_ = ::posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    // The socket appears once the server listens: retry the connect, with a
    // bounded back-off, until a deadline.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (auto backoff = std::chrono::milliseconds(1); spawned_ && std::chrono::steady_clock::now() < deadline;
         backoff = std::min(backoff * 2, std::chrono::milliseconds(50))) {
      client_ = std::make_unique<RawClient>(socket);
      if (client_->connected()) break;
      client_.reset();
      std::this_thread::sleep_for(backoff);
    }
  }
  ~Server() {
    client_.reset();
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  RawClient* client() { return client_.get(); }

 private:
  pid_t pid_ = -1;
  bool spawned_ = false;
  std::unique_ptr<RawClient> client_;
};

// What one engine answered, step by step.
struct Transcript {
  Json greeting;
  std::map<std::string, Json> answers;  // step name -> reply (or event statuses)
};

std::string Request(const std::string& command, const Json& arguments = Json()) {
  Json request = {{"execute", command}};
  if (!arguments.is_null()) request["arguments"] = arguments;
  return request.dump();
}

Json Caps(const std::string& name, const Json& state) {
  return {{"capabilities", Json::array({Json{{"capability", name}, {"state", state}}})}};
}

// The exchange, the same for both engines. `missing` is a path that cannot be created.
Transcript RunExchange(RawClient& c, const std::string& missing) {
  Transcript t;
  t.greeting = c.ReadLine();
  auto ask = [&](const std::string& step, const std::string& request) { t.answers[step] = c.Execute(request); };
  ask("qmp_capabilities", Request("qmp_capabilities"));
  ask("query-migrate before migrate", Request("query-migrate"));
  ask("set-capabilities valid",
      Request("migrate-set-capabilities",
              {{"capabilities", Json::array({Json{{"capability", "events"}, {"state", true}},
                                             Json{{"capability", "mapped-ram"}, {"state", true}},
                                             Json{{"capability", "multifd"}, {"state", true}}})}}));
  ask("set-capabilities unknown name", Request("migrate-set-capabilities", Caps("no-such-capability", true)));
  ask("set-capabilities wrong type", Request("migrate-set-capabilities", Caps("events", "yes")));
  ask("set-capabilities not a list", Request("migrate-set-capabilities", {{"capabilities", 1}}));
  ask("set-parameters valid",
      Request("migrate-set-parameters", {{"multifd-channels", 4}, {"direct-io", true}, {"max-bandwidth", 0}}));
  ask("set-parameters unknown name", Request("migrate-set-parameters", {{"no-such-parameter", 1}}));
  ask("set-parameters wrong type", Request("migrate-set-parameters", {{"multifd-channels", "four"}}));
  ask("set-parameters out of range", Request("migrate-set-parameters", {{"multifd-channels", 0}}));
  ask("set-parameters too large", Request("migrate-set-parameters", {{"multifd-channels", 256}}));
  ask("set-parameters downtime-limit", Request("migrate-set-parameters", {{"downtime-limit", 2000001}}));
  ask("set-parameters bad enum", Request("migrate-set-parameters", {{"zero-page-detection", "sometimes"}}));
  ask("query-migrate-capabilities", Request("query-migrate-capabilities"));
  ask("query-migrate-parameters", Request("query-migrate-parameters"));
  ask("hmp info migrate_capabilities",
      Request("human-monitor-command", {{"command-line", "info migrate_capabilities"}}));
  ask("hmp info migrate_parameters", Request("human-monitor-command", {{"command-line", "info migrate_parameters"}}));
  ask("unknown command", Request("no-such-command"));
  ask("no execute", R"({"arguments": {}})");
  ask("migrate to a path that cannot be created", Request("migrate", {{"uri", "file:" + missing}}));
  Json statuses = Json::array();
  for (int i = 0; i < 2; ++i) statuses.push_back(c.NextMigrationStatus());
  t.answers["MIGRATION events"] = statuses;
  ask("query-migrate after the failed migrate", Request("query-migrate"));
  return t;
}

// Keys and JSON types, recursively (arrays: their first element's shape).
Json Shape(const Json& value) {
  if (value.is_object()) {
    Json shape = Json::object();
    for (const auto& [key, member] : value.items()) shape[key] = Shape(member);
    return shape;
  }
  if (value.is_array()) return value.empty() ? Json::array() : Json::array({Shape(value.front())});
  return value.is_number() ? "number" : value.type_name();
}

// Member order is no part of a JSON object (QEMU's follows its dictionary).
nlohmann::json Unordered(const Json& value) { return nlohmann::json::parse(value.dump()); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class QmpConformanceTest : public dioh::engine_test::WorkDirTest {
 protected:
  Transcript Exchange(const std::vector<std::string>& argv, const std::string& name) {
    const std::string socket = dir_ + "/" + name + ".qmp";
    std::vector<std::string> full = argv;
    full.back() += "unix:" + socket + ",server=on,wait=off";
    Server server(full, socket, dir_ + "/" + name + ".log");
    EXPECT_NE(server.client(), nullptr) << name << " did not serve QMP: " << ReadFile(dir_ + "/" + name + ".log");
    if (server.client() == nullptr) return {};
    return RunExchange(*server.client(), dir_ + "/no-such-dir/guest.img");
  }
  // A mapped-ram save with 2 channels into the work folder: the MIGRATION
  // statuses, the MIGRATION_PASS passes and query-migrate once it ended.
  struct Saved {
    std::vector<std::string> statuses;
    std::vector<std::uint64_t> passes;
    Json info;
  };
  Saved Save(const std::vector<std::string>& argv, const std::string& name) {
    const std::string socket = dir_ + "/" + name + ".qmp";
    std::vector<std::string> full = argv;
    full.back() += "unix:" + socket + ",server=on,wait=off";
    Server server(full, socket, dir_ + "/" + name + ".log");
    Saved saved;
    RawClient* c = server.client();
    EXPECT_NE(c, nullptr) << name;
    if (c == nullptr) return saved;
    c->ReadLine();
    c->Execute(Request("qmp_capabilities"));
    c->Execute(Request("migrate-set-capabilities",
                       {{"capabilities", Json::array({Json{{"capability", "events"}, {"state", true}},
                                                      Json{{"capability", "mapped-ram"}, {"state", true}},
                                                      Json{{"capability", "multifd"}, {"state", true}}})}}));
    c->Execute(Request("migrate-set-parameters", {{"multifd-channels", 2}, {"max-bandwidth", 0}}));
    EXPECT_EQ(c->Execute(Request("migrate", {{"uri", "file:" + dir_ + "/" + name + ".img"}})), Json({{"return", Json::object()}}));
    for (std::string status = "setup"; status == "setup" || status == "active" || status == "device";) {
      status = c->NextMigrationStatus();  // "" on a 5 s silence
      saved.statuses.push_back(status);
    }
    saved.passes = c->passes();
    saved.info = c->Execute(Request("query-migrate"))["return"];
    return saved;
  }
};

TEST_F(QmpConformanceTest, SameExchangeSameAnswers) {
  QEMU_OR_SKIP(qemu);
  const Transcript q = Exchange({qemu, "-machine", "q35", "-accel", "tcg", "-display", "none", "-nodefaults", "-S",
                                 "-qmp", ""},
                                "qemu");
  const Transcript m = Exchange({MrmigratePath(), "qmp", "--ram", "pc.ram=16M", "--qmp", ""}, "mrmigrate");
  ASSERT_FALSE(q.answers.empty());
  ASSERT_FALSE(m.answers.empty());

  // Greeting: the same shape and capabilities; the versions differ by design.
  EXPECT_EQ(Unordered(Shape(m.greeting)), Unordered(Shape(q.greeting))) << m.greeting << "\n" << q.greeting;
  EXPECT_EQ(m.greeting["QMP"]["capabilities"], q.greeting["QMP"]["capabilities"]);
  EXPECT_EQ(q.greeting["QMP"]["version"]["qemu"]["major"], 10) << "this test knows QEMU 10.x";

  // Every error (class and text) and every plain reply: exactly the same.
  for (const std::string step :
       {"qmp_capabilities", "query-migrate before migrate", "set-capabilities valid", "set-capabilities unknown name",
        "set-capabilities wrong type", "set-capabilities not a list", "set-parameters valid",
        "set-parameters unknown name", "set-parameters wrong type", "set-parameters out of range",
        "set-parameters too large", "set-parameters downtime-limit", "set-parameters bad enum", "unknown command",
        "no execute", "migrate to a path that cannot be created", "MIGRATION events",
        "query-migrate after the failed migrate"}) {
    EXPECT_EQ(Unordered(m.answers.at(step)), Unordered(q.answers.at(step))) << step;
  }
  const std::string desc = q.answers.at("migrate to a path that cannot be created")["error"]["desc"];
  EXPECT_EQ(desc, "Could not create '" + dir_ + "/no-such-dir/guest.img': No such file or directory");

  // Capabilities: the same names in the same order with the same states,
  // but for the allow-list.
  std::vector<Json> qemu_caps;
  for (const Json& c : q.answers.at("query-migrate-capabilities")["return"]) {
    if (!kCapabilitiesOnlyInQemu100.count(c["capability"])) qemu_caps.push_back(c);
  }
  std::vector<Json> mrm_caps(m.answers.at("query-migrate-capabilities")["return"].begin(),
                             m.answers.at("query-migrate-capabilities")["return"].end());
  EXPECT_EQ(Unordered(Json(mrm_caps)), Unordered(Json(qemu_caps)));

  // Parameters: every one both know has the same value and type.
  const Json& qp = q.answers.at("query-migrate-parameters")["return"];
  const Json& mp = m.answers.at("query-migrate-parameters")["return"];
  for (const auto& [name, value] : qp.items()) {
    EXPECT_TRUE(mp.contains(name)) << "mrmigrate lacks parameter " << name;
    if (mp.contains(name)) {
      EXPECT_EQ(mp[name], value) << name;
    }
  }
  for (const auto& [name, value] : mp.items()) {
    if (!qp.contains(name)) {
      EXPECT_TRUE(kParametersOnlyInMrmigrate.count(name)) << "QEMU lacks parameter " << name;
    }
  }

  // HMP: QEMU's monitor ends lines with \r\n (its terminal line discipline);
  // mrmigrate with \n. Compared line by line, as sets: 10.2 moved
  // tls-authz and max-postcopy-bandwidth.
  for (const std::string step : {"hmp info migrate_capabilities", "hmp info migrate_parameters"}) {
    std::string qtext = q.answers.at(step)["return"];
    EXPECT_NE(qtext.find("\r\n"), std::string::npos) << step;
    std::erase(qtext, '\r');
    std::set<std::string> qemu_lines, mrm_lines;
    for (const std::string& line : Lines(qtext)) {
      if (!kHmpLinesOnlyInQemu100.count(line) && !kCapabilitiesOnlyInQemu100.count(line.substr(0, line.find(':')))) {
        qemu_lines.insert(line);
      }
    }
    for (const std::string& line : Lines(m.answers.at(step)["return"])) {
      if (!kHmpLinesOnlyInMrmigrate.count(line)) mrm_lines.insert(line);
    }
    EXPECT_EQ(mrm_lines, qemu_lines) << step;
  }
}

// A save that completes: the same statuses; passes numbered from 1 (QEMU
// 10.0 syncs 2 or 3 times for a guest that is not running, depending on how
// long the first pass took, migration_iteration_run; mrmigrate 2); and every
// member of mrmigrate's query-migrate is one of QEMU's, with the same type.
TEST_F(QmpConformanceTest, CompletedSaveReportsAsQemuDoes) {
  QEMU_OR_SKIP(qemu);
  const Saved q = Save({qemu, "-machine", "q35", "-accel", "tcg", "-display", "none", "-nodefaults", "-S", "-m", "64M",
                        "-qmp", ""},
                       "qemu");
  const Saved m = Save({MrmigratePath(), "qmp", "--ram", "pc.ram=64M", "--qmp", ""}, "mrmigrate");
  EXPECT_EQ(q.statuses, (std::vector<std::string>{"setup", "active", "device", "completed"}));
  EXPECT_EQ(m.statuses, q.statuses);
  const std::uint64_t syncs = q.info["ram"]["dirty-sync-count"].get<std::uint64_t>();
  EXPECT_TRUE(syncs == 2 || syncs == 3) << q.info;
  std::vector<std::uint64_t> counted;
  for (std::uint64_t n = 1; n <= syncs; ++n) counted.push_back(n);
  EXPECT_EQ(q.passes, counted);
  EXPECT_EQ(m.passes, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(m.info["ram"]["dirty-sync-count"], 2);
  const nlohmann::json qshape = Unordered(Shape(q.info));
  const nlohmann::json mshape = Unordered(Shape(m.info));
  for (const auto& [key, shape] : mshape.items()) {
    ASSERT_TRUE(qshape.contains(key)) << key << " is not in QEMU's query-migrate: " << q.info;
    if (!shape.is_object()) {
      EXPECT_EQ(shape, qshape[key]) << key;
      continue;
    }
    for (const auto& [member, type] : shape.items()) {
      EXPECT_TRUE(qshape[key].contains(member)) << key << "." << member << " is not in QEMU's: " << q.info;
      if (qshape[key].contains(member)) {
        EXPECT_EQ(type, qshape[key][member]) << key << "." << member;
      }
    }
  }
  EXPECT_LE(m.info["setup-time"].get<std::uint64_t>(), m.info["total-time"].get<std::uint64_t>());
}

}  // namespace
}  // namespace mrm::qmp::testing
