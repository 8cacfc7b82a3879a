// The checks one by one, in RunChecks order (CHECKS.md describes each). Every
// one is a pure function of its input; the name it reports is fixed.
#pragma once

#include "harness/checks/checks.h"

namespace dioh::checks {

// odirect_checks.cc
CheckResult CheckODirectAligned(const CheckInput& input);      // odirect-aligned
CheckResult CheckBuffersAligned(const CheckInput& input);      // buffers-aligned
CheckResult CheckODirectIffDirectIo(const CheckInput& input);  // odirect-iff-direct-io
CheckResult CheckMainChannelBuffered(const CheckInput& input); // main-channel-buffered
// layout_checks.cc
CheckResult CheckPageIoInRegions(const CheckInput& input);     // page-io-in-regions
CheckResult CheckFileParses(const CheckInput& input);          // file-parses
CheckResult CheckFileSizeBounded(const CheckInput& input);     // file-size-bounded
// ram_checks.cc
CheckResult CheckBitmapMatchesPages(const CheckInput& input);  // bitmap-matches-pages
CheckResult CheckRamEqual(const CheckInput& input);            // ram-equal
// outcome_checks.cc
CheckResult CheckPrefixIntact(const CheckInput& input);        // prefix-intact
CheckResult CheckShortWritesNoticed(const CheckInput& input);  // short-writes-noticed
CheckResult CheckExpectedOutcome(const CheckInput& input);     // expected-outcome

}  // namespace dioh::checks
