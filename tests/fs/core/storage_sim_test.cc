// The storage simulation applied by DioFilesystem: each fault action, the
// device model's delays, determinism of seeded rules, and /.diofs/faults.
#include "fs/core/storage_sim.h"

#include <fcntl.h>

#include <xxhash.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <bit>
#include <set>

#include "fs/core/filesystem.h"
#include "fs/core/mem_backend.h"

namespace diofs {
namespace {

std::atomic<std::uint64_t> g_slept_ns{0};
std::atomic<std::uint64_t> g_sleeps{0};
void RecordSleep(std::uint64_t ns) {
  g_slept_ns += ns;
  ++g_sleeps;
}

class FaultCollector : public OpObserver {
 public:
  void OnOp(const OpEvent& e) override {
    if (e.kind == OpKind::kFault) texts.emplace_back(e.text);
  }
  std::vector<std::string> texts;
};

constexpr Caller kCaller{1, 2, {}};
constexpr std::uint64_t kRoot = InodeTable::kRootIno;

class StorageSimTest : public ::testing::Test {
 protected:
  void Make(const std::string& rules_json, const std::string& device = "none") {
    SimOptions sim;
    sim.device = *sim::ParseDeviceSpec(device);
    auto plan = sim::FaultPlan::Parse(rules_json);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    sim.faults = *plan;
    sim.sleeper = RecordSleep;
    g_slept_ns = 0;
    g_sleeps = 0;
    fs_ = std::make_unique<DioFilesystem>(MakeMemBackend(), ProfileSwitch{*ProfileByName("strict-4k"), OnViolation::kEinval},
                                          std::vector<OpObserver*>{&faults_}, sim);
    auto opened = fs_->Create(kRoot, "f", 0644, O_CREAT | O_RDWR | O_DIRECT, kCaller);
    ASSERT_TRUE(opened.ok());
    fh_ = opened->fh;
  }
  dioh::Result<std::size_t> Write(std::uint64_t offset, std::uint8_t fill, std::size_t n = 4096) {
    std::vector<std::byte> data(n, std::byte{fill});
    return fs_->Write(fh_, offset, data, O_RDWR | O_DIRECT, kCaller);
  }
  std::vector<std::byte> Read(std::uint64_t offset, std::size_t n = 4096) {
    std::vector<std::byte> out(n);
    auto done = fs_->Read(fh_, offset, out, O_RDWR | O_DIRECT, kCaller);
    out.resize(done.ok() ? *done : 0);
    return out;
  }

  FaultCollector faults_;
  std::unique_ptr<DioFilesystem> fs_;
  std::uint64_t fh_ = 0;
};

TEST_F(StorageSimTest, ErrnoOnTheNthWriteIsNamedInTheLog) {
  Make(R"({"rules":[{"name":"third","op":"write","when":{"nth":3},"action":{"errno":"EIO"}}]})");
  EXPECT_TRUE(Write(0, 1).ok());
  EXPECT_TRUE(Write(0, 2).ok());
  auto third = Write(4096, 3);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), EIO);
  EXPECT_TRUE(Write(8192, 4).ok());
  ASSERT_EQ(faults_.texts.size(), 1u);
  EXPECT_EQ(faults_.texts[0], "rule 'third' #3: errno EIO");
  EXPECT_EQ(fs_->GetAttr(InodeTable::kFirstFileIno, std::nullopt)->size, 3u * 4096);
}

TEST_F(StorageSimTest, ShortWriteTransfersOnlyKBytes) {
  Make(R"({"rules":[{"op":"write","action":{"short":1000}}]})");
  EXPECT_EQ(*Write(0, 7), 1000u);
}

// An observer that asks for the payload hash gets it from the mem backend
// (computed while copying), and only for a write that stored its payload as
// given: a short or corrupted write leaves it to the observer.
class HashObserver : public OpObserver {
 public:
  void OnOp(const OpEvent& e) override {
    if (e.kind == OpKind::kWrite) hashes.push_back(e.data_xxh3);
  }
  bool WantsPayloadXxh3() const override { return true; }
  std::vector<std::optional<std::uint64_t>> hashes;
};

TEST(StorageSimHashTest, BackendHashesOnlyPayloadsStoredWhole) {
  SimOptions sim;
  sim.device = *sim::ParseDeviceSpec("none");
  sim.faults = *sim::FaultPlan::Parse(R"({"rules":[
      {"op":"write","when":{"nth":2},"action":{"short":1000}},
      {"op":"write","when":{"nth":2},"action":{"corrupt":"write","bits":3}},
      {"op":"write","when":{"nth":2},"action":{"delay":"1us"}}]})");
  sim.sleeper = RecordSleep;
  HashObserver observer;
  DioFilesystem fs(MakeMemBackend(), ProfileSwitch{*ProfileByName("strict-4k"), OnViolation::kEinval},
                   std::vector<OpObserver*>{&observer}, sim);
  auto opened = fs.Create(kRoot, "f", 0644, O_CREAT | O_RDWR | O_DIRECT, kCaller);
  ASSERT_TRUE(opened.ok());
  std::vector<std::byte> data(8192);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 7);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fs.Write(opened->fh, 0, data, O_RDWR | O_DIRECT, kCaller).ok());
  // Writes 2 (short), 3 (corrupted), 4 (delayed: stored whole).
  const std::vector<bool> hashed = {true, false, false, true, true};
  ASSERT_EQ(observer.hashes.size(), hashed.size());
  for (std::size_t i = 0; i < hashed.size(); ++i) {
    EXPECT_EQ(observer.hashes[i].has_value(), hashed[i]) << "write " << i + 1;
    if (observer.hashes[i]) {
      EXPECT_EQ(*observer.hashes[i], XXH3_64bits(data.data(), data.size()));
    }
  }
}

TEST_F(StorageSimTest, TornWritePersistsThePrefixThenFailsOrLies) {
  // Rules are tried in order and the first that fires wins: the second rule
  // does not see the write the first one tore, so its 2nd match is write 3.
  Make(R"({"rules":[{"op":"write","when":{"nth":2},"action":{"torn":512,"then":"fail"}},
                    {"op":"write","when":{"nth":2},"action":{"torn":1024,"then":"succeed"}}]})");
  ASSERT_TRUE(Write(0, 0xAA).ok());
  EXPECT_EQ(Write(0, 0xBB).status().code(), EIO);
  auto after_fail = Read(0);
  EXPECT_EQ(after_fail[511], std::byte{0xBB});
  EXPECT_EQ(after_fail[512], std::byte{0xAA});
  EXPECT_EQ(*Write(0, 0xCC), 4096u);  // claims everything...
  auto after_lie = Read(0);
  EXPECT_EQ(after_lie[1023], std::byte{0xCC});
  EXPECT_EQ(after_lie[1024], std::byte{0xAA});  // ...but only 1024 bytes landed
}

TEST_F(StorageSimTest, CorruptionFlipsExactlyTheBitsAskedAndNeverTheCallersBuffer) {
  Make(R"({"seed":9,"rules":[{"op":"write","when":{"nth":1},"action":{"corrupt":"write","bits":3}},
                             {"op":"read","when":{"nth":2},"action":{"corrupt":"read","bits":5}}]})");
  std::vector<std::byte> data(4096, std::byte{0});
  ASSERT_TRUE(fs_->Write(fh_, 0, data, O_RDWR | O_DIRECT, kCaller).ok());
  EXPECT_EQ(data, std::vector<std::byte>(4096, std::byte{0}));
  const auto count_bits = [](const std::vector<std::byte>& bytes) {
    int bits = 0;
    for (std::byte b : bytes) bits += std::popcount(static_cast<unsigned>(b));
    return bits;
  };
  EXPECT_EQ(count_bits(Read(0)), 3);  // stored corrupted (read 1: clean)
  EXPECT_EQ(count_bits(Read(0)), 3 + 5) << "read 2 flips 5 more, in what is returned only";
  EXPECT_EQ(count_bits(Read(0)), 3);
}

TEST_F(StorageSimTest, DelayAndDeviceTimeAreWaitedWithTheSleeper) {
  Make(R"({"rules":[{"op":"fsync","action":{"delay":"7ms"}}]})", "none,write-lat=50us,fsync-lat=1ms");
  ASSERT_TRUE(Write(0, 1).ok());
  // The 50 us latency, less the time the write itself already took (which
  // under a sanitizer may be all of it).
  const std::uint64_t write_wait = g_slept_ns.load();
  EXPECT_LE(write_wait, 50'000u);
  ASSERT_TRUE(fs_->Fsync(fh_, false, kCaller).ok());
  EXPECT_EQ(g_slept_ns.load() - write_wait, 7'000'000u + 1'000'000u);
}

TEST_F(StorageSimTest, OtherOperationsFailWithTheRulesErrno) {
  Make(R"({"rules":[{"op":["fsync","mkdir"],"action":{"errno":"ENOSPC"}}]})");
  EXPECT_EQ(fs_->Fsync(fh_, true, kCaller).code(), ENOSPC);
  EXPECT_EQ(fs_->MakeDir(kRoot, "d", 0755, kCaller).status().code(), ENOSPC);
  EXPECT_EQ(fs_->Lookup(kRoot, "d").status().code(), ENOENT) << "a failed mkdir made nothing";
}

TEST_F(StorageSimTest, SameSeedInjectsAtTheSameOperationsEveryRun) {
  std::set<int> first;
  for (int run = 0; run < 20; ++run) {
    Make(R"({"seed":1234,"rules":[{"op":"write","when":{"probability":0.3},"action":{"errno":"EIO"}}]})");
    std::set<int> failed;
    for (int i = 0; i < 200; ++i) {
      if (!Write(static_cast<std::uint64_t>(i) * 4096, 1).ok()) failed.insert(i);
    }
    if (run == 0) {
      first = failed;
      EXPECT_GT(first.size(), 30u);
      EXPECT_LT(first.size(), 90u);
    } else {
      ASSERT_EQ(failed, first) << "run " << run;
    }
  }
}

TEST_F(StorageSimTest, FaultsControlFileSwitchesRulesAndExplainsBadOnes) {
  Make(R"({"rules":[]})");
  const auto write_control = [&](const std::string& name, const std::string& text) {
    auto dir = fs_->Lookup(kRoot, ".diofs");
    auto entry = fs_->Lookup(dir->ino, name);
    auto opened = fs_->Open(entry->ino, O_WRONLY, kCaller);
    auto n = fs_->Write(opened->fh, 0, std::as_bytes(std::span(text.data(), text.size())), O_WRONLY, kCaller);
    fs_->Release(opened->fh, kCaller);
    return n.ok() ? dioh::Status::Ok() : n.status();
  };
  const auto read_control = [&](const std::string& name) {
    auto dir = fs_->Lookup(kRoot, ".diofs");
    auto entry = fs_->Lookup(dir->ino, name);
    auto opened = fs_->Open(entry->ino, O_RDONLY, kCaller);
    std::string text(8192, '\0');
    auto n = fs_->Read(opened->fh, 0, std::as_writable_bytes(std::span(text.data(), text.size())), O_RDONLY, kCaller);
    fs_->Release(opened->fh, kCaller);
    text.resize(*n);
    return text;
  };
  ASSERT_TRUE(write_control("faults", R"({"rules":[{"name":"eio","op":"write","action":{"errno":"EIO"}}]})").ok());
  EXPECT_EQ(Write(0, 1).status().code(), EIO);  // in force when the control write returned
  const auto listed = nlohmann::json::parse(read_control("faults"));
  EXPECT_NE(listed.dump().find("\"eio\""), std::string::npos) << listed.dump();

  const dioh::Status bad = write_control("faults", R"({"rules":[{"op":"wrte","action":{"errno":"EIO"}}]})");
  EXPECT_EQ(bad.code(), EINVAL);
  EXPECT_NE(read_control("error").find("unknown op"), std::string::npos) << read_control("error");
  EXPECT_EQ(Write(0, 1).status().code(), EIO) << "the previous rules stay in force";
}

}  // namespace
}  // namespace diofs
