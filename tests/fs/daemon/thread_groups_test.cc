#include "fs/daemon/thread_groups.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace diofs {
namespace {

TEST(ThreadGroupsTest, ProcFilesAreRead) {
  EXPECT_EQ(ParseStatusTgid("Name:\tqemu\nUmask:\t0022\nState:\tS\nTgid:\t4711\nNgid:\t0\n"), 4711u);
  EXPECT_EQ(ParseStatusTgid("Name:\tx\n"), std::nullopt);
  EXPECT_EQ(ParseStatPgrp("4712 (mig/src/send_0) S 1 4700 4700 0 -1"), 4700u);
  // A command name may hold spaces and parentheses: the last ')' ends it.
  EXPECT_EQ(ParseStatPgrp("99 (a ) b) (c) R 5 77 77 0"), 77u);
  EXPECT_EQ(ParseStatPgrp("garbage"), std::nullopt);
}

TEST(ThreadGroupsTest, ThisProcessIsItsOwnThreadGroupInItsGroup) {
  ThreadGroups groups;
  const ThreadGroup self = groups.Of(static_cast<std::uint32_t>(gettid()));
  EXPECT_EQ(self.tgid, static_cast<std::uint32_t>(getpid()));
  EXPECT_EQ(self.pgid, static_cast<std::uint32_t>(getpgrp()));
  EXPECT_EQ(groups.Of(static_cast<std::uint32_t>(gettid())).pgid, self.pgid);  // cached
}

}  // namespace
}  // namespace diofs
