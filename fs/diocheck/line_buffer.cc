#include "fs/diocheck/line_buffer.h"

namespace diocheck {

void LineBuffer::AppendChar(char c) {
  if (size_ >= capacity_) {
    truncated_ = true;
    return;
  }
  data_[size_++] = c;
}

void LineBuffer::Append(std::string_view text) {
  for (char c : text) AppendChar(c);
}

void LineBuffer::AppendUnsigned(uint64_t value) {
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) AppendChar(digits[--count]);
}

void LineBuffer::AppendSigned(int64_t value) {
  if (value >= 0) {
    AppendUnsigned(static_cast<uint64_t>(value));
    return;
  }
  AppendChar('-');
  // Negate in unsigned arithmetic so INT64_MIN does not overflow.
  AppendUnsigned(0 - static_cast<uint64_t>(value));
}

void LineBuffer::AppendHex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  Append("0x");
  char digits[16];
  int count = 0;
  do {
    digits[count++] = kDigits[value & 0xf];
    value >>= 4;
  } while (value != 0);
  while (count > 0) AppendChar(digits[--count]);
}

void LineBuffer::AppendJsonString(std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  AppendChar('"');
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      AppendChar('\\');
      AppendChar(c);
    } else if (c == '\n') {
      Append("\\n");
    } else if (c == '\t') {
      Append("\\t");
    } else if (byte < 0x20) {
      Append("\\u00");
      AppendChar(kDigits[byte >> 4]);
      AppendChar(kDigits[byte & 0xf]);
    } else {
      AppendChar(c);
    }
  }
  AppendChar('"');
}

}  // namespace diocheck
