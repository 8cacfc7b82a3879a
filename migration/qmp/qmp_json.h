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

  // QEMU's lexer states (json-lexer.c, with its IN_RECOVERY): one byte at a
  // time, so a message costs time linear in its size however it is split.
  enum class LexState { kStart, kDqString, kDqEscape, kSqString, kSqEscape, kZero, kDigits, kDigit, kExpE,
                        kMantissaDigits, kMantissa, kNonzero, kNegNonzero, kKeyword, kRecovery };

  void FeedByte(unsigned char c);
  void ProcessToken(TokenType type);  // json_message_process_token()
  void Emit(dioh::Result<params::Json> message);

  LexState state_ = LexState::kStart;
  std::string token_;             // the token being lexed
  std::vector<Token> tokens_;     // the message's tokens so far
  std::size_t token_size_ = 0;    // their bytes
  int braces_ = 0;
  int brackets_ = 0;
  std::vector<dioh::Result<params::Json>>* out_ = nullptr;  // the current Feed()'s messages
};

// One line of QEMU's compact JSON, without the trailing newline.
std::string ToQmpJson(const params::Json& value);

}  // namespace mrm::qmp
