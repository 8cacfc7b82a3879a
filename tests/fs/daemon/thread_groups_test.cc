#include "fs/daemon/thread_groups.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

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

TEST(ThreadGroupsTest, EveryWorkerGetsTheSameAnswers) {
  // A worker answers from its own recent answers (16 slots by thread id)
  // after the first ask. Asked alternately about this thread and about ids
  // above pid_max that share its slot (no such thread: its own group, no
  // process group), every worker must give each id its own answer.
  ThreadGroups groups;
  const auto self = static_cast<std::uint32_t>(gettid());
  std::uint32_t pid_max = 4194304;
  std::ifstream("/proc/sys/kernel/pid_max") >> pid_max;
  std::vector<std::uint32_t> absent;
  for (std::uint32_t i = 1; i <= 20; ++i) absent.push_back(pid_max + 16 * i + self % 16);
  std::vector<std::thread> workers;
  std::atomic<int> wrong{0};
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (int round = 0; round < 2; ++round) {
        for (const std::uint32_t tid : absent) {
          const ThreadGroup mine = groups.Of(self);
          if (mine.tgid != static_cast<std::uint32_t>(getpid()) ||
              mine.pgid != static_cast<std::uint32_t>(getpgrp())) {
            ++wrong;
          }
          const ThreadGroup none = groups.Of(tid);
          if (none.tgid != tid || none.pgid != 0) ++wrong;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  EXPECT_EQ(wrong.load(), 0);
  // Another instance does not answer from the first one's thread-local slots.
  ThreadGroups fresh;
  EXPECT_EQ(fresh.Of(self).tgid, static_cast<std::uint32_t>(getpid()));
}

}  // namespace
}  // namespace diofs
