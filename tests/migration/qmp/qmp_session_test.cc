#include "migration/qmp/qmp_session.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/migration/qmp/fake_engine.h"

namespace mrm::qmp {
namespace {

class QmpSessionTest : public ::testing::Test {
 protected:
  // Sends one request line; returns the replies, parsed.
  std::vector<params::Json> Send(const std::string& line) {
    std::vector<params::Json> replies;
    for (const std::string& reply : session_.Receive(line + "\n").lines) replies.push_back(params::Json::parse(reply));
    return replies;
  }
  params::Json One(const std::string& line) {
    auto replies = Send(line);
    EXPECT_EQ(replies.size(), 1u) << line;
    return replies.empty() ? params::Json() : replies[0];
  }
  void Negotiate() { ASSERT_EQ(One(R"({"execute": "qmp_capabilities"})"), params::Json::parse(R"({"return": {}})")); }

  testing::FakeEngine engine_;
  std::vector<StatusChange> pending_;
  MigrationController controller_{engine_, [this](const StatusChange& c) { pending_.push_back(c); }};
  QmpSession session_{controller_, QmpVersion{}, [] { return EventTimestamp{1, 2}; }};
};

TEST_F(QmpSessionTest, GreetingLooksLikeQemus) {
  EXPECT_EQ(session_.Greeting(),
            R"j({"QMP": {"version": {"qemu": {"micro": 50, "minor": 2, "major": 10}, "package": "mrmigrate (dioharness)"}, "capabilities": ["oob"]}})j");
}

TEST_F(QmpSessionTest, NegotiationModeRefusesCommands) {
  EXPECT_EQ(One(R"({"execute": "query-migrate", "id": 7})"),
            params::Json::parse(R"({"error": {"class": "CommandNotFound", "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}, "id": 7})"));
  EXPECT_EQ(One(R"({"execute": "no-such"})")["error"]["class"], "CommandNotFound");
  Negotiate();
  EXPECT_EQ(One(R"({"execute": "qmp_capabilities"})")["error"]["desc"],
            "Capabilities negotiation is already complete, command ignored");
  EXPECT_EQ(One(R"({"execute": "no-such"})")["error"]["desc"], "The command no-such has not been found");
}

// The six-byte inputs that aborted mrmigrate, before negotiation; the
// expected lines are what qemu-system-x86_64 10.0.2 answered.
TEST_F(QmpSessionTest, HostileInputGetsQemusAnswerNotAnAbort) {
  auto lines = [&](const std::string& bytes) { return session_.Receive(bytes).lines; };
  const std::string not_object = R"({"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}})";
  EXPECT_EQ(lines("1e999\n"), std::vector<std::string>{not_object});
  EXPECT_EQ(lines(std::string(400, '9') + "\n"), std::vector<std::string>{not_object});
  EXPECT_EQ(lines("{\"execute\":\"qmp_capabilities\",\"id\":\"\xff\"}\n"),
            (std::vector<std::string>{
                "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, stray '\\\"\xef\xbf\xbd'\"}}",
                R"({"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}})"}));
  EXPECT_EQ(lines("{\"execute\":\"qmp_capabilities\",\"id\":1e999}\n"),
            std::vector<std::string>{R"({"return": {}, "id": inf})"});
}

TEST_F(QmpSessionTest, EventsOnlyAfterNegotiation) {
  const params::Json event = MakeEvent("MIGRATION", params::Json{{"status", "setup"}}, {1, 2});
  EXPECT_FALSE(session_.EventLine(event).has_value());
  Negotiate();
  EXPECT_EQ(*session_.EventLine(event),
            R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "MIGRATION", "data": {"status": "setup"}})");
}

TEST_F(QmpSessionTest, RequestShapeErrors) {
  Negotiate();
  EXPECT_EQ(One("[1]")["error"]["desc"], "QMP input must be a JSON object");
  EXPECT_EQ(One(R"({"execute": 1})")["error"]["desc"], "QMP input member 'execute' must be a string");
  EXPECT_EQ(One(R"({"execute": "quit", "arguments": []})")["error"]["desc"],
            "QMP input member 'arguments' must be an object");
  EXPECT_EQ(One(R"({"execute": "quit", "x": 1})")["error"]["desc"], "QMP input member 'x' is unexpected");
  EXPECT_EQ(One(R"({"id": 1})"), params::Json::parse(R"({"error": {"class": "GenericError", "desc": "QMP input lacks member 'execute'"}, "id": 1})"));
  EXPECT_EQ(One(R"({"exec-oob": "query-migrate"})")["error"]["desc"], "QMP input member 'exec-oob' is unexpected");
  EXPECT_EQ(One(R"({"execute": "query-migrate", "arguments": {"a": 1}})")["error"]["desc"], "Parameter 'a' is unexpected");
  EXPECT_EQ(One(R"({"execute": "human-monitor-command"})")["error"]["desc"], "Parameter 'command-line' is missing");
}

TEST_F(QmpSessionTest, OobNegotiated) {
  ASSERT_EQ(One(R"({"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}})"), params::Json::parse(R"({"return": {}})"));
  EXPECT_EQ(One(R"({"exec-oob": "query-migrate", "id": "o"})")["error"]["desc"],
            "The command query-migrate does not support OOB");
  EXPECT_EQ(One(R"({"exec-oob": "query-migrate", "execute": "query-migrate"})")["error"]["desc"],
            "QMP input member 'execute' clashes with 'exec-oob'");
}

TEST_F(QmpSessionTest, QuitRepliesThenShutdownEvent) {
  Negotiate();
  const QmpOutput output = session_.Receive("{\"execute\": \"quit\"}\n{\"execute\": \"query-migrate\"}\n");
  EXPECT_TRUE(output.quit);
  ASSERT_EQ(output.lines.size(), 2u);
  EXPECT_EQ(output.lines[0], R"({"return": {}})");
  EXPECT_EQ(output.lines[1],
            R"({"timestamp": {"seconds": 1, "microseconds": 2}, "event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}})");
}

TEST_F(QmpSessionTest, HumanMonitorCommandReturnsText) {
  Negotiate();
  EXPECT_EQ(One(R"({"execute": "human-monitor-command", "arguments": {"command-line": "migrate_set_parameter direct-io on"}})"),
            params::Json::parse(R"({"return": ""})"));
  const std::string text = One(R"({"execute": "human-monitor-command", "arguments": {"command-line": "info migrate_parameters"}})")["return"];
  EXPECT_NE(text.find("\ndirect-io: on\n"), std::string::npos);
}

}  // namespace
}  // namespace mrm::qmp
