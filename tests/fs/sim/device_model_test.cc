#include "fs/sim/device_model.h"

#include <gtest/gtest.h>

namespace diofs::sim {
namespace {

constexpr std::uint64_t kMiB = 1 << 20;

TEST(DeviceSpecTest, PresetsAreEnabledAndNoneIsNot) {
  for (const char* name : {"nvme", "sata-ssd", "hdd", "nfs-1g"}) {
    auto spec = ParseDeviceSpec(name);
    ASSERT_TRUE(spec.ok()) << name;
    EXPECT_TRUE(spec->enabled()) << name;
    EXPECT_EQ(spec->name, name);
  }
  EXPECT_FALSE(ParseDeviceSpec("none")->enabled());
}

TEST(DeviceSpecTest, OverridesApplyOnTopOfThePreset) {
  auto spec = ParseDeviceSpec("hdd,write-bw=200M,write-lat=0ns,write-jitter=0ns,seed=7");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const IoTiming& w = spec->io[static_cast<std::size_t>(IoClass::kDirectWrite)];
  EXPECT_EQ(w.bytes_per_sec, 200 * kMiB);
  EXPECT_EQ(w.latency_ns, 0u);
  EXPECT_EQ(spec->seed, 7u);
  EXPECT_EQ(spec->io[static_cast<std::size_t>(IoClass::kDirectRead)].latency_ns, 8'000'000u);
}

TEST(DeviceSpecTest, BadSpecsNameTheProblem) {
  EXPECT_EQ(ParseDeviceSpec("floppy").status().message(),
            "unknown device 'floppy' (nvme, sata-ssd, hdd, nfs-1g, none)");
  EXPECT_EQ(ParseDeviceSpec("nvme,speed=1").status().message(), "unknown device setting 'speed'");
  EXPECT_EQ(ParseDeviceSpec("nvme,write-lat").status().message(),
            "device setting 'write-lat' needs KEY=VALUE");
  EXPECT_EQ(ParseDeviceSpec("nvme,write-lat=5").status().message(),
            "write-lat: unknown unit '' in duration '5'");
}

TEST(DeviceModelTest, LatencyWithSeededJitterIsReproducible) {
  auto spec = ParseDeviceSpec("none,read-lat=100us,read-jitter=50us,seed=3");
  ASSERT_TRUE(spec.ok());
  DeviceModel a(*spec), b(*spec);
  bool saw_jitter = false;
  for (std::uint64_t i = 0; i < 100; ++i) {
    const std::uint64_t da = a.IoDelay(IoClass::kDirectRead, 4096, 0, i);
    EXPECT_EQ(da, b.IoDelay(IoClass::kDirectRead, 4096, 0, i));
    EXPECT_GE(da, 100'000u);
    EXPECT_LE(da, 150'000u);
    saw_jitter |= da != 100'000u;
  }
  EXPECT_TRUE(saw_jitter);
}

TEST(DeviceModelTest, ClassesAreSeparate) {
  auto spec = ParseDeviceSpec("none,write-bw=1M,burst=0");
  ASSERT_TRUE(spec.ok());
  DeviceModel model(*spec);
  EXPECT_EQ(model.IoDelay(IoClass::kDirectWrite, kMiB, 0, 0), 1'000'000'000u);
  EXPECT_EQ(model.IoDelay(IoClass::kBufferedWrite, kMiB, 0, 0), 0u);
  EXPECT_EQ(model.IoDelay(IoClass::kDirectRead, kMiB, 0, 0), 0u);
}

}  // namespace
}  // namespace diofs::sim
