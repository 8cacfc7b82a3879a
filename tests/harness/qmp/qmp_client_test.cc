#include "harness/qmp/qmp_client.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <string>
#include <thread>

namespace dioh {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A scripted QMP server on one end of a socketpair: it sends the greeting,
// then for each request line answers with what `respond` returns (a list of
// lines, events first if any).
class FakeServer {
 public:
  using Responder = std::function<std::vector<std::string>(const json& request)>;
  FakeServer(int fd, std::string greeting, Responder respond)
      : fd_(fd), thread_([this, greeting, respond] { Serve(greeting, respond); }) {}
  ~FakeServer() {
    ::shutdown(fd_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }

 private:
  void Write(const std::string& line) {
    const std::string out = line + "\r\n";
    ASSERT_EQ(::write(fd_, out.data(), out.size()), static_cast<ssize_t>(out.size()));
  }
  void Serve(const std::string& greeting, const Responder& respond) {
    if (!greeting.empty()) Write(greeting);
    std::string buffer;
    char chunk[512];
    while (true) {
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
      for (std::size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
        const json request = json::parse(buffer.substr(0, nl));
        buffer.erase(0, nl + 1);
        for (const std::string& line : respond(request)) Write(line);
      }
    }
  }
  int fd_;
  std::thread thread_;
};

const char* kGreeting =
    R"({"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 10}, "package": ""}, "capabilities": []}})";

std::string Return(const json& request, const json& value) {
  return json{{"return", value}, {"id", request["id"]}}.dump();
}

struct Pair {
  int client = -1, server = -1;
  Pair() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    client = fds[0];
    server = fds[1];
  }
};

TEST(QmpClientTest, NegotiatesAndExecutes) {
  Pair p;
  json seen_arguments;
  FakeServer server(p.server, kGreeting, [&](const json& r) -> std::vector<std::string> {
    if (r["execute"] == "qmp_capabilities") return {Return(r, json::object())};
    seen_arguments = r.value("arguments", json());
    return {Return(r, {{"direct-io", true}})};
  });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(client->greeting()["QMP"]["version"]["qemu"]["major"], 10);
  auto reply = client->Execute("migrate-set-parameters", {{"direct-io", true}}, DeadlineIn(5s));
  ASSERT_TRUE(reply.ok());
  EXPECT_TRUE(reply->ok);
  EXPECT_EQ(reply->value["direct-io"], true);
  EXPECT_EQ(seen_arguments, json({{"direct-io", true}}));
}

TEST(QmpClientTest, QmpErrorIsAReplyNotATransportFailure) {
  Pair p;
  FakeServer server(p.server, kGreeting, [](const json& r) -> std::vector<std::string> {
    if (r["execute"] == "qmp_capabilities") return {Return(r, json::object())};
    return {json{{"error", {{"class", "GenericError"}, {"desc", "No build-time support for direct-io"}}},
                 {"id", r["id"]}}.dump()};
  });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_TRUE(client.ok());
  auto reply = client->Execute("migrate-set-parameters", {{"direct-io", true}}, DeadlineIn(5s));
  ASSERT_TRUE(reply.ok());
  EXPECT_FALSE(reply->ok);
  EXPECT_EQ(reply->error_class, "GenericError");
  EXPECT_EQ(reply->error_desc, "No build-time support for direct-io");
}

TEST(QmpClientTest, EventsBetweenRepliesAreKeptInOrder) {
  Pair p;
  FakeServer server(p.server, kGreeting, [](const json& r) -> std::vector<std::string> {
    if (r["execute"] == "qmp_capabilities") return {Return(r, json::object())};
    auto ev = [](const char* status) {
      return json{{"event", "MIGRATION"}, {"data", {{"status", status}}},
                  {"timestamp", {{"seconds", 1}, {"microseconds", 2}}}}.dump();
    };
    return {ev("setup"), ev("active"), Return(r, json::object()), ev("completed")};
  });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client->Execute("migrate", {{"uri", "file:/x"}}, DeadlineIn(5s))->ok);
  auto is = [](const char* status) {
    return [status](const json& e) { return e["data"]["status"] == status; };
  };
  auto active = client->WaitForEvent("MIGRATION", is("active"), DeadlineIn(5s));
  ASSERT_TRUE(active.ok());
  auto done = client->WaitForEvent("MIGRATION", is("completed"), DeadlineIn(5s));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ((*done)["data"]["status"], "completed");
}

TEST(QmpClientTest, SilentServerTimesOut) {
  Pair p;
  FakeServer server(p.server, kGreeting, [](const json& r) -> std::vector<std::string> {
    if (r["execute"] == "qmp_capabilities") return {Return(r, json::object())};
    return {};  // a hung engine
  });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_TRUE(client.ok());
  auto reply = client->Execute("query-migrate", json::object(), DeadlineIn(100ms));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), ETIMEDOUT);
  EXPECT_NE(reply.status().message().find("query-migrate"), std::string::npos);
}

TEST(QmpClientTest, NotAGreetingIsRefused) {
  Pair p;
  FakeServer server(p.server, R"({"hello": 1})", [](const json&) { return std::vector<std::string>{}; });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), EPROTO);
}

TEST(QmpClientTest, GarbageAndHangUpAreErrors) {
  Pair p;
  FakeServer server(p.server, kGreeting, [](const json& r) -> std::vector<std::string> {
    if (r["execute"] == "qmp_capabilities") return {Return(r, json::object())};
    return {"this is not json"};
  });
  auto client = QmpClient::Adopt(p.client, DeadlineIn(5s));
  ASSERT_TRUE(client.ok());
  auto reply = client->Execute("query-status", json::object(), DeadlineIn(5s));
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), EPROTO);
}

TEST(QmpClientTest, ConnectWaitsForTheSocketUntilTheDeadline) {
  const std::string path = testing::TempDir() + "qmp-client-test-" + std::to_string(::getpid()) + ".sock";
  ::unlink(path.c_str());
  auto absent = QmpClient::Connect(path, DeadlineIn(50ms));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.status().code(), ETIMEDOUT);

  // A server that starts listening after the client began trying, and serves
  // until the test is done with it.
  std::promise<void> done;
  std::thread listener([&] {
    const int lfd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(lfd, 1), 0);
    const int fd = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    ::close(lfd);
    FakeServer server(fd, kGreeting, [](const json& r) { return std::vector<std::string>{Return(r, json::object())}; });
    done.get_future().wait();
  });
  auto client = QmpClient::Connect(path, DeadlineIn(10s));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  done.set_value();
  listener.join();
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace dioh
