// direct-io as a value: what was asked, whether it takes effect, and why not.
// QEMU's migrate_direct_io() (migration/options.c): direct-io takes effect only
// with mapped-ram (page offsets aligned in the file) and multifd (the
// unaligned stream stays on the main channel). DirectIo::Decide is the one
// place this rule is written; the parameters core calls it when a migration
// starts, and the engine and channels take the result as it is.
#pragma once

#include <string_view>

namespace mrm::model {

class DirectIo {
 public:
  DirectIo() = default;  // not requested
  static DirectIo Decide(bool requested, bool mapped_ram, bool multifd);

  bool requested() const { return requested_; }
  bool effective() const { return effective_; }
  // Why a requested direct-io is not effective ("multifd is off", "mapped-ram
  // is off", "mapped-ram and multifd are off"); empty when effective or not
  // requested.
  std::string_view reason() const { return reason_; }
  bool operator==(const DirectIo&) const = default;

 private:
  DirectIo(bool requested, bool effective, std::string_view reason)
      : requested_(requested), effective_(effective), reason_(reason) {}
  bool requested_ = false;
  bool effective_ = false;
  std::string_view reason_;  // a string literal
};

}  // namespace mrm::model
