#include "common/cli/version.h"

namespace dioh::cli {

std::string VersionLine(std::string_view program) {
  // dioharness itself needs no reminder of the project it belongs to.
  if (program == "dioharness") return std::string(program) + " " + DIOHARNESS_VERSION;
  return std::string(program) + " " + DIOHARNESS_VERSION + " (dioharness)";
}

}  // namespace dioh::cli
