// The volatile layer through DioFilesystem: what a crash and a failed fsync lose.
#include "fs/core/volatile_layer.h"

#include <fcntl.h>
#include <linux/falloc.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fs/core/filesystem.h"
#include "fs/core/mem_backend.h"

namespace diofs {
namespace {

constexpr Caller kCaller{1, 2, {}};
constexpr std::uint64_t kRoot = InodeTable::kRootIno;

class VolatileLayerTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(R"({"rules":[]})"); }
  void Make(const std::string& rules) {
    SimOptions sim;
    sim.volatile_data = true;
    sim.faults = *sim::FaultPlan::Parse(rules);
    fs_ = std::make_unique<DioFilesystem>(MakeMemBackend(), ProfileSwitch{*ProfileByName("lenient"), OnViolation::kEinval},
                                          std::vector<OpObserver*>{}, sim);
    auto opened = fs_->Create(kRoot, "f", 0644, O_CREAT | O_RDWR, kCaller);
    ASSERT_TRUE(opened.ok());
    fh_ = opened->fh;
    ino_ = opened->entry.ino;
  }
  void Write(std::uint64_t offset, char fill, std::size_t n) {
    const std::string data(n, fill);
    ASSERT_TRUE(fs_->Write(fh_, offset, std::as_bytes(std::span(data.data(), n)), O_RDWR, kCaller).ok());
  }
  std::string Content() {
    std::string out(1 << 16, '\0');
    auto n = fs_->Read(fh_, 0, std::as_writable_bytes(std::span(out.data(), out.size())), O_RDWR, kCaller);
    out.resize(*n);
    return out;
  }
  std::unique_ptr<DioFilesystem> fs_;
  std::uint64_t fh_ = 0, ino_ = 0;
};

TEST_F(VolatileLayerTest, CrashLosesWhatWasNotFsynced) {
  Write(0, 'a', 1000);
  ASSERT_TRUE(fs_->Fsync(fh_, true, kCaller).ok());
  Write(500, 'b', 1000);  // overwrites and extends
  EXPECT_EQ(Content(), std::string(500, 'a') + std::string(1000, 'b'));
  auto undone = fs_->Crash(false, 0);
  ASSERT_TRUE(undone.ok());
  EXPECT_EQ(*undone, 1u);
  EXPECT_EQ(Content(), std::string(1000, 'a'));
}

TEST_F(VolatileLayerTest, TruncateAndPunchAreUndoneToo) {
  Write(0, 'a', 8192);
  ASSERT_TRUE(fs_->Fsync(fh_, false, kCaller).ok());
  ASSERT_TRUE(fs_->Fallocate(fh_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096, kCaller).ok());
  SetAttrRequest shrink;
  shrink.size = 100;
  ASSERT_TRUE(fs_->SetAttr(ino_, fh_, shrink, kCaller).ok());
  EXPECT_EQ(Content().size(), 100u);
  ASSERT_TRUE(fs_->Crash(false, 0).ok());
  EXPECT_EQ(Content(), std::string(8192, 'a'));
}

TEST_F(VolatileLayerTest, TruncateByNameIsUndoneToo) {
  Write(0, 'a', 100);
  SetAttrRequest shrink;
  shrink.size = 10;
  ASSERT_TRUE(fs_->SetAttr(ino_, std::nullopt, shrink, kCaller).ok());  // truncate(2): no handle
  EXPECT_EQ(Content(), std::string(10, 'a'));
  ASSERT_TRUE(fs_->Crash(false, 0).ok());
  EXPECT_EQ(Content(), "");  // the file was created empty and never fsync'd
}

TEST_F(VolatileLayerTest, TornCrashKeepsSeededSectorPrefixesReproducibly) {
  std::string first;
  for (int run = 0; run < 2; ++run) {
    Make(R"({"rules":[]})");
    Write(0, 'a', 8 * 512);
    ASSERT_TRUE(fs_->Fsync(fh_, false, kCaller).ok());
    Write(0, 'b', 8 * 512);
    ASSERT_TRUE(fs_->Crash(true, 77).ok());
    const std::string after = Content();
    ASSERT_EQ(after.size(), 8u * 512);
    const std::size_t kept = after.find('a') == std::string::npos ? after.size() : after.find('a');
    EXPECT_EQ(kept % 512, 0u) << "torn at a sector boundary";
    EXPECT_EQ(after.substr(kept), std::string(after.size() - kept, 'a'));
    if (run == 0) first = after;
    EXPECT_EQ(after, first) << "the same seed tears the same way";
  }
}

TEST_F(VolatileLayerTest, FailedFsyncDropsTheDirtyDataAsLinuxDoes) {
  Make(R"({"rules":[{"op":"fsync","when":{"nth":2},"action":{"errno":"EIO"}}]})");
  Write(0, 'a', 100);
  ASSERT_TRUE(fs_->Fsync(fh_, false, kCaller).ok());
  Write(0, 'b', 100);
  EXPECT_EQ(fs_->Fsync(fh_, false, kCaller).code(), EIO);
  EXPECT_EQ(Content(), std::string(100, 'a')) << "the write-back failed: the new data is gone";
  Write(0, 'c', 10);
  ASSERT_TRUE(fs_->Fsync(fh_, false, kCaller).ok());
  ASSERT_TRUE(fs_->Crash(false, 0).ok());
  EXPECT_EQ(Content(), std::string(10, 'c') + std::string(90, 'a'));
}

// --capacity with --volatile: a deleted or truncated file gives its space
// back (the journal kept unlinked files alive, so `df` stayed at 100 %).
TEST(VolatileLayerCapacityTest, UnlinkTruncateAndReplaceGiveSpaceBack) {
  constexpr std::size_t kCapacity = 64 * 1024;
  SimOptions sim;
  sim.volatile_data = true;
  DioFilesystem fs(MakeMemBackend(kCapacity), ProfileSwitch{*ProfileByName("lenient"), OnViolation::kEinval}, {}, sim);
  const std::string full(kCapacity, 'x');
  const auto bytes = std::as_bytes(std::span(full.data(), full.size()));
  const auto fill = [&](const std::string& name) {
    auto f = fs.Create(kRoot, name, 0644, O_CREAT | O_RDWR, kCaller);
    EXPECT_TRUE(f.ok());
    auto n = f.ok() ? fs.Write(f->fh, 0, bytes, O_RDWR, kCaller) : dioh::Result<std::size_t>(f.status());
    EXPECT_TRUE(n.ok()) << name << ": " << n.status().ToString();
    return f.ok() ? *f : Opened{};
  };
  // Unlinked while open, written again, then closed.
  Opened a = fill("a");
  ASSERT_TRUE(fs.Unlink(kRoot, "a", kCaller).ok());
  ASSERT_TRUE(fs.Write(a.fh, 0, bytes.first(4096), O_RDWR, kCaller).ok());
  fs.Release(a.fh, kCaller);
  EXPECT_EQ(fs.StatFs()->free_bytes, kCapacity);
  // Truncated.
  Opened b = fill("b");
  SetAttrRequest empty;
  empty.size = 0;
  ASSERT_TRUE(fs.SetAttr(b.entry.ino, b.fh, empty, kCaller).ok());
  fs.Release(b.fh, kCaller);
  EXPECT_EQ(fs.StatFs()->free_bytes, kCapacity);
  // Replaced by a rename.
  Opened c = fill("c");
  fs.Release(c.fh, kCaller);
  ASSERT_TRUE(fs.Unlink(kRoot, "b", kCaller).ok());
  auto d = fs.Create(kRoot, "d", 0644, O_CREAT | O_RDWR, kCaller);
  ASSERT_TRUE(d.ok());
  fs.Release(d->fh, kCaller);
  ASSERT_TRUE(fs.Lookup(kRoot, "c").ok());  // the kernel looks names up before it renames
  ASSERT_TRUE(fs.Rename(kRoot, "d", kRoot, "c", 0, kCaller).ok());
  EXPECT_EQ(fs.StatFs()->free_bytes, kCapacity);
  fill("e");
}

TEST(VolatileLayerOffTest, CrashWithoutVolatileSaysSo) {
  DioFilesystem fs(MakeMemBackend(), ProfileSwitch{*ProfileByName("lenient"), OnViolation::kEinval}, {});
  auto crash = fs.Crash(false, 0);
  ASSERT_FALSE(crash.ok());
  EXPECT_NE(crash.status().message().find("--volatile"), std::string::npos);
}

TEST(VolatileLayerDirectTest, UnsyncedListsRangesPerPath) {
  auto layer = std::make_shared<VolatileLayer>();
  auto backend = MakeMemBackend();
  OpenRequest create;
  create.access = O_RDWR;
  create.create = true;
  auto file = layer->Wrap(*backend->Open("/x", create), 70, "/x");
  const std::string data(300, 'z');
  ASSERT_TRUE(file->WriteAt(4096, std::as_bytes(std::span(data.data(), data.size()))).ok());
  EXPECT_EQ(nlohmann::json::parse(layer->UnsyncedJson()), nlohmann::json::parse(R"({"/x":[[4096,300]]})"));
  ASSERT_TRUE(file->Sync(true).ok());
  EXPECT_EQ(layer->UnsyncedJson(), "{}");
}

}  // namespace
}  // namespace diofs
