// The version every binary prints for --version: the project's, from CMake.
#pragma once

#include <string>
#include <string_view>

namespace dioh::cli {

// "mrmigrate 0.1.0 (dioharness)": the program, the project version, and the
// project it belongs to (diofs, mrmigrate and diocheck_run ship with it);
// "dioharness 0.1.0" for dioharness itself.
std::string VersionLine(std::string_view program);

}  // namespace dioh::cli
