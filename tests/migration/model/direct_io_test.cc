#include "migration/model/direct_io.h"

#include <gtest/gtest.h>

namespace mrm::model {
namespace {

TEST(DirectIoTest, EffectiveOnlyWithMappedRamAndMultifd) {
  int effective_count = 0;
  for (int bits = 0; bits < 8; ++bits) {
    const bool requested = bits & 1, mapped_ram = bits & 2, multifd = bits & 4;
    const DirectIo direct_io = DirectIo::Decide(requested, mapped_ram, multifd);
    EXPECT_EQ(direct_io.requested(), requested);
    EXPECT_EQ(direct_io.effective(), requested && mapped_ram && multifd) << requested << mapped_ram << multifd;
    effective_count += direct_io.effective();
  }
  EXPECT_EQ(effective_count, 1);
}

TEST(DirectIoTest, SaysWhyARequestIsNotEffective) {
  EXPECT_EQ(DirectIo::Decide(true, true, true).reason(), "");
  EXPECT_EQ(DirectIo::Decide(true, true, false).reason(), "multifd is off");
  EXPECT_EQ(DirectIo::Decide(true, false, true).reason(), "mapped-ram is off");
  EXPECT_EQ(DirectIo::Decide(true, false, false).reason(), "mapped-ram and multifd are off");
  EXPECT_EQ(DirectIo::Decide(false, false, false).reason(), "");  // nothing was asked
}

TEST(DirectIoTest, DefaultIsNotRequested) {
  EXPECT_EQ(DirectIo(), DirectIo::Decide(false, true, true));
  EXPECT_FALSE(DirectIo().effective());
}

}  // namespace
}  // namespace mrm::model
