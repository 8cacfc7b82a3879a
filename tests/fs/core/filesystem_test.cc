// DioFilesystem driven directly, as the FUSE adapter drives it: no mount.
#include "fs/core/filesystem.h"

#include <fcntl.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <thread>

#include "fs/core/mem_backend.h"
#include "tests/fs/core/filesystem_fixture.h"

namespace diofs {
namespace {

using test::Recorded;
using test::RecordingObserver;

constexpr Caller kCaller{100, 101, {}};
constexpr std::uint64_t kRoot = InodeTable::kRootIno;

std::span<const std::byte> Zeros(std::size_t n) {
  static const std::vector<std::byte> zeros(1 << 20);
  return std::span(zeros.data(), n);
}

class FilesystemTest : public ::testing::Test {
 protected:
  void Make(const std::string& profile, OnViolation policy = OnViolation::kEinval) {
    fs_ = std::make_unique<DioFilesystem>(MakeMemBackend(), ProfileSwitch{*ProfileByName(profile), policy},
                                          std::vector<OpObserver*>{&observer_});
  }
  Opened CreateFile(const std::string& name, std::uint32_t flags) {
    auto opened = fs_->Create(kRoot, name, 0644, flags | O_CREAT, kCaller);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? *opened : Opened{};
  }
  std::string ReadControl(const std::string& name) {
    auto dir = fs_->Lookup(kRoot, ".diofs");
    EXPECT_TRUE(dir.ok());
    auto entry = fs_->Lookup(dir->ino, name);
    EXPECT_TRUE(entry.ok());
    auto opened = fs_->Open(entry->ino, O_RDONLY, kCaller);
    EXPECT_TRUE(opened.ok());
    EXPECT_TRUE(opened->direct_io);
    std::string text(4096, '\0');
    auto n = fs_->Read(opened->fh, 0, std::as_writable_bytes(std::span(text.data(), text.size())), O_RDONLY, kCaller);
    fs_->Release(opened->fh, kCaller);
    text.resize(n.ok() ? *n : 0);
    return text;
  }
  dioh::Status WriteControl(const std::string& name, const std::string& text, Caller caller = kCaller) {
    auto dir = fs_->Lookup(kRoot, ".diofs");
    auto entry = fs_->Lookup(dir->ino, name);
    auto opened = fs_->Open(entry->ino, O_WRONLY, caller);
    if (!opened.ok()) return opened.status();
    auto n = fs_->Write(opened->fh, 0, std::as_bytes(std::span(text.data(), text.size())), O_WRONLY, caller);
    fs_->Release(opened->fh, caller);
    return n.ok() ? dioh::Status::Ok() : n.status();
  }

  RecordingObserver observer_;
  std::unique_ptr<DioFilesystem> fs_;
};

TEST_F(FilesystemTest, DirectWritesFollowTheProfile) {
  Make("strict-4k");
  const Opened f = CreateFile("f", O_RDWR | O_DIRECT);
  EXPECT_TRUE(f.direct_io);
  EXPECT_EQ(*fs_->Write(f.fh, 0, Zeros(4096), O_RDWR | O_DIRECT, kCaller), 4096u);
  auto misaligned = fs_->Write(f.fh, 512, Zeros(512), O_RDWR | O_DIRECT, kCaller);
  ASSERT_FALSE(misaligned.ok());
  EXPECT_EQ(misaligned.status().code(), EINVAL);
  const auto writes = observer_.Of(OpKind::kWrite);
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[1].rule, Rule::kOffsetAlign);
  EXPECT_EQ(writes[1].verdict, Verdict::kRejected);
  EXPECT_EQ(writes[1].result, -EINVAL);
  EXPECT_EQ(writes[1].path, "/f");
  EXPECT_EQ(writes[1].offset, 512u);
  EXPECT_EQ(writes[1].length, 512u);
  EXPECT_EQ(writes[1].data_size, 512u);
  EXPECT_EQ(writes[1].tid, 101u);
  EXPECT_EQ(writes[1].pid, 100u);
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, std::nullopt)->size, 4096u);  // the rejected write changed nothing
}

TEST_F(FilesystemTest, RecordPolicyLetsViolationsThrough) {
  Make("strict-4k", OnViolation::kRecord);
  const Opened f = CreateFile("f", O_RDWR | O_DIRECT);
  EXPECT_EQ(*fs_->Write(f.fh, 1, Zeros(100), O_RDWR | O_DIRECT, kCaller), 100u);
  const auto writes = observer_.Of(OpKind::kWrite);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].verdict, Verdict::kRecorded);
  EXPECT_EQ(writes[0].result, 100);
  EXPECT_EQ(fs_->counters().Read().recorded[static_cast<int>(Rule::kOffsetAlign)], 1u);
}

TEST_F(FilesystemTest, FlagsArrivingWithATransferDecideIt) {
  Make("strict-4k");
  const Opened f = CreateFile("f", O_RDWR);
  EXPECT_FALSE(f.direct_io);
  EXPECT_TRUE(fs_->Write(f.fh, 1, Zeros(100), O_RDWR, kCaller).ok());
  // fcntl(F_SETFL, O_DIRECT): the next request carries the new flags.
  EXPECT_EQ(fs_->Write(f.fh, 1, Zeros(100), O_RDWR | O_DIRECT, kCaller).status().code(), EINVAL);
  std::vector<std::byte> out(100);
  EXPECT_EQ(fs_->Read(f.fh, 1, out, O_RDWR | O_DIRECT, kCaller).status().code(), EINVAL);
  EXPECT_TRUE(fs_->Write(f.fh, 1, Zeros(100), O_RDWR | O_LARGEFILE, kCaller).ok());
  const auto changes = observer_.Of(OpKind::kFlagChange);
  ASSERT_EQ(changes.size(), 2u);  // on and off; O_LARGEFILE is not a change
  EXPECT_EQ(changes[0].flags & O_DIRECT, static_cast<std::uint32_t>(O_DIRECT));
  EXPECT_EQ(changes[1].flags & O_DIRECT, 0u);
}

TEST_F(FilesystemTest, NoODirectProfileRejectsTheOpenAndCreatesNothing) {
  Make("no-odirect");
  auto rejected = fs_->Create(kRoot, "f", 0644, O_CREAT | O_RDWR | O_DIRECT, kCaller);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), EINVAL);
  EXPECT_EQ(fs_->Lookup(kRoot, "f").status().code(), ENOENT);
  const auto creates = observer_.Of(OpKind::kCreate);
  ASSERT_EQ(creates.size(), 1u);
  EXPECT_EQ(creates[0].rule, Rule::kODirectUnsupported);
  const Opened f = CreateFile("f", O_RDWR);
  EXPECT_EQ(*fs_->Write(f.fh, 1, Zeros(3), O_RDWR, kCaller), 3u);
}

TEST_F(FilesystemTest, UnlinkedFileLivesOnThroughItsHandle) {
  Make("strict-4k");
  const Opened f = CreateFile("f", O_RDWR);
  ASSERT_TRUE(fs_->Unlink(kRoot, "f", kCaller).ok());
  EXPECT_EQ(fs_->Lookup(kRoot, "f").status().code(), ENOENT);
  EXPECT_EQ(*fs_->Write(f.fh, 0, Zeros(10), O_RDWR, kCaller), 10u);
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, f.fh)->size, 10u);
  // fstat() asks by inode alone: the file is still there, with no link.
  auto attr = fs_->GetAttr(f.entry.ino, std::nullopt);
  ASSERT_TRUE(attr.ok()) << attr.status().ToString();
  EXPECT_EQ(attr->size, 10u);
  EXPECT_EQ(attr->nlink, 0u);
  fs_->Release(f.fh, kCaller);
  EXPECT_EQ(fs_->open_handles(), 0u);
  EXPECT_EQ(fs_->GetAttr(f.entry.ino, std::nullopt).status().code(), ENOENT);
}

TEST_F(FilesystemTest, ControlFolderIsReservedAndHidden) {
  Make("strict-4k");
  EXPECT_FALSE(fs_->Create(kRoot, ".diofs", 0644, O_CREAT | O_RDWR, kCaller).ok());
  EXPECT_FALSE(fs_->MakeDir(kRoot, ".diofs", 0755, kCaller).ok());
  EXPECT_FALSE(fs_->Unlink(kRoot, ".diofs", kCaller).ok());
  CreateFile("visible", O_RDWR);
  auto root = fs_->OpenDir(kRoot);
  ASSERT_TRUE(root.ok());
  auto entries = fs_->ReadDir(*root, 0);
  ASSERT_TRUE(entries.ok());
  std::vector<std::string> names;
  for (const DirEntry& e : *entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "visible"}));
  auto dir = fs_->Lookup(kRoot, ".diofs");
  ASSERT_TRUE(dir.ok());
  auto listing = fs_->OpenDir(dir->ino);
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(fs_->ReadDir(*listing, 2)->size(), 8u);  // stats profile mark violation faults error crash unsynced
  EXPECT_EQ(fs_->Lookup(kRoot, "..").status().code(), ENOENT);
}

// What diofs stores for owners; the kernel checks permissions against it
// (default_permissions), so a wrong owner here is a hole there.
TEST_F(FilesystemTest, NodesBelongToTheCallerWhoMadeThem) {
  Make("strict-4k");
  const Caller user{3, 4, {1000, 100}};
  EXPECT_EQ(fs_->GetAttr(kRoot, std::nullopt)->uid, geteuid());  // the root is the mounter's
  auto shared = fs_->MakeDir(kRoot, "shared", 0777, kCaller);
  ASSERT_TRUE(shared.ok());
  SetAttrRequest chgrp;
  chgrp.gid = 50;
  chgrp.mode = S_IFDIR | 02777;
  ASSERT_TRUE(fs_->SetAttr(shared->ino, std::nullopt, chgrp, kCaller).ok());
  auto file = fs_->Create(shared->ino, "data", 0640, O_CREAT | O_RDWR, user);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->entry.attr.uid, 1000u);
  EXPECT_EQ(file->entry.attr.gid, 50u);  // the set-group-ID folder's group
  EXPECT_EQ(file->entry.attr.mode, static_cast<mode_t>(S_IFREG | 0640));
  auto sub = fs_->MakeDir(shared->ino, "sub", 0750, user);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->attr.uid, 1000u);
  EXPECT_EQ(sub->attr.mode, static_cast<mode_t>(S_IFDIR | 02750));
  SetAttrRequest chown;
  chown.uid = 2000;
  auto owned = fs_->SetAttr(file->entry.ino, std::nullopt, chown, kCaller);
  ASSERT_TRUE(owned.ok());
  EXPECT_EQ(owned->uid, 2000u);
  EXPECT_EQ(owned->gid, 50u);
}

TEST_F(FilesystemTest, DirectWriteByAnotherUserDropsSetIdBits) {
  Make("strict-4k");
  auto tool = fs_->Create(kRoot, "tool", 06777, O_CREAT | O_RDWR | O_DIRECT, kCaller);
  ASSERT_TRUE(tool.ok());
  ASSERT_TRUE(fs_->Write(tool->fh, 0, Zeros(4096), O_RDWR | O_DIRECT, kCaller).ok());
  EXPECT_EQ(fs_->GetAttr(tool->entry.ino, std::nullopt)->mode & 07777, 06777u);  // root's write keeps them
  const Caller user{3, 4, {1000, 100}};
  // A refused write changes nothing, as it never reaches the file.
  EXPECT_EQ(fs_->Write(tool->fh, 1, Zeros(4096), O_RDWR | O_DIRECT, user).status().code(), EINVAL);
  EXPECT_EQ(fs_->GetAttr(tool->entry.ino, std::nullopt)->mode & 07777, 06777u);
  ASSERT_TRUE(fs_->Write(tool->fh, 0, Zeros(4096), O_RDWR | O_DIRECT, user).ok());
  EXPECT_EQ(fs_->GetAttr(tool->entry.ino, std::nullopt)->mode & 07777, 0777u);
}

TEST_F(FilesystemTest, OnlyTheMountsOwnerMayWriteControlFiles) {
  Make("strict-4k");
  auto dir = fs_->Lookup(kRoot, ".diofs");
  ASSERT_TRUE(dir.ok());
  for (const char* name : {"profile", "faults", "mark", "violation", "crash", "stats", "error", "unsynced"}) {
    auto entry = fs_->Lookup(dir->ino, name);
    ASSERT_TRUE(entry.ok()) << name;
    EXPECT_EQ(entry->attr.uid, geteuid()) << name;
    EXPECT_EQ(entry->attr.mode & 0022, 0u) << name << ": writable by group or others";
  }
  SetAttrRequest chown;
  chown.uid = 1000;
  EXPECT_EQ(fs_->SetAttr(dir->ino, std::nullopt, chown, kCaller).status().code(), EPERM);
}

// The daemon survives any control-file write: each of these either works or
// fails with EINVAL, and what it said is in .diofs/error.
TEST_F(FilesystemTest, NoControlWriteCrashesTheDaemon) {
  Make("strict-4k");
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::vector<std::pair<std::string, std::string>> writes = {
      {"faults", R"({"rules":[{"action":{"torn":512,"then":7}}]})"},
      {"faults", R"({"rules":[{"action":{"corrupt":"read","bits":"x"}}]})"},
      {"faults", R"({"rules":)" + deep + "}"},
      {"faults", "\xff\xfe{"},
      {"profile", R"({"dio_align":)" + deep + "}"},
      {"profile", R"({"dio_align":1e999})"},
      {"profile", "\xc3("},
      {"crash", "torn 99999999999999999999999999"},
      {"crash", std::string("torn \0", 6)},
      {"crash", "torn 99999999999G"},     // a size too large: ERANGE from the parser
      {"crash", "torn99938889989792G"},  // control_files_fuzz found it (it aborted on ERANGE)
      {"violation", R"({"mode":7})"},
      {"violation", deep},
      {"violation", "\xff"},
      {"mark", std::string("\0\xff\n", 3)},
  };
  for (const auto& [file, text] : writes) {
    const dioh::Status status = WriteControl(file, text);
    EXPECT_TRUE(status.ok() || status.code() == EINVAL) << file << ": " << status.ToString();
    if (!status.ok()) {
      EXPECT_FALSE(ReadControl("error").empty()) << file;
    }
  }
  EXPECT_EQ(fs_->profile().profile.name, "strict-4k");  // nothing bad was applied
}

TEST_F(FilesystemTest, ARefusedControlWriteTellsTheSink) {
  Make("strict-4k");
  std::vector<std::string> reasons;
  fs_->SetControlErrorSink([&](const std::string& reason) { reasons.push_back(reason); });
  EXPECT_EQ(WriteControl("profile", "bogus").code(), EINVAL);
  ASSERT_TRUE(WriteControl("profile", "ext4-512").ok());
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("profile: unknown profile 'bogus'"), std::string::npos) << reasons[0];
  EXPECT_EQ(ReadControl("error"), reasons[0] + "\n");
}

TEST_F(FilesystemTest, ProfileControlFileReadsAndSwitches) {
  Make("strict-4k");
  auto j = nlohmann::json::parse(ReadControl("profile"));
  EXPECT_EQ(j["name"], "strict-4k");
  EXPECT_EQ(j["mem_align"], 4096);
  ASSERT_TRUE(WriteControl("profile", "tmpfs\n").ok());
  EXPECT_EQ(fs_->profile().profile.name, "tmpfs");
  const Opened f = CreateFile("f", O_RDWR | O_DIRECT);
  EXPECT_TRUE(fs_->Write(f.fh, 1, Zeros(100), O_RDWR | O_DIRECT, kCaller).ok());  // in force at once
  const dioh::Status bad = WriteControl("profile", "ext5");
  EXPECT_EQ(bad.code(), EINVAL);
  EXPECT_EQ(fs_->profile().profile.name, "tmpfs");  // a bad write changes nothing
}

TEST_F(FilesystemTest, StatsCountWhatWasIssued) {
  Make("strict-4k");
  const Opened f = CreateFile("f", O_RDWR | O_DIRECT);
  for (int i = 0; i < 3; ++i) (void)fs_->Write(f.fh, 0, Zeros(4096), O_RDWR | O_DIRECT, kCaller);
  (void)fs_->Write(f.fh, 0, Zeros(100), O_RDWR | O_DIRECT, kCaller);
  auto j = nlohmann::json::parse(ReadControl("stats"));
  EXPECT_EQ(j["ops"]["write"], 4);
  EXPECT_EQ(j["failed"]["write"], 1);
  EXPECT_EQ(j["direct_writes"], 4);
  EXPECT_EQ(j["bytes_written"], 3 * 4096);
  EXPECT_EQ(j["violations"]["rejected"]["length_align"], 1);
  EXPECT_EQ(fs_->Write(f.fh, 0, Zeros(1), O_RDONLY, kCaller).ok(), true);  // diofs does not police access modes
  EXPECT_EQ(WriteControl("stats", "x").code(), EACCES);
}

TEST_F(FilesystemTest, MarkerAndViolationReportsBecomeEvents) {
  Make("strict-4k");
  ASSERT_TRUE(WriteControl("mark", "before save\n").ok());
  ASSERT_TRUE(WriteControl("violation", R"({"call":"pwrite","mode":"record"})" "\n", Caller{7, 8, {}}).ok());
  const auto marks = observer_.Of(OpKind::kMarker);
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].text, "before save");
  const auto violations = observer_.Of(OpKind::kViolation);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].rule, Rule::kMemAlign);
  EXPECT_EQ(violations[0].verdict, Verdict::kRecorded);
  EXPECT_EQ(violations[0].tid, 8u);
  EXPECT_EQ(violations[0].text, R"({"call":"pwrite","mode":"record"})");
}

TEST_F(FilesystemTest, RenameKeepsOpenHandlesAndPaths) {
  Make("strict-4k");
  auto dir = fs_->MakeDir(kRoot, "d", 0755, kCaller);
  ASSERT_TRUE(dir.ok());
  auto opened = fs_->Create(dir->ino, "f", 0644, O_CREAT | O_RDWR, kCaller);
  ASSERT_TRUE(opened.ok());
  ASSERT_TRUE(fs_->Rename(kRoot, "d", kRoot, "e", 0, kCaller).ok());
  ASSERT_TRUE(fs_->Write(opened->fh, 0, Zeros(5), O_RDWR, kCaller).ok());
  EXPECT_EQ(observer_.Of(OpKind::kWrite).back().path, "/e/f");
  EXPECT_EQ(fs_->Rename(kRoot, "e", kRoot, ".diofs", 0, kCaller).code(), EPERM);
}

TEST_F(FilesystemTest, ConcurrentWritersAreAllCounted) {
  Make("strict-4k");
  const Opened f = CreateFile("f", O_RDWR | O_DIRECT);
  constexpr int kThreads = 8, kWrites = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const Caller caller{1, static_cast<std::uint32_t>(1000 + t), {}};
      for (int i = 0; i < kWrites; ++i) {
        const std::uint64_t offset = static_cast<std::uint64_t>(t * kWrites + i) * 4096 + (i % 2 == 0 ? 0 : 512);
        (void)fs_->Write(f.fh, offset, Zeros(4096), O_RDWR | O_DIRECT, caller);
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto s = fs_->counters().Read();
  EXPECT_EQ(s.direct_writes, static_cast<std::uint64_t>(kThreads * kWrites));
  EXPECT_EQ(s.rejected[static_cast<int>(Rule::kOffsetAlign)], static_cast<std::uint64_t>(kThreads * kWrites / 2));
  EXPECT_EQ(observer_.Of(OpKind::kWrite).size(), static_cast<std::size_t>(kThreads * kWrites));
}

}  // namespace
}  // namespace diofs
