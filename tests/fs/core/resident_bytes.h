// The resident memory of this process, for tests that check that freed file
// data goes back to the system.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>

namespace diofs::test {

// From /proc/self/statm (its second field, in pages).
inline std::uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace diofs::test
