#include "migration/qmp/qmp_json.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

namespace mrm::qmp {

using params::Json;
namespace {

constexpr int kMaxNesting = 1024;     // json-streamer.c MAX_NESTING
constexpr std::size_t kMaxTokens = 2 * 1024 * 1024;  // MAX_TOKEN_COUNT

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?
// Returns 'i' (integer), 'f' (float) or 0 (not a number).
char ClassifyNumber(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  const std::size_t first = i;
  const std::size_t whole = digits();
  if (whole == 0 || (whole > 1 && text[first] == '0')) return 0;
  char kind = 'i';
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return 0;
    kind = 'f';
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return 0;
    kind = 'f';
  }
  return i == text.size() ? kind : 0;
}

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

}  // namespace

// json-parser.c's recursive descent: the outermost rule that fails names the
// error (an inner message is overwritten, as QEMU's parse_error() does).
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
    error_ = std::move(message);
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
      case TokenType::kFloat: return Json(std::stod(Pop()->text));
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
    return Json(std::stod(text));
  }

  // Single- and double-quoted strings, QEMU's escapes.
  std::optional<Json> ParseString(const Token& token) {
    std::string out;
    const std::string& raw = token.text;
    for (std::size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out += raw[i];
        continue;
      }
      const char escape = raw[++i];
      switch (escape) {
        case '"': case '\'': case '\\': case '/': out += escape; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          if (i + 4 >= raw.size()) return Fail("invalid hex escape sequence in string");
          unsigned code = 0;
          for (int k = 0; k < 4; ++k) {
            const char c = raw[++i];
            if (!std::isxdigit(static_cast<unsigned char>(c))) {
              return Fail("invalid hex escape sequence in string");
            }
            code = code * 16 + static_cast<unsigned>(std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10);
          }
          AppendUtf8(out, code);
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

bool JsonMessageStreamer::NextToken(Token& token) {
  std::size_t start = 0;
  while (start < buffer_.size() && std::isspace(static_cast<unsigned char>(buffer_[start]))) ++start;
  buffer_.erase(0, start);
  if (buffer_.empty()) return false;
  const char first = buffer_[0];
  std::size_t length = 1;
  switch (first) {
    case '{': token.type = TokenType::kLCurly; break;
    case '}': token.type = TokenType::kRCurly; break;
    case '[': token.type = TokenType::kLSquare; break;
    case ']': token.type = TokenType::kRSquare; break;
    case ':': token.type = TokenType::kColon; break;
    case ',': token.type = TokenType::kComma; break;
    case '"':
    case '\'': {
      std::size_t i = 1;
      while (i < buffer_.size() && buffer_[i] != first) i += buffer_[i] == '\\' ? 2 : 1;
      if (i >= buffer_.size()) return false;  // the string goes on in later bytes
      token.type = TokenType::kString;
      length = i + 1;
      break;
    }
    default:
      if (first == '-' || std::isdigit(static_cast<unsigned char>(first))) {
        while (length < buffer_.size() && std::strchr("0123456789.eE+-", buffer_[length])) ++length;
        if (length == buffer_.size()) return false;
        const char kind = ClassifyNumber(std::string_view(buffer_).substr(0, length));
        token.type = kind == 'i' ? TokenType::kInteger : kind == 'f' ? TokenType::kFloat : TokenType::kError;
      } else if (std::islower(static_cast<unsigned char>(first))) {
        while (length < buffer_.size() && std::islower(static_cast<unsigned char>(buffer_[length]))) ++length;
        if (length == buffer_.size()) return false;
        token.type = TokenType::kKeyword;
      } else {
        token.type = TokenType::kError;
      }
  }
  token.text = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return true;
}

void JsonMessageStreamer::Emit(std::vector<dioh::Result<Json>>& out, dioh::Result<Json> message) {
  tokens_.clear();
  braces_ = 0;
  brackets_ = 0;
  out.push_back(std::move(message));
}

// json_message_process_token(): count brackets; a message ends when they are
// balanced again (or go negative), then it is parsed as one value.
std::vector<dioh::Result<Json>> JsonMessageStreamer::Feed(std::string_view bytes) {
  buffer_.append(bytes);
  std::vector<dioh::Result<Json>> out;
  Token token;
  while (NextToken(token)) {
    switch (token.type) {
      case TokenType::kLCurly: ++braces_; break;
      case TokenType::kRCurly: --braces_; break;
      case TokenType::kLSquare: ++brackets_; break;
      case TokenType::kRSquare: --brackets_; break;
      case TokenType::kError:
        Emit(out, ParseError("stray '" + token.text + "'"));
        continue;
      default: break;
    }
    if (braces_ + brackets_ > kMaxNesting) {
      Emit(out, dioh::Status::Error(EINVAL, "JSON nesting depth limit exceeded"));
      continue;
    }
    if (tokens_.size() >= kMaxTokens) {
      Emit(out, dioh::Status::Error(EINVAL, "JSON token count limit exceeded"));
      continue;
    }
    tokens_.push_back(std::move(token));
    if ((braces_ > 0 || brackets_ > 0) && braces_ >= 0 && brackets_ >= 0) continue;
    Emit(out, Parser(tokens_).ParseMessage());
  }
  return out;
}

std::string ToQmpJson(const Json& value) {
  if (value.is_object()) {
    std::string out = "{";
    bool first = true;
    for (const auto& item : value.items()) {
      if (!first) out += ", ";
      first = false;
      out += Json(item.key()).dump() + ": " + ToQmpJson(item.value());
    }
    return out + "}";
  }
  if (value.is_array()) {
    std::string out = "[";
    bool first = true;
    for (const Json& element : value) {
      if (!first) out += ", ";
      first = false;
      out += ToQmpJson(element);
    }
    return out + "]";
  }
  return value.dump(-1, ' ', false, nlohmann::detail::error_handler_t::replace);
}

}  // namespace mrm::qmp
