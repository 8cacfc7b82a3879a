// QMP end to end: mrmigrate's server with the mapped-ram engine on the real
// filesystem, driven by raw JSON over a unix socket as a harness drives QEMU.
// A source saves to a file; a destination with the same guest model loads it,
// one with another seed fails naming the block and page.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "migration/channel/file_io.h"
#include "migration/qmp/qmp_server.h"
#include "migration/runner/mapped_ram_engine.h"
#include "tests/migration/qmp/raw_qmp_client.h"

namespace mrm::runner {
namespace {

using qmp::testing::RawClient;

GuestSpec Guest(std::uint64_t seed) {
  GuestSpec guest;
  guest.blocks = {{"pc.ram", 4u << 20}, {"vga.vram", 1u << 20}};
  guest.content.seed = seed;
  guest.content.zero_fraction = 0.3;
  return guest;
}

// One mrmigrate QMP server on its own thread.
class Server {
 public:
  Server(const std::filesystem::path& dir, const std::string& name, std::uint64_t seed)
      : engine_(channel::PosixFileSystem(), Guest(seed)), socket_((dir / (name + ".sock")).string()) {
    auto spec = qmp::ParseQmpChardevSpec("unix:" + socket_ + ",server=on,wait=off");
    EXPECT_TRUE(spec.ok());
    auto server = qmp::QmpServer::Listen(*spec, engine_);
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  ~Server() {
    server_->RequestStop();
    thread_.join();
  }
  std::unique_ptr<RawClient> Connect() {
    auto client = std::make_unique<RawClient>(socket_);
    EXPECT_TRUE(client->connected());
    EXPECT_TRUE(client->ReadLine().contains("QMP"));
    EXPECT_EQ(client->Execute(R"({"execute": "qmp_capabilities"})"), Ok());
    return client;
  }
  static params::Json Ok() { return params::Json::parse(R"({"return": {}})"); }

 private:
  MappedRamEngine engine_;
  std::string socket_;
  std::unique_ptr<qmp::QmpServer> server_;
  std::thread thread_;
};

class MappedRamQmpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mrm-qmp-e2e-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    file_ = (dir_ / "guest.img").string();
    const std::string probe = (dir_ / "probe").string();
    const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY | O_DIRECT, 0600);
    direct_io_ = fd >= 0;
    if (fd >= 0) ::close(fd);
    ::unlink(probe.c_str());
    if (!direct_io_) std::cout << "note: " << dir_ << " rejects O_DIRECT; running with direct-io off\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The same configuration on both sides, as a harness sets QEMU up.
  void Configure(RawClient& client) {
    EXPECT_EQ(client.Execute(R"({"execute": "migrate-set-capabilities", "arguments": {"capabilities": [
                                  {"capability": "events", "state": true},
                                  {"capability": "mapped-ram", "state": true},
                                  {"capability": "multifd", "state": true}]}})"),
              Server::Ok());
    const params::Json parameters = {{"execute", "migrate-set-parameters"},
                             {"arguments", {{"direct-io", direct_io_}, {"multifd-channels", 4}, {"max-bandwidth", 0}}}};
    EXPECT_EQ(client.Execute(parameters.dump()), Server::Ok());
  }
  params::Json Uri() const { return params::Json{{"uri", "file:" + file_}}; }

  std::filesystem::path dir_;
  std::string file_;
  bool direct_io_ = false;
};

TEST_F(MappedRamQmpTest, MigrateToFileThenIncomingVerifies) {
  {
    Server source(dir_, "source", 3);
    auto client = source.Connect();
    Configure(*client);
    EXPECT_EQ(client->Execute(params::Json{{"execute", "migrate"}, {"arguments", Uri()}}.dump()), Server::Ok());
    EXPECT_EQ(client->NextMigrationStatus(), "setup");
    EXPECT_EQ(client->NextMigrationStatus(), "active");
    EXPECT_EQ(client->NextMigrationStatus(), "device");
    EXPECT_EQ(client->NextMigrationStatus(), "completed");
    const params::Json info = client->Execute(R"({"execute": "query-migrate"})")["return"];
    EXPECT_EQ(info["status"], "completed") << info;
    EXPECT_EQ(info["ram"]["total"], 5u << 20) << info;
    EXPECT_EQ(info["ram"]["remaining"], 0) << info;
    // One dirty sync at setup, one at completion: MIGRATION_PASS 1 and 2.
    EXPECT_EQ(client->passes(), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(info["ram"]["dirty-sync-count"], 2) << info;
    ASSERT_TRUE(info["total-time"].is_number_unsigned()) << info;
    ASSERT_TRUE(info["setup-time"].is_number_unsigned()) << info;
    EXPECT_LE(info["setup-time"].get<std::uint64_t>(), info["total-time"].get<std::uint64_t>()) << info;
    EXPECT_TRUE(info["ram"]["mbps"].is_number()) << info;
  }
  {
    Server destination(dir_, "destination", 3);
    auto client = destination.Connect();
    Configure(*client);
    EXPECT_EQ(client->Execute(params::Json{{"execute", "migrate-incoming"}, {"arguments", Uri()}}.dump()), Server::Ok());
    EXPECT_EQ(client->NextMigrationStatus(), "setup");
    EXPECT_EQ(client->NextMigrationStatus(), "active");
    EXPECT_EQ(client->NextMigrationStatus(), "completed");
    // As QEMU's destination (fill_destination_migration_info): the status only.
    EXPECT_EQ(client->Execute(R"({"execute": "query-migrate"})")["return"], params::Json({{"status", "completed"}}));
  }
  {
    Server other(dir_, "other", 4);
    auto client = other.Connect();
    Configure(*client);
    EXPECT_EQ(client->Execute(params::Json{{"execute", "migrate-incoming"}, {"arguments", Uri()}}.dump()), Server::Ok());
    EXPECT_EQ(client->NextMigrationStatus(), "setup");
    EXPECT_EQ(client->NextMigrationStatus(), "active");
    EXPECT_EQ(client->NextMigrationStatus(), "failed");
    const params::Json info = client->Execute(R"({"execute": "query-migrate"})")["return"];
    EXPECT_EQ(info["status"], "failed") << info;
    const std::string desc = info.value("error-desc", "");
    EXPECT_NE(desc.find("RAM block pc.ram page "), std::string::npos) << info;
  }
}

}  // namespace
}  // namespace mrm::runner
