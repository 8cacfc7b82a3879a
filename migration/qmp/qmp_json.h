// JSON as QEMU's monitor reads and writes it (qobject/json-lexer.c,
// json-streamer.c, json-parser.c): a byte stream is cut into messages by
// bracket counting (not by lines), each message is parsed on its own, and a
// bad one yields QEMU's "JSON parse error, ..." text. Replies are written in
// QEMU's compact form: `{"return": {}}`, ", " and ": " separators.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status/status.h"
#include "migration/params/param_json.h"

namespace mrm::qmp {

class JsonMessageStreamer {
 public:
  // Appends bytes; returns every message completed by them, in order: a value,
  // or the Status carrying QEMU's parse error text.
  std::vector<dioh::Result<params::Json>> Feed(std::string_view bytes);

 private:
  enum class TokenType { kLCurly, kRCurly, kLSquare, kRSquare, kColon, kComma, kString,
                         kInteger, kFloat, kKeyword, kError };
  struct Token {
    TokenType type;
    std::string text;
  };
  class Parser;

  // The next whole token at the front of buffer_, or nothing if it may still grow.
  bool NextToken(Token& token);
  void Emit(std::vector<dioh::Result<params::Json>>& out, dioh::Result<params::Json> message);

  std::string buffer_;
  std::vector<Token> tokens_;
  int braces_ = 0;
  int brackets_ = 0;
};

// One line of QEMU's compact JSON, without the trailing newline.
std::string ToQmpJson(const params::Json& value);

}  // namespace mrm::qmp
