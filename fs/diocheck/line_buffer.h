// LineBuffer: a fixed-capacity text builder on caller storage, for formatting
// a report inside an interposed call where malloc and stdio are off limits
// (they may hold locks the interrupted code already holds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace diocheck {

class LineBuffer {
 public:
  LineBuffer(char* storage, size_t capacity) : data_(storage), capacity_(capacity) {}

  // Each Append copies what fits; past the capacity the line is marked
  // truncated and further text is dropped (a report is never split).
  void Append(std::string_view text);
  void AppendChar(char c);
  void AppendUnsigned(uint64_t value);
  void AppendSigned(int64_t value);
  void AppendHex(uint64_t value);  // "0x" and lowercase hex digits
  // `text` between double quotes with JSON escapes (\" \\ \n \uXXXX ...).
  void AppendJsonString(std::string_view text);

  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  bool truncated() const { return truncated_; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
  bool truncated_ = false;
};

}  // namespace diocheck
