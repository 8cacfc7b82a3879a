// zero-page-detection (qapi ZeroPageDetection): who finds zero pages, so that
// they are left out of the bitmap instead of written. The default is kMultifd:
// the multifd channel thread (MAPPED-RAM.md "Who writes what").
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace mrm::model {

enum class ZeroPageDetection { kNone, kLegacy, kMultifd };

// QAPI names, in enum order.
inline constexpr std::array<std::string_view, 3> kZeroPageDetectionNames = {"none", "legacy", "multifd"};

inline std::string_view ZeroPageDetectionName(ZeroPageDetection value) {
  return kZeroPageDetectionNames[static_cast<std::size_t>(value)];
}

}  // namespace mrm::model
