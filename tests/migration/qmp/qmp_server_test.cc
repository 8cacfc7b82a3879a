// QMP conformance over a real unix socket: raw JSON lines in and out, replies
// checked field by field. The server runs in-process on a thread.
#include "migration/qmp/qmp_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "tests/migration/qmp/fake_engine.h"
#include "tests/migration/qmp/raw_qmp_client.h"

namespace mrm::qmp {
namespace {

using testing::RawClient;

params::Json Parse(const char* text) { return params::Json::parse(text); }
params::Json Ok() { return Parse(R"({"return": {}})"); }
params::Json Error(const std::string& desc) {
  return params::Json{{"error", {{"class", "GenericError"}, {"desc", desc}}}};
}

class QmpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/qmp-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    StopServer();
    std::filesystem::remove_all(dir_);
  }
  void StartServer(MigrationEngine& engine, params::BuildFeatures features = {}) {
    auto spec = ParseQmpChardevSpec("unix:" + dir_ + "/qmp.sock,server=on,wait=off");
    ASSERT_TRUE(spec.ok());
    auto server = QmpServer::Listen(*spec, engine, features);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { run_status_ = server_->Run(); });
  }
  void StopServer() {
    if (!server_) return;
    server_->RequestStop();
    thread_.join();
    server_.reset();
  }
  std::unique_ptr<RawClient> Connect(bool negotiate = true) {
    auto client = std::make_unique<RawClient>(dir_ + "/qmp.sock");
    EXPECT_TRUE(client->connected());
    const params::Json greeting = client->ReadLine();
    EXPECT_TRUE(greeting.contains("QMP")) << greeting;
    if (negotiate) {
      EXPECT_EQ(client->Execute(R"({"execute": "qmp_capabilities"})"), Ok());
    }
    return client;
  }
  std::string Hmp(RawClient& client, const std::string& command) {
    const params::Json reply = client.Execute(params::Json{{"execute", "human-monitor-command"},
                                           {"arguments", {{"command-line", command}}}}.dump());
    EXPECT_TRUE(reply.contains("return")) << reply;
    return reply.value("return", std::string());
  }

  std::string dir_;
  testing::FakeEngine engine_;
  std::unique_ptr<QmpServer> server_;
  std::thread thread_;
  dioh::Status run_status_;
};

TEST_F(QmpServerTest, GreetingNegotiationAndVersion) {
  StartServer(engine_);
  RawClient client(dir_ + "/qmp.sock");
  const params::Json greeting = client.ReadLine();
  EXPECT_EQ(greeting["QMP"]["version"]["qemu"], Parse(R"({"micro": 50, "minor": 2, "major": 10})"));
  EXPECT_TRUE(greeting["QMP"]["version"]["package"].is_string());
  EXPECT_EQ(greeting["QMP"]["capabilities"], Parse(R"(["oob"])"));
  EXPECT_EQ(client.Execute(R"({"execute": "query-version", "id": "v0"})"),
            Parse(R"({"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}, "id": "v0"})"));
  EXPECT_EQ(client.Execute(R"({"execute": "qmp_capabilities", "id": 1})"), Parse(R"({"return": {}, "id": 1})"));
  const params::Json version = client.Execute(R"({"execute": "query-version", "id": {"any": ["json"]}})");
  EXPECT_EQ(version["id"], Parse(R"({"any": ["json"]})"));
  EXPECT_EQ(version["return"]["qemu"]["major"], 10);
}

TEST_F(QmpServerTest, CapabilitiesAndParametersRoundTrip) {
  StartServer(engine_);
  auto client = Connect();
  const params::Json caps = client->Execute(R"({"execute": "query-migrate-capabilities"})")["return"];
  ASSERT_EQ(caps.size(), params::kCapabilityCount);
  EXPECT_EQ(caps[0], Parse(R"({"capability": "xbzrle", "state": false})"));
  EXPECT_EQ(caps[params::kCapabilityCount - 1], Parse(R"({"capability": "mapped-ram", "state": false})"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
              {"capability": "mapped-ram", "state": true}, {"capability": "multifd", "state": true}]}})"), Ok());
  const params::Json after = client->Execute(R"({"execute": "query-migrate-capabilities"})")["return"];
  EXPECT_EQ(after[params::kCapabilityCount - 1]["state"], true);
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
              {"capability": "xbzrle", "state": true}]}})"), Error("Multifd is not compatible with xbzrle"));

  params::Json params = client->Execute(R"({"execute": "query-migrate-parameters"})")["return"];
  EXPECT_EQ(params["direct-io"], false);
  EXPECT_EQ(params["multifd-channels"], 2);
  EXPECT_EQ(params["zero-page-detection"], "multifd");
  EXPECT_EQ(params["max-bandwidth"], 134217728);
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"direct-io": true, "multifd-channels": 4,
              "zero-page-detection": "none", "x-inject": ["zero-pages-in-bitmap"]}})"), Ok());
  params = client->Execute(R"({"execute": "query-migrate-parameters"})")["return"];
  EXPECT_EQ(params["direct-io"], true);
  EXPECT_EQ(params["multifd-channels"], 4);
  EXPECT_EQ(params["zero-page-detection"], "none");
  EXPECT_EQ(params["x-inject"], Parse(R"(["zero-pages-in-bitmap"])"));
  EXPECT_EQ(Hmp(*client, "migrate_set_capability multifd off"), "");
  EXPECT_NE(Hmp(*client, "info migrate_capabilities").find("\nmultifd: off\n"), std::string::npos);
}

TEST_F(QmpServerTest, InfoMigrateParametersMatchesQemusListing) {
  StartServer(engine_);
  auto client = Connect();
  EXPECT_EQ(Hmp(*client, "migrate_set_parameter direct-io on"), "");
  EXPECT_EQ(Hmp(*client, "migrate_set_parameter multifd-channels 2"), "");
  EXPECT_EQ(Hmp(*client, "migrate_set_parameter max-bandwidth 0"), "");
  // MAPPED-RAM.md, "What a real QEMU shows".
  EXPECT_EQ(Hmp(*client, "info migrate_parameters"),
            "announce-initial: 50 ms\nannounce-max: 550 ms\nannounce-rounds: 5\nannounce-step: 100 ms\n"
            "throttle-trigger-threshold: 50\ncpu-throttle-initial: 20\ncpu-throttle-increment: 10\n"
            "cpu-throttle-tailslow: off\nmax-cpu-throttle: 99\ntls-creds: ''\ntls-hostname: ''\ntls-authz: ''\n"
            "max-bandwidth: 0 bytes/second\navail-switchover-bandwidth: 0 bytes/second\n"
            "max-postcopy-bandwidth: 0 bytes/second\ndowntime-limit: 300 ms\nx-checkpoint-delay: 20000 ms\n"
            "multifd-channels: 2\nmultifd-compression: none\nzero-page-detection: multifd\n"
            "xbzrle-cache-size: 67108864 bytes\nx-vcpu-dirty-limit-period: 1000 ms\nvcpu-dirty-limit: 1 MB/s\n"
            "mode: normal\ndirect-io: on\ncpr-exec-command:\n");
  EXPECT_EQ(client->Execute(R"({"execute": "query-migrate-parameters"})")["return"]["direct-io"], true);
}

TEST_F(QmpServerTest, MigrationLifecycleWithEvents) {
  StartServer(engine_);
  auto client = Connect();
  EXPECT_EQ(client->Execute(R"({"execute": "query-migrate"})"), Ok());
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
              {"capability": "events", "state": true}]}})"), Ok());
  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/mr.img,offset=1M"}, "id": "m"})"),
            Parse(R"({"return": {}, "id": "m"})"));
  EXPECT_EQ(client->NextMigrationStatus(), "setup");
  EXPECT_EQ(client->NextMigrationStatus(), "active");
  ASSERT_EQ(engine_.jobs().size(), 1u);
  EXPECT_EQ(engine_.jobs()[0].uri.offset, 1u << 20);
  EXPECT_EQ(client->Execute(R"({"execute": "query-migrate"})")["return"]["status"], "active");
  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/other"}})"),
            Error("There's a migration process in progress"));
  engine_.Complete();
  EXPECT_EQ(client->NextMigrationStatus(), "completed");
  const params::Json info = client->Execute(R"({"execute": "query-migrate"})")["return"];
  EXPECT_EQ(info["status"], "completed");
  EXPECT_EQ(info["total-time"], 42);
  EXPECT_EQ(info["ram"]["total"], 8 << 20);

  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/mr.img"}})"), Ok());
  EXPECT_EQ(client->NextMigrationStatus(), "setup");
  EXPECT_EQ(client->NextMigrationStatus(), "active");
  EXPECT_EQ(client->Execute(R"({"execute": "migrate_cancel"})"), Ok());
  EXPECT_EQ(client->NextMigrationStatus(), "cancelling");
  EXPECT_EQ(client->NextMigrationStatus(), "cancelled");

  EXPECT_EQ(client->Execute(R"({"execute": "migrate-incoming", "arguments": {"uri": "file:/tmp/mr.img"}})"), Ok());
  EXPECT_EQ(client->NextMigrationStatus(), "setup");
  EXPECT_EQ(client->NextMigrationStatus(), "active");
  EXPECT_FALSE(engine_.outgoing().back());
  engine_.Fail("multifd recv (0): read 0x0, expected 0x1000");
  EXPECT_EQ(client->NextMigrationStatus(), "failed");
  const params::Json failed = client->Execute(R"({"execute": "query-migrate"})")["return"];
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["error-desc"], "multifd recv (0): read 0x0, expected 0x1000");

  EXPECT_EQ(client->Execute(R"({"execute": "quit"})"), Ok());
  const params::Json shutdown = client->ReadLine();
  EXPECT_EQ(shutdown["event"], "SHUTDOWN");
  thread_.join();  // quit ends Run()
  EXPECT_TRUE(run_status_.ok());
  server_.reset();
}

TEST_F(QmpServerTest, SetupEventPrecedesTheMigrateReplyAsInQemu) {
  StartServer(engine_);
  auto client = Connect();
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
              {"capability": "events", "state": true}]}})"), Ok());
  // Both requests in one write: the second must already see the migration.
  client->SendRaw("{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"file:/tmp/x\"}}\n"
                  "{\"execute\": \"query-migrate\"}\n");
  EXPECT_EQ(client->ReadLine()["data"]["status"], "setup");
  EXPECT_EQ(client->ReadLine()["data"]["status"], "active");
  EXPECT_EQ(client->ReadLine(), Ok());
  EXPECT_EQ(client->ReadLine()["return"]["status"], "active");
}

TEST_F(QmpServerTest, DirectIoGatingTable) {
  StartServer(engine_);
  auto client = Connect();
  ASSERT_EQ(client->Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
              {"capability": "events", "state": true}]}})"), Ok());
  int effective = 0;
  for (int bits = 0; bits < 8; ++bits) {
    const bool direct_io = bits & 1, mapped_ram = bits & 2, multifd = bits & 4;
    SCOPED_TRACE(::testing::Message() << "direct-io=" << direct_io << " mapped-ram=" << mapped_ram << " multifd=" << multifd);
    ASSERT_EQ(client->Execute(params::Json{{"execute", "migrate-set-capabilities"},
                                   {"arguments", {{"capabilities", {{{"capability", "mapped-ram"}, {"state", mapped_ram}},
                                                                    {{"capability", "multifd"}, {"state", multifd}}}}}}}.dump()), Ok());
    ASSERT_EQ(client->Execute(params::Json{{"execute", "migrate-set-parameters"}, {"arguments", {{"direct-io", direct_io}}}}.dump()), Ok());
    // Accepted and shown even where it has no effect, as QEMU does.
    EXPECT_EQ(client->Execute(R"({"execute": "query-migrate-parameters"})")["return"]["direct-io"], direct_io);
    EXPECT_NE(Hmp(*client, "info migrate_parameters").find(direct_io ? "\ndirect-io: on\n" : "\ndirect-io: off\n"),
              std::string::npos);
    const params::Json reply = client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/gate.img"}})");
    if (multifd && !mapped_ram) {
      EXPECT_EQ(reply, Error("Migration requires multi-channel URIs (e.g. tcp)"));
      continue;
    }
    ASSERT_EQ(reply, Ok());
    const bool is_effective = engine_.jobs().back().direct_io.effective();
    EXPECT_EQ(is_effective, direct_io && mapped_ram && multifd);
    effective += is_effective;
    EXPECT_EQ(client->NextMigrationStatus(), "setup");
    EXPECT_EQ(client->NextMigrationStatus(), "active");
    engine_.Complete();
    // The server has seen the completion once its event arrives (read with a deadline).
    ASSERT_EQ(client->NextMigrationStatus(), "completed");
  }
  EXPECT_EQ(effective, 1);
}

TEST_F(QmpServerTest, NoBuildTimeDirectIoChangesNothing) {
  StartServer(engine_, params::BuildFeatures{.direct_io = false});
  auto client = Connect();
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"multifd-channels": 4, "direct-io": true}})"),
            Error("No build-time support for direct-io"));
  const params::Json params = client->Execute(R"({"execute": "query-migrate-parameters"})")["return"];
  EXPECT_EQ(params["direct-io"], false);
  EXPECT_EQ(params["multifd-channels"], 2);
  EXPECT_EQ(Hmp(*client, "migrate_set_parameter direct-io on"), "Error: No build-time support for direct-io\n");
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"direct-io": false}})"), Ok());
}

TEST_F(QmpServerTest, BadInputKeepsTheServerServing) {
  StartServer(engine_);
  auto client = Connect();
  const params::Json alive = client->Execute(R"({"execute": "query-version"})");
  auto still_alive = [&] { EXPECT_EQ(client->Execute(R"({"execute": "query-version"})"), alive); };
  EXPECT_EQ(client->Execute(R"({"execute": })"), Error("JSON parse error, expecting value"));
  still_alive();
  EXPECT_EQ(client->Execute("nonsense"), Error("JSON parse error, invalid keyword 'nonsense'"));
  still_alive();
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"direct-io": "yes"}})"),
            Error("Invalid parameter type for 'direct-io', expected: boolean"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"multifd-channels": 0}})"),
            Error("Parameter 'multifd_channels' expects a value between 1 and 255"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"multifd-channels": 256}})"),
            Error("Parameter 'multifd-channels' expects uint8_t"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"no-such-parameter": 1}})"),
            Error("Parameter 'no-such-parameter' is unexpected"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate-set-parameters", "arguments": {"x-inject": ["not-a-bug"]}})"),
            Error("Parameter 'x-inject' does not accept value 'not-a-bug'"));
  EXPECT_EQ(client->Execute(R"({"execute": "no-such-command", "id": 3})"),
            Parse(R"({"error": {"class": "CommandNotFound", "desc": "The command no-such-command has not been found"}, "id": 3})"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/x,offset=0x20M"}})"),
            Error("file URI has bad offset 0x20M: Invalid argument"));
  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {}})"), Error("need either 'uri' or 'channels' argument"));
  EXPECT_EQ(client->Execute(R"({"execute": "query-migrate-parameters"})")["return"]["multifd-channels"], 2);
  still_alive();

  // A client that goes away in the middle of a command: the next one is served.
  client->SendRaw(R"({"execute": "migrate-set-parameters", "arguments": {"multifd-chan)");
  client->Close();
  auto next = Connect();
  EXPECT_EQ(next->Execute(R"({"execute": "query-version"})"), alive);
  EXPECT_EQ(next->Execute(R"({"execute": "query-migrate-parameters"})")["return"]["multifd-channels"], 2);
}

// Sends requests without reading a reply until the server hangs up (true) or
// the deadline passes (false).
bool SpamUntilDropped(int fd, std::chrono::seconds limit) {
  const std::string request = R"({"execute": "query-commands"})" "\n";
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const ssize_t n = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) return true;
    if (n < 0 && errno == EAGAIN) {
      pollfd pfd{fd, POLLOUT, 0};
      ::poll(&pfd, 1, 100);
    }
  }
  return false;
}

TEST_F(QmpServerTest, AClientThatDoesNotReadIsDroppedAndOthersAreServed) {
  StartServer(engine_);
  auto deaf = Connect();
  EXPECT_TRUE(SpamUntilDropped(deaf->fd(), std::chrono::seconds(20)));
  auto next = Connect();
  EXPECT_TRUE(next->Execute(R"({"execute": "query-version"})").contains("return"));
}

// A stop request (SIGTERM's handler) ends Run() while the client leaves a
// reply larger than the socket's buffer unread; a blocking send() once held
// the loop for good.
TEST_F(QmpServerTest, StopIsHonouredWhileAClientDoesNotRead) {
  StartServer(engine_);
  auto deaf = Connect();
  deaf->SendRaw(std::string(4 << 20, 'a') + "\n");  // answered with a 4 MiB "invalid keyword 'aaa...'"
  // One byte of that reply read: the server is writing it, and the rest does
  // not fit the socket's buffer.
  char first = 0;
  pollfd pfd{deaf->fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 10000), 1);
  ASSERT_EQ(::recv(deaf->fd(), &first, 1, 0), 1);
  std::atomic<bool> returned{false};
  std::thread stopper([&] {
    server_->RequestStop();
    thread_.join();
    returned = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!returned && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(returned) << "Run() did not return after RequestStop()";
  stopper.join();
  server_.reset();
}

TEST_F(QmpServerTest, AnEngineThatRefusesToStartIsAnErrorReply) {
  engine_.RefuseNextStart(dioh::Status::Error(ENOSYS, "no migration engine is available in this build"));
  StartServer(engine_);
  auto client = Connect();
  EXPECT_EQ(client->Execute(R"({"execute": "migrate", "arguments": {"uri": "file:/tmp/x"}})"),
            Error("no migration engine is available in this build"));
  EXPECT_EQ(client->Execute(R"({"execute": "query-migrate"})"), Ok());
}

TEST(QmpChardevSpecTest, QemuSpelling) {
  auto spec = ParseQmpChardevSpec("unix:/tmp/q.sock,server=on,wait=off");
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(spec->socket_path, "/tmp/q.sock");
  EXPECT_FALSE(spec->wait);
  EXPECT_FALSE(ParseQmpChardevSpec("tcp:localhost:4444,server=on").ok());
  EXPECT_FALSE(ParseQmpChardevSpec("unix:/tmp/q.sock").ok());  // a client socket
  EXPECT_EQ(ParseQmpChardevSpec("unix:/tmp/q.sock,server=on,bogus=1").status().message(), "Invalid parameter 'bogus'");
}

}  // namespace
}  // namespace mrm::qmp
