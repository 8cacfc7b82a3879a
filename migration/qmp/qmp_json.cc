#include "migration/qmp/qmp_json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>
#include <cerrno>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

namespace mrm::qmp {

using params::Json;
namespace {

constexpr int kMaxNesting = 1024;     // json-streamer.c MAX_NESTING
constexpr std::size_t kMaxTokens = 2 * 1024 * 1024;  // MAX_TOKEN_COUNT
// json-lexer.c and json-streamer.c MAX_TOKEN_SIZE: the longest token, and the
// most bytes of tokens in one message.
constexpr std::size_t kMaxTokenSize = std::size_t{64} << 20;

dioh::Status ParseError(const std::string& what) { return dioh::Status::Error(EINVAL, "JSON parse error, " + what); }

void AppendUtf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// mod_utf8_codepoint() (util/unicode.c): the code point at text[i], advancing
// i, or -1 for an invalid sequence (overlong, surrogate, above U+10FFFF,
// truncated). QEMU reads modified UTF-8, where C0 80 is U+0000.
long DecodeUtf8(std::string_view text, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char first = byte(i++);
  if (first < 0x80) return first;
  int length = 0;
  long code = 0;
  if ((first & 0xE0) == 0xC0) length = 1, code = first & 0x1F;
  else if ((first & 0xF0) == 0xE0) length = 2, code = first & 0x0F;
  else if ((first & 0xF8) == 0xF0) length = 3, code = first & 0x07;
  else return -1;
  for (int k = 0; k < length; ++k, ++i) {
    if (i >= text.size() || (byte(i) & 0xC0) != 0x80) return -1;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  static constexpr long kMin[] = {0, 0x80, 0x800, 0x10000};
  if (length == 1 && code == 0) return 0;  // modified UTF-8's NUL
  if (code < kMin[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return -1;
  return code;
}

long Hex4(std::string_view text, std::size_t at) {
  if (at + 4 > text.size()) return -1;
  long code = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    const char c = text[k];
    if (!std::isxdigit(static_cast<unsigned char>(c))) return -1;
    code = code * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10);
  }
  return code;
}

}  // namespace

// json-parser.c's recursive descent: the first rule that fails names the
// error (QEMU 10's parse_error() keeps the first message).
class JsonMessageStreamer::Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  dioh::Result<Json> ParseMessage() {
    std::optional<Json> value = ParseValue();
    if (!value) return ParseError(error_);
    return std::move(*value);
  }

 private:
  const Token* Peek() const { return next_ < tokens_.size() ? &tokens_[next_] : nullptr; }
  const Token* Pop() { return next_ < tokens_.size() ? &tokens_[next_++] : nullptr; }
  std::nullopt_t Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  std::optional<Json> ParseValue() {
    const Token* token = Peek();
    if (token == nullptr) return Fail("premature EOI");
    switch (token->type) {
      case TokenType::kLCurly: return ParseObject();
      case TokenType::kLSquare: return ParseArray();
      case TokenType::kString: return ParseString(*Pop());
      case TokenType::kInteger: return ParseInteger(Pop()->text);
      case TokenType::kFloat: return Json(std::strtod(Pop()->text.c_str(), nullptr));  // 1e999: inf, as QEMU
      case TokenType::kKeyword: return ParseKeyword(Pop()->text);
      default: return Fail("expecting value");
    }
  }

  bool ParsePair(Json& object) {
    std::optional<Json> key = ParseValue();
    if (!key || !key->is_string()) return Fail("key is not a string in object"), false;
    const Token* colon = Pop();
    if (colon == nullptr) return Fail("premature EOI"), false;
    if (colon->type != TokenType::kColon) return Fail("missing : in object pair"), false;
    std::optional<Json> value = ParseValue();
    if (!value) return Fail("Missing value in dict"), false;
    if (object.contains(key->get_ref<const std::string&>())) return Fail("duplicate key"), false;
    object[key->get<std::string>()] = std::move(*value);
    return true;
  }

  std::optional<Json> ParseObject() {
    Pop();  // {
    Json object = Json::object();
    const Token* peek = Peek();
    if (peek == nullptr) return Fail("premature EOI");
    if (peek->type == TokenType::kRCurly) {
      Pop();
      return object;
    }
    if (!ParsePair(object)) return std::nullopt;
    for (const Token* token = Pop();; token = Pop()) {
      if (token == nullptr) return Fail("premature EOI");
      if (token->type == TokenType::kRCurly) return object;
      if (token->type != TokenType::kComma) return Fail("expected separator in dict");
      if (!ParsePair(object)) return std::nullopt;
    }
  }

  std::optional<Json> ParseArray() {
    Pop();  // [
    Json array = Json::array();
    const Token* peek = Peek();
    if (peek == nullptr) return Fail("premature EOI");
    if (peek->type == TokenType::kRSquare) {
      Pop();
      return array;
    }
    for (;;) {
      std::optional<Json> element = ParseValue();
      if (!element) return Fail("expecting value");
      array.push_back(std::move(*element));
      const Token* token = Pop();
      if (token == nullptr) return Fail("premature EOI");
      if (token->type == TokenType::kRSquare) return array;
      if (token->type != TokenType::kComma) return Fail("expected separator in list");
    }
  }

  std::optional<Json> ParseKeyword(const std::string& word) {
    if (word == "true") return Json(true);
    if (word == "false") return Json(false);
    if (word == "null") return Json(nullptr);
    return Fail("invalid keyword '" + word + "'");
  }

  std::optional<Json> ParseInteger(const std::string& text) {
    errno = 0;
    const long long number = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == 0) return Json(static_cast<std::int64_t>(number));
    errno = 0;
    const unsigned long long unsigned_number = std::strtoull(text.c_str(), nullptr, 10);
    if (text[0] != '-' && errno == 0) return Json(static_cast<std::uint64_t>(unsigned_number));
    return Json(std::strtod(text.c_str(), nullptr));  // beyond 64 bits: a double, as parse_literal()
  }

  // Single- and double-quoted strings, QEMU's escapes (parse_string()).
  std::optional<Json> ParseString(const Token& token) {
    std::string out;
    const std::string_view raw(token.text);
    const std::size_t end = raw.size() - 1;  // the closing quote
    for (std::size_t i = 1; i < end;) {
      if (raw[i] != '\\') {
        const long code = DecodeUtf8(raw.substr(0, end), i);
        if (code < 0) return Fail("invalid UTF-8 sequence in string");
        AppendUtf8(out, static_cast<unsigned>(code));
        continue;
      }
      const std::size_t begin = i;
      const char escape = raw[++i];
      ++i;
      switch (escape) {
        case '"': case '\'': case '\\': case '/': out += escape; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          long code = Hex4(raw, i);
          i += 4;
          if (code >= 0xD800 && code <= 0xDBFF && i + 1 < raw.size() && raw[i] == '\\' && raw[i + 1] == 'u') {
            const long trailing = Hex4(raw, i + 2);
            code = trailing >= 0xDC00 && trailing <= 0xDFFF ? 0x10000 + ((code & 0x3FF) << 10) + (trailing & 0x3FF) : -1;
            if (code >= 0) i += 6;
          }
          if (code < 0 || (code >= 0xD800 && code <= 0xDFFF)) {
            return Fail(std::string(raw.substr(begin, std::min(i, raw.size()) - begin)) +
                        " is not a valid Unicode character");
          }
          AppendUtf8(out, static_cast<unsigned>(code));
          break;
        }
        default: return Fail("invalid escape sequence in string");
      }
    }
    return Json(std::move(out));
  }

  const std::vector<Token>& tokens_;
  std::size_t next_ = 0;
  std::string error_;
};

namespace {
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
}  // namespace

// One transition of json-lexer.c's table. A token that ends on a byte it does
// not take (a number, a keyword) is processed first, then the byte again from
// kStart. After an error the lexer skips to a structural character, a control
// character or an impossible UTF-8 byte (IN_RECOVERY).
void JsonMessageStreamer::FeedByte(unsigned char c) {
  const auto error = [&] {
    token_ += static_cast<char>(c);
    ProcessToken(TokenType::kError);
    state_ = LexState::kRecovery;
  };
  const auto take = [&](LexState next) {
    token_ += static_cast<char>(c);
    state_ = next;
  };
  const auto finish = [&](TokenType type) {  // lookahead: c starts the next token
    ProcessToken(type);
    state_ = LexState::kStart;
  };
  switch (state_) {
    case LexState::kRecovery:
      if ((c < 0x20 && c != '\t') || c >= 0xFE || (c != 0 && std::strchr("[]{}:,", c) != nullptr)) {
        state_ = LexState::kStart;
        return FeedByte(c);
      }
      return;
    case LexState::kStart:
      switch (c) {
        case ' ': case '\t': case '\r': case '\n': return;
        case '{': token_ = "{"; return ProcessToken(TokenType::kLCurly);
        case '}': token_ = "}"; return ProcessToken(TokenType::kRCurly);
        case '[': token_ = "["; return ProcessToken(TokenType::kLSquare);
        case ']': token_ = "]"; return ProcessToken(TokenType::kRSquare);
        case ':': token_ = ":"; return ProcessToken(TokenType::kColon);
        case ',': token_ = ","; return ProcessToken(TokenType::kComma);
        case '"': return take(LexState::kDqString);
        case '\'': return take(LexState::kSqString);
        case '0': return take(LexState::kZero);
        case '-': return take(LexState::kNegNonzero);
        default:
          if (c >= '1' && c <= '9') return take(LexState::kNonzero);
          if (c >= 'a' && c <= 'z') return take(LexState::kKeyword);
          return error();
      }
    case LexState::kDqString:
    case LexState::kSqString: {
      const bool double_quoted = state_ == LexState::kDqString;
      if (c == (double_quoted ? '"' : '\'')) {
        token_ += static_cast<char>(c);
        ProcessToken(TokenType::kString);
        state_ = LexState::kStart;
        return;
      }
      if (c == '\\') return take(double_quoted ? LexState::kDqEscape : LexState::kSqEscape);
      if (c >= 0x20 && c <= 0xFD) return take(state_);
      return error();
    }
    case LexState::kDqEscape:
    case LexState::kSqEscape:
      if (c >= 0x20 && c <= 0xFD) return take(state_ == LexState::kDqEscape ? LexState::kDqString : LexState::kSqString);
      return error();
    case LexState::kZero:
      if (IsDigit(c)) return error();
      if (c == '.') return take(LexState::kMantissa);
      if (c < 0x80) return finish(TokenType::kInteger), FeedByte(c);
      return error();
    case LexState::kNonzero:
      if (IsDigit(c)) return take(state_);
      if (c == 'e' || c == 'E') return take(LexState::kExpE);
      if (c == '.') return take(LexState::kMantissa);
      if (c < 0x80) return finish(TokenType::kInteger), FeedByte(c);
      return error();
    case LexState::kNegNonzero:
      if (c == '0') return take(LexState::kZero);
      if (c >= '1' && c <= '9') return take(LexState::kNonzero);
      return error();
    case LexState::kMantissa:
      if (IsDigit(c)) return take(LexState::kMantissaDigits);
      return error();
    case LexState::kMantissaDigits:
      if (IsDigit(c)) return take(state_);
      if (c == 'e' || c == 'E') return take(LexState::kExpE);
      if (c < 0x80) return finish(TokenType::kFloat), FeedByte(c);
      return error();
    case LexState::kExpE:
      if (c == '-' || c == '+') return take(LexState::kDigit);
      if (IsDigit(c)) return take(LexState::kDigits);
      return error();
    case LexState::kDigit:
      if (IsDigit(c)) return take(LexState::kDigits);
      return error();
    case LexState::kDigits:
      if (IsDigit(c)) return take(state_);
      if (c < 0x80) return finish(TokenType::kFloat), FeedByte(c);
      return error();
    case LexState::kKeyword:
      if (c >= 'a' && c <= 'z') return take(state_);
      if (c < 0x80) return finish(TokenType::kKeyword), FeedByte(c);
      return error();
  }
}

void JsonMessageStreamer::Emit(dioh::Result<Json> message) {
  tokens_.clear();
  token_size_ = 0;
  braces_ = 0;
  brackets_ = 0;
  out_->push_back(std::move(message));
}

// json_message_process_token(): count brackets; a message ends when they are
// balanced again (or go negative), then it is parsed as one value.
void JsonMessageStreamer::ProcessToken(TokenType type) {
  std::string text = std::move(token_);
  token_.clear();
  switch (type) {
    case TokenType::kLCurly: ++braces_; break;
    case TokenType::kRCurly: --braces_; break;
    case TokenType::kLSquare: ++brackets_; break;
    case TokenType::kRSquare: --brackets_; break;
    case TokenType::kError: return Emit(ParseError("stray '" + text + "'"));
    default: break;
  }
  if (token_size_ + text.size() + 1 > kMaxTokenSize) {
    return Emit(dioh::Status::Error(EINVAL, "JSON token size limit exceeded"));
  }
  if (tokens_.size() + 1 > kMaxTokens) return Emit(dioh::Status::Error(EINVAL, "JSON token count limit exceeded"));
  if (braces_ + brackets_ > kMaxNesting) return Emit(dioh::Status::Error(EINVAL, "JSON nesting depth limit exceeded"));
  token_size_ += text.size();
  tokens_.push_back(Token{type, std::move(text)});
  if ((braces_ > 0 || brackets_ > 0) && braces_ >= 0 && brackets_ >= 0) return;
  Emit(Parser(tokens_).ParseMessage());
}

std::vector<dioh::Result<Json>> JsonMessageStreamer::Feed(std::string_view bytes) {
  std::vector<dioh::Result<Json>> out;
  out_ = &out;
  for (const char byte : bytes) {
    FeedByte(static_cast<unsigned char>(byte));
    // json-lexer.c: a single token may not grow beyond MAX_TOKEN_SIZE; the
    // lexer hands it on (the streamer refuses it) and starts afresh.
    if (token_.size() > kMaxTokenSize) {
      token_.clear();
      state_ = LexState::kStart;
      Emit(dioh::Status::Error(EINVAL, "JSON token size limit exceeded"));
    }
  }
  out_ = nullptr;
  return out;
}

namespace {

// Appends `value` as QEMU's QObject output visitor formats it, into one
// string (no copy per nesting level).
void AppendQmpJson(const Json& value, std::string& out) {
  // Invalid UTF-8 (a stray byte quoted in an error) becomes U+FFFD, never a throw.
  const auto dump = [](const Json& scalar) {
    return scalar.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
  };
  if (value.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& item : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += dump(Json(item.key()));
      out += ": ";
      AppendQmpJson(item.value(), out);
    }
    out += '}';
  } else if (value.is_array()) {
    out += '[';
    bool first = true;
    for (const Json& element : value) {
      if (!first) out += ", ";
      first = false;
      AppendQmpJson(element, out);
    }
    out += ']';
  } else if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    // QEMU prints a double with "%.17g": 1e999 comes back as inf, not null.
    const double number = value.get<double>();
    out += std::isnan(number) ? "nan" : number < 0 ? "-inf" : "inf";
  } else {
    out += dump(value);
  }
}

}  // namespace

std::string ToQmpJson(const Json& value) {
  std::string out;
  AppendQmpJson(value, out);
  return out;
}

}  // namespace mrm::qmp
