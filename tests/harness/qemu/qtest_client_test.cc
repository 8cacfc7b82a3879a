#include "harness/qemu/qtest_client.h"

#include <gtest/gtest.h>

#include "tests/harness/qemu/fake_qtest.h"

namespace dioh {
namespace {

Deadline Soon() { return std::chrono::steady_clock::now() + std::chrono::seconds(10); }

TEST(QtestClientTest, WritesFillsAndReadsGuestMemory) {
  dioh_test::FakeQtestServer server;
  {
    QtestClient client(LineSocket(server.TakeClientFd(), "qtest"));
    std::vector<std::byte> data(200000);  // four b64writes, the last one short
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 7);
    ASSERT_TRUE(client.Write(0x100000, data, Soon()).ok());
    ASSERT_TRUE(client.Fill(0x200000, 4096, 0xab, Soon()).ok());
    auto back = client.Read(0x100000, data.size(), Soon());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    auto filled = client.Read(0x200fff, 2, Soon());
    ASSERT_TRUE(filled.ok());
    EXPECT_EQ((*filled)[0], std::byte{0xab});
    EXPECT_EQ((*filled)[1], std::byte{0});
  }
  EXPECT_EQ(server.Finish().writes(), 5u);
}

TEST(QtestClientTest, ManyCommandsInFlightAreAnsweredInOrder) {
  dioh_test::FakeQtestServer server;
  {
    QtestClient client(LineSocket(server.TakeClientFd(), "qtest"));
    std::vector<std::string> commands;
    for (int page = 0; page < 1000; ++page) commands.push_back(QtestClient::FillCommand(page * 4096, 4096, page % 251 + 1));
    ASSERT_TRUE(client.RunAll(commands, Soon()).ok());
  }
  const dioh_test::FakeGuestMemory& memory = server.Finish();
  EXPECT_EQ(memory.writes(), 1000u);
  EXPECT_EQ(memory.At(999 * 4096 + 4095), 999 % 251 + 1);
}

TEST(QtestClientTest, FailIsAnErrorNamingTheCommand) {
  dioh_test::FakeQtestServer server;
  QtestClient client(LineSocket(server.TakeClientFd(), "qtest"));
  auto answer = client.Ask("frobnicate 1 2", Soon());
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), EIO);
  EXPECT_EQ(answer.status().message(), "qtest 'frobnicate 1 2' answered: FAIL Unknown command 'frobnicate'");
}

TEST(QtestClientTest, WriteCommandsCarryTheExactSize) {
  const std::vector<std::byte> data(QtestClient::kMaxWrite + 3, std::byte{1});
  const auto commands = QtestClient::WriteCommands(0x1000, data);
  ASSERT_EQ(commands.size(), 2u);
  EXPECT_EQ(commands[0].rfind("b64write 0x1000 0x10000 ", 0), 0u);
  EXPECT_EQ(commands[1], "b64write 0x11000 0x3 AQEB");
  EXPECT_EQ(QtestClient::FillCommand(0xe0000000, 0x100000, 7), "memset 0xe0000000 0x100000 0x7");
}

}  // namespace
}  // namespace dioh
