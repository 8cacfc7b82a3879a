#include "harness/mount/leftovers.h"

#include <gtest/gtest.h>

#include <set>

namespace dioh {
namespace {

// pids 100 and 300 are alive; every other pid is dead.
bool Alive(pid_t pid) { return pid == 100 || pid == 300; }

TEST(LeftoversTest, MarksCarryThePid) {
  EXPECT_EQ(MountMark(4242), "diofs:4242");
  EXPECT_EQ(MarkOwner(MountMark(4242)), 4242);
  EXPECT_EQ(FolderOwner(MountDirPrefix(17) + "Ab3xYz"), 17);
  EXPECT_EQ(FolderOwner(RunDirPrefix(17) + "Ab3xYz"), 17);
}

TEST(LeftoversTest, WhatIsNotAMarkHasNoOwner) {
  for (const char* source : {"diofs", "diofs:", "diofs:x1", "diofs:12x", "diofs:-3", "diofs:0", "other:12"}) {
    EXPECT_FALSE(MarkOwner(source)) << source;
  }
  // The folders of runs before the marks ("diofs-XXXXXX") and of other programs.
  for (const char* name : {"diofs-Ab3xYz", "diofs-12", "dioharness.XyZ123", "dioharness.12", "diocheck-Ab3xYz", "x"}) {
    EXPECT_FALSE(FolderOwner(name)) << name;
  }
}

TEST(LeftoversTest, ReapsOnlyTheMountsOfDeadRunsUnderTheTmpDir) {
  const std::string mounts =
      "proc /proc proc rw 0 0\n"
      "diofs:200 /t/diofs-200-aaaaaa/mnt fuse.diofs rw,nosuid 0 0\n"   // dead run: reaped
      "diofs:100 /t/diofs-100-bbbbbb/mnt fuse.diofs rw,nosuid 0 0\n"   // live run: kept
      "diofs:201 /elsewhere/diofs-201-cccccc/mnt fuse.diofs rw 0 0\n"  // not under TMPDIR: kept
      "diofs /t/user/mnt fuse.diofs rw 0 0\n"                          // unmarked: kept
      "diofs:202 /t/ext/mnt ext4 rw 0 0\n";                            // not diofs: kept
  const Leftovers found = FindLeftovers(mounts, "/t", {}, Alive);
  EXPECT_EQ(found.mountpoints, std::vector<std::string>{"/t/diofs-200-aaaaaa/mnt"});
  EXPECT_TRUE(found.folders.empty());
}

TEST(LeftoversTest, TheTmpDirMustBeAWholePathComponent) {
  const Leftovers found = FindLeftovers("diofs:200 /tmpx/diofs-200-a/mnt fuse.diofs rw 0 0\n", "/tmp", {}, Alive);
  EXPECT_TRUE(found.mountpoints.empty());
}

TEST(LeftoversTest, ReapsTheFoldersOfDeadRunsButNotOneHoldingAMountItKeeps) {
  const std::string mounts =
      "diofs:200 /t/diofs-200-aaaaaa/mnt fuse.diofs rw 0 0\n"  // reaped, so its folder goes too
      "diofs /t/dioharness.201.keepme/mnt fuse.diofs rw 0 0\n";  // unmarked mount in a dead run's folder
  const std::vector<std::string> entries = {"diofs-200-aaaaaa", "dioharness.201.keepme", "dioharness.202.gone12",
                                            "dioharness.300.living", "diofs-100-living", "unrelated", "diofs-Ab3xYz"};
  const Leftovers found = FindLeftovers(mounts, "/t", entries, Alive);
  EXPECT_EQ(std::set<std::string>(found.folders.begin(), found.folders.end()),
            (std::set<std::string>{"/t/diofs-200-aaaaaa", "/t/dioharness.202.gone12"}));
}

TEST(LeftoversTest, MountPointsAreUnescapedAsTheKernelWroteThem) {
  // The kernel writes a space as \040 and a backslash as \134.
  const std::string mounts = "diofs:200 /t/a\\040b\\134c/mnt fuse.diofs rw 0 0\n";
  EXPECT_EQ(MountPoints(mounts), std::vector<std::string>{"/t/a b\\c/mnt"});
  EXPECT_EQ(FindLeftovers(mounts, "/t", {}, Alive).mountpoints, std::vector<std::string>{"/t/a b\\c/mnt"});
}

}  // namespace
}  // namespace dioh
