#include "harness/qmp/line_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace dioh {
namespace {

struct Pair {
  Pair() {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    ours = fds[0];
    theirs = fds[1];
  }
  ~Pair() {
    if (theirs >= 0) close(theirs);
  }
  int ours = -1, theirs = -1;
};

Deadline In(int ms) { return std::chrono::steady_clock::now() + std::chrono::milliseconds(ms); }

TEST(LineSocketTest, LinesComeOneAtATime) {
  Pair pair;
  LineSocket socket(pair.ours, "test");
  ASSERT_EQ(write(pair.theirs, "OK\nOK 0x1\npart", 14), 14);
  EXPECT_EQ(*socket.ReceiveLine(In(1000)), "OK");
  EXPECT_EQ(*socket.ReceiveLine(In(1000)), "OK 0x1");
  EXPECT_EQ(socket.ReceiveLine(In(50)).status().code(), ETIMEDOUT);  // "part" has no end yet
  ASSERT_EQ(write(pair.theirs, "ial\n", 4), 4);
  EXPECT_EQ(*socket.ReceiveLine(In(1000)), "partial");
  close(pair.theirs);
  pair.theirs = -1;
  EXPECT_EQ(socket.ReceiveLine(In(1000)).status().code(), ECONNRESET);
}

TEST(LineSocketTest, APeerThatStopsReadingIsATimeoutNotAHang) {
  Pair pair;
  LineSocket socket(pair.ours, "test");
  const std::string big(64 << 20, 'x');  // far more than a socket buffer holds
  const Status sent = socket.Send(big, In(200));
  EXPECT_EQ(sent.code(), ETIMEDOUT);
  EXPECT_EQ(sent.message(), "test server stopped reading before the deadline");
}

TEST(LineSocketTest, NoServerIsNamed) {
  auto socket = LineSocket::Connect("/nonexistent/qtest.sock", "qtest", In(100));
  ASSERT_FALSE(socket.ok());
  EXPECT_EQ(socket.status().code(), ETIMEDOUT);
  EXPECT_NE(socket.status().message().find("no qtest server at /nonexistent/qtest.sock"), std::string::npos);
}

}  // namespace
}  // namespace dioh
