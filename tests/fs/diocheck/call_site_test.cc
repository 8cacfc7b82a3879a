#include "fs/diocheck/call_site.h"

#include <execinfo.h>
#include <link.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace diocheck {
namespace {

// A dladdr1 that knows one shared object at 0x10000 (load bias 0x10000)
// with one symbol, "worker", at 0x10400, and ASan's runtime at 0x30000.
char fake_name[] = "/opt/app/lib/libserver.so";
char fake_asan[] = "/lib/x86_64-linux-gnu/libasan.so.8";
link_map fake_map{};
link_map fake_asan_map{};
int FakeDladdr1(const void* address, Dl_info* info, void** extra, int /*flags*/) {
  const auto a = reinterpret_cast<uintptr_t>(address);
  if (a >= 0x30000 && a < 0x40000) {
    fake_asan_map.l_addr = 0x30000;
    fake_asan_map.l_name = fake_asan;
    *extra = &fake_asan_map;
    *info = Dl_info{fake_asan, reinterpret_cast<void*>(0x30000), nullptr, nullptr};
    return 1;
  }
  if (a < 0x10000 || a >= 0x20000) return 0;
  fake_map.l_addr = 0x10000;
  fake_map.l_name = fake_name;
  *extra = &fake_map;
  info->dli_fname = fake_name;
  info->dli_fbase = reinterpret_cast<void*>(0x10000);
  const bool in_worker = a >= 0x10400 && a < 0x10800;
  info->dli_sname = in_worker ? "worker" : nullptr;
  info->dli_saddr = in_worker ? reinterpret_cast<void*>(0x10400) : nullptr;
  return 1;
}

TEST(CallSiteTest, FramesNameSymbolObjectAndTheAddressOfTheCall) {
  CallSite site;
  site.Add(0x10431, FakeDladdr1);  // a return address: the call is the byte before
  site.Add(0x10901, FakeDladdr1);
  site.Add(0x90001, FakeDladdr1);
  site.Add(0x10431, nullptr);
  ASSERT_EQ(site.size(), 4);
  EXPECT_EQ(site.frame(0), "worker+0x30 (/opt/app/lib/libserver.so+0x430)");
  EXPECT_EQ(site.frame(1), "/opt/app/lib/libserver.so+0x900");
  EXPECT_EQ(site.frame(2), "0x90000");
  EXPECT_EQ(site.frame(3), "0x10430");
  site.Add(0x10431, FakeDladdr1);  // full: a fifth is dropped
  EXPECT_EQ(site.size(), CallSite::kMaxFrames);
}

TEST(CallSiteTest, TheLibrarysOwnFramesAreSkipped) {
  void* frames[] = {reinterpret_cast<void*>(0x10431), reinterpret_cast<void*>(0x90001),
                    reinterpret_cast<void*>(0x90011), reinterpret_cast<void*>(0x10901)};
  CallSite site;
  DescribeCallSite(frames, 4, /*self_base=*/0x10000, FakeDladdr1, "", site);
  ASSERT_EQ(site.size(), 2);
  EXPECT_EQ(site.frame(0), "0x90000");
  EXPECT_EQ(site.frame(1), "0x90010");
  CallSite all;
  DescribeCallSite(frames, 4, 0, FakeDladdr1, "", all);
  EXPECT_EQ(all.size(), 4);
}

// Under ASan, backtrace() and pwrite() are the runtime's interceptors: their
// frames are not the caller's code.
TEST(CallSiteTest, SanitizerRuntimeFramesAreSkipped) {
  void* frames[] = {reinterpret_cast<void*>(0x31f31), reinterpret_cast<void*>(0x10431),
                    reinterpret_cast<void*>(0x30101), reinterpret_cast<void*>(0x90001)};
  CallSite site;
  DescribeCallSite(frames, 4, 0, FakeDladdr1, "", site);
  ASSERT_EQ(site.size(), 2);
  EXPECT_EQ(site.frame(0), "worker+0x30 (/opt/app/lib/libserver.so+0x430)");
  EXPECT_EQ(site.frame(1), "0x90000");
}

TEST(CallSiteTest, SanitizerRuntimesAreKnownByTheirFileName) {
  for (const char* runtime : {"/lib/x86_64-linux-gnu/libasan.so.8", "/usr/lib/x86_64-linux-gnu/libtsan.so.2",
                              "libubsan.so.1", "/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.asan-x86_64.so"}) {
    EXPECT_TRUE(IsSanitizerRuntime(runtime)) << runtime;
  }
  for (const char* other : {"/opt/app/lib/libserver.so", "/usr/lib/libasanity.so", "/opt/libasan.d/libfoo.so", ""}) {
    EXPECT_FALSE(IsSanitizerRuntime(other)) << other;
  }
}

TEST(CallSiteTest, ARealStackNamesThisProgram) {
  void* frames[8];
  const int count = backtrace(frames, 8);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  CallSite site;
  DescribeCallSite(frames, count, 0, ::dladdr1, self, site);
  ASSERT_GT(site.size(), 0);
  // The main program by its full path, whatever it was started as.
  EXPECT_EQ(std::string(site.frame(0)).rfind(self + "+0x", 0), 0u) << site.frame(0);
}

}  // namespace
}  // namespace diocheck
