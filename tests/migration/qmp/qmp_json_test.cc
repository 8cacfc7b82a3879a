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
  EXPECT_EQ(Messages("{\"execute\": }\n"), std::vector<std::string>{"ERR JSON parse error, expecting value"});
  EXPECT_EQ(Messages("{\"execute\" \"x\"}\n"),
            std::vector<std::string>{"ERR JSON parse error, missing : in object pair"});
  EXPECT_EQ(Messages("{execute: 1}\n"), std::vector<std::string>{"ERR JSON parse error, invalid keyword 'execute'"});
  EXPECT_EQ(Messages("{1: 2}\n"), std::vector<std::string>{"ERR JSON parse error, key is not a string in object"});
  EXPECT_EQ(Messages("{\"a\": 1 \"b\": 2}\n"),
            std::vector<std::string>{"ERR JSON parse error, expected separator in dict"});
  EXPECT_EQ(Messages("[1 2]\n"), std::vector<std::string>{"ERR JSON parse error, expected separator in list"});
  EXPECT_EQ(Messages("}\n"), std::vector<std::string>{"ERR JSON parse error, expecting value"});
  EXPECT_EQ(Messages("@\n"), std::vector<std::string>{"ERR JSON parse error, stray '@'"});
  EXPECT_EQ(Messages("\"\\q\"\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid escape sequence in string"});
  // The first error found speaks (QEMU 10.0.2's parse_error() keeps it).
  EXPECT_EQ(Messages("{\"a\": \"\\q\"}\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid escape sequence in string"});
  EXPECT_EQ(Messages("{\"a\": }\n"), std::vector<std::string>{"ERR JSON parse error, expecting value"});
  EXPECT_EQ(Messages("{\"a\":1,\"a\":2}\n"), std::vector<std::string>{"ERR JSON parse error, duplicate key"});
}

TEST(QmpJsonTest, NumberGrammar) {
  EXPECT_EQ(Messages("[0, -1, 1.5e3, 2E-2, 18446744073709551615]\n"),
            std::vector<std::string>{"[0, -1, 1500.0, 0.02, 18446744073709551615]"});
  EXPECT_EQ(Messages("01\n"), std::vector<std::string>{"ERR JSON parse error, stray '01'"});
  EXPECT_EQ(Messages("1.\n"), std::vector<std::string>{"ERR JSON parse error, stray '1.\n'"});
  EXPECT_EQ(Messages("1e\n"), std::vector<std::string>{"ERR JSON parse error, stray '1e\n'"});
}

TEST(QmpJsonTest, RecoversAfterAnError) {
  EXPECT_EQ(Messages("@{\"ok\": 1}\n"),
            (std::vector<std::string>{"ERR JSON parse error, stray '@'", R"({"ok": 1})"}));
}

// Each answer below is what qemu-system-x86_64 10.0.2 sent for the same bytes.
TEST(QmpJsonTest, HostileNumbersAreDoublesNotAborts) {
  EXPECT_EQ(Messages("1e999\n"), std::vector<std::string>{"inf"});
  EXPECT_EQ(Messages(std::string(400, '1') + "\n"), std::vector<std::string>{"inf"});
  EXPECT_EQ(Messages("[-1e999, 1.5]\n"), std::vector<std::string>{"[-inf, 1.5]"});
}

TEST(QmpJsonTest, InvalidUtf8IsRefusedWithQemuTexts) {
  // 0xFF cannot occur in a string (json-lexer.c): a lexical error, then
  // recovery skips to the next structural character.
  EXPECT_EQ(Messages("{\"execute\":\"qmp_capabilities\",\"id\":\"\xff\"}\n"),
            (std::vector<std::string>{"ERR JSON parse error, stray '\"\xff'", "ERR JSON parse error, expecting value"}));
  EXPECT_EQ(Messages("{\"\xff\":1}\n"),
            (std::vector<std::string>{"ERR JSON parse error, stray '\"\xff'", "ERR JSON parse error, expecting value",
                                      "1", "ERR JSON parse error, expecting value"}));
  EXPECT_EQ(Messages("\"\xc3\x28\"\n"), std::vector<std::string>{"ERR JSON parse error, invalid UTF-8 sequence in string"});
  EXPECT_EQ(Messages("\"\xed\xa0\x80\"\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid UTF-8 sequence in string"});
  EXPECT_EQ(Messages("\"\xf4\x90\x80\x80\"\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid UTF-8 sequence in string"});
  EXPECT_EQ(Messages("\"\xe0\x80\x80\"\n"),
            std::vector<std::string>{"ERR JSON parse error, invalid UTF-8 sequence in string"});
  EXPECT_EQ(Messages("\"\xc0\x80\"\n"), std::vector<std::string>{"\"\\u0000\""});  // modified UTF-8's NUL
  EXPECT_EQ(Messages("\"a\x01" "b\"\n"), std::vector<std::string>{"ERR JSON parse error, stray '\"a\x01'"});
  EXPECT_EQ(Messages("[1,\xfe" "2]\n"),
            (std::vector<std::string>{"ERR JSON parse error, stray '\xfe'", "ERR JSON parse error, expecting value"}));
}

TEST(QmpJsonTest, UnicodeEscapesAsQemu) {
  EXPECT_EQ(Messages("\"\\ud83d\\ude00\\u00e9\"\n"), std::vector<std::string>{"\"\xf0\x9f\x98\x80\xc3\xa9\""});
  EXPECT_EQ(Messages("\"\\ud800\"\n"),
            std::vector<std::string>{"ERR JSON parse error, \\ud800 is not a valid Unicode character"});
  EXPECT_EQ(Messages("\"\\ude00\"\n"),
            std::vector<std::string>{"ERR JSON parse error, \\ude00 is not a valid Unicode character"});
  EXPECT_EQ(Messages("\"\\ud83d\\u0041\"\n"),
            std::vector<std::string>{"ERR JSON parse error, \\ud83d is not a valid Unicode character"});
  EXPECT_EQ(Messages("\"\\uzzzz\"\n"),
            std::vector<std::string>{"ERR JSON parse error, \\uzzzz is not a valid Unicode character"});
  EXPECT_EQ(Messages("\"\\u12\"\n"),
            std::vector<std::string>{"ERR JSON parse error, \\u12\" is not a valid Unicode character"});
}

TEST(QmpJsonTest, RecoverySkipsToAStructuralCharacter) {
  EXPECT_EQ(Messages("@abc{}\n"), (std::vector<std::string>{"ERR JSON parse error, stray '@'", "{}"}));
  EXPECT_EQ(Messages("@ abc\n"), std::vector<std::string>{"ERR JSON parse error, stray '@'"});
  EXPECT_EQ(Messages("tRue\n"),
            (std::vector<std::string>{"ERR JSON parse error, invalid keyword 't'", "ERR JSON parse error, stray 'R'"}));
}

TEST(QmpJsonTest, OutputNeverThrowsOnInvalidUtf8) {
  EXPECT_EQ(ToQmpJson(params::Json{{"desc", "stray '\xff'"}}), "{\"desc\": \"stray '\xef\xbf\xbd'\"}");
  EXPECT_EQ(ToQmpJson(params::Json{{"\xfe", 1}}), "{\"\xef\xbf\xbd\": 1}");
}

// QEMU's MAX_TOKEN_SIZE (64 MiB): a longer token is refused, and the session goes on.
TEST(QmpJsonTest, TokenSizeLimit) {
  JsonMessageStreamer streamer;
  std::vector<std::string> errors;
  const std::string chunk(1 << 20, 'a');
  for (auto& m : streamer.Feed("\"")) errors.push_back(m.status().message());
  for (int i = 0; i < 65; ++i) {
    for (auto& m : streamer.Feed(chunk)) errors.push_back(m.ok() ? "ok" : m.status().message());
  }
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "JSON token size limit exceeded");
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
