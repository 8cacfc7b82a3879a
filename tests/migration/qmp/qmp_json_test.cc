#include "migration/qmp/qmp_json.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace mrm::qmp {
namespace {

std::vector<std::string> Messages(std::string_view bytes) {
  JsonMessageStreamer streamer;
  std::vector<std::string> out;
  for (auto& message : streamer.Feed(bytes)) {
    out.push_back(message.ok() ? ToQmpJson(*message) : "ERR " + message.status().message());
  }
  return out;
}

TEST(QmpJsonTest, MessagesAreCutByBracketsNotLines) {
  JsonMessageStreamer streamer;
  EXPECT_TRUE(streamer.Feed("{\"execute\":").empty());
  EXPECT_TRUE(streamer.Feed(" \"query-version\"\n").empty());
  auto done = streamer.Feed("}{\"a\": [1, 2.5, -3, true, null, 'single']}\n");
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(ToQmpJson(*done[0]), R"({"execute": "query-version"})");
  EXPECT_EQ(ToQmpJson(*done[1]), R"({"a": [1, 2.5, -3, true, null, "single"]})");
}

TEST(QmpJsonTest, ParseErrorsHaveQemuTexts) {
  EXPECT_EQ(Messages("hello\n"), std::vector<std::string>{"ERR JSON parse error, invalid keyword 'hello'"});
  EXPECT_EQ(Messages("{\"execute\": }\n"), std::vector<std::string>{"ERR JSON parse error, Missing value in dict"});
  EXPECT_EQ(Messages("{\"execute\" \"x\"}\n"),
            std::vector<std::string>{"ERR JSON parse error, missing : in object pair"});
  EXPECT_EQ(Messages("{execute: 1}\n"),
            std::vector<std::string>{"ERR JSON parse error, key is not a string in object"});
  EXPECT_EQ(Messages("{\"a\": 1 \"b\": 2}\n"),
            std::vector<std::string>{"ERR JSON parse error, expected separator in dict"});
  EXPECT_EQ(Messages("[1 2]\n"), std::vector<std::string>{"ERR JSON parse error, expected separator in list"});
  EXPECT_EQ(Messages("}\n"), std::vector<std::string>{"ERR JSON parse error, expecting value"});
  EXPECT_EQ(Messages("@\n"), std::vector<std::string>{"ERR JSON parse error, stray '@'"});
  EXPECT_EQ(Messages("\"\\q\"\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid escape sequence in string"});
  // Inside an object the pair rule speaks last, as in QEMU's parse_pair().
  EXPECT_EQ(Messages("{\"a\": \"\\q\"}\n"), std::vector<std::string>{"ERR JSON parse error, Missing value in dict"});
}

TEST(QmpJsonTest, NumberGrammar) {
  EXPECT_EQ(Messages("[0, -1, 1.5e3, 2E-2, 18446744073709551615]\n"),
            std::vector<std::string>{"[0, -1, 1500.0, 0.02, 18446744073709551615]"});
  EXPECT_EQ(Messages("01\n"), std::vector<std::string>{"ERR JSON parse error, stray '01'"});
  EXPECT_EQ(Messages("1.\n"), std::vector<std::string>{"ERR JSON parse error, stray '1.'"});
}

TEST(QmpJsonTest, RecoversAfterAnError) {
  EXPECT_EQ(Messages("@{\"ok\": 1}\n"),
            (std::vector<std::string>{"ERR JSON parse error, stray '@'", R"({"ok": 1})"}));
}

TEST(QmpJsonTest, NestingLimit) {
  const std::string deep(1100, '[');
  auto out = Messages(deep);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.front(), "ERR JSON nesting depth limit exceeded");
}

TEST(QmpJsonTest, QemuCompactForm) {
  params::Json reply = params::Json::object();
  reply["return"] = params::Json::object();
  reply["id"] = "a\"b";
  EXPECT_EQ(ToQmpJson(reply), R"({"return": {}, "id": "a\"b"})");
  EXPECT_EQ(ToQmpJson(params::Json::array()), "[]");
  EXPECT_EQ(ToQmpJson(params::Json(std::uint64_t{18446744073709551615ull})), "18446744073709551615");
}

}  // namespace
}  // namespace mrm::qmp
