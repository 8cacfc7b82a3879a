// CheckNames: the names RunChecks reports, in its order, for tests that
// check a list of names against the real table (the regression catalog, a
// full run). Test-only: production reads the names off RunChecks' results.
#pragma once

#include <string>
#include <vector>

namespace dioh::test_support {

const std::vector<std::string>& CheckNames();

}  // namespace dioh::test_support
