#include "fs/core/profile.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace diofs {
namespace {

TEST(ProfileTest, PresetsMatchTheDesignTable) {
  struct Row {
    const char* name;
    std::uint64_t dio, mem;
    ODirectAtOpen odirect;
  };
  const Row rows[] = {
      {"strict-4k", 4096, 4096, ODirectAtOpen::kAccept}, {"ext4-512", 512, 512, ODirectAtOpen::kAccept},
      {"xfs-4k", 4096, 512, ODirectAtOpen::kAccept},     {"tmpfs", 1, 1, ODirectAtOpen::kAccept},
      {"no-odirect", 1, 1, ODirectAtOpen::kReject},      {"strict-64k", 65536, 4096, ODirectAtOpen::kAccept},
      {"lenient", 1, 1, ODirectAtOpen::kAccept},
  };
  ASSERT_EQ(ProfilePresets().size(), std::size(rows));
  for (const Row& row : rows) {
    auto p = ProfileByName(row.name);
    ASSERT_TRUE(p.ok()) << row.name;
    EXPECT_EQ(p->dio_align.bytes(), row.dio) << row.name;
    EXPECT_EQ(p->mem_align.bytes(), row.mem) << row.name;
    EXPECT_EQ(p->odirect, row.odirect) << row.name;
  }
  EXPECT_EQ(ProfilePresets().front().name, "strict-4k");  // the default comes first
}

TEST(ProfileTest, UnknownNameListsTheNames) {
  auto p = ProfileByName("ext5");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), EINVAL);
  EXPECT_NE(p.status().message().find("unknown profile 'ext5'"), std::string::npos);
  EXPECT_NE(p.status().message().find("strict-64k"), std::string::npos);
}

TEST(ProfileTest, OverridesReplaceSingleFields) {
  ProfileOverrides o;
  o.dio_align = *Alignment::Of(512);
  const Profile p = ApplyOverrides(*ProfileByName("strict-4k"), o);
  EXPECT_EQ(p.dio_align.bytes(), 512u);
  EXPECT_EQ(p.mem_align.bytes(), 4096u);
  EXPECT_EQ(p.odirect, ODirectAtOpen::kAccept);
}

TEST(ProfileTest, JsonNamesEveryField) {
  const auto j = nlohmann::json::parse(ProfileByName("xfs-4k")->ToJson(OnViolation::kRecord));
  EXPECT_EQ(j["name"], "xfs-4k");
  EXPECT_EQ(j["dio_align"], 4096);
  EXPECT_EQ(j["mem_align"], 512);
  EXPECT_EQ(j["odirect"], "accept");
  EXPECT_EQ(j["on_violation"], "record");
}

TEST(ProfileTest, SwitchByNameOrFields) {
  const ProfileSwitch current{*ProfileByName("strict-4k"), OnViolation::kEinval};
  auto by_name = ParseProfileSwitch("ext4-512\n", current);
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->profile.name, "ext4-512");

  auto fields = ParseProfileSwitch(R"({"dio_align":"64K","on_violation":"record"})", current);
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  EXPECT_EQ(fields->profile.name, "strict-4k");
  EXPECT_EQ(fields->profile.dio_align.bytes(), 65536u);
  EXPECT_EQ(fields->on_violation, OnViolation::kRecord);

  // Fields apply on top of a named preset, whatever their order.
  auto both = ParseProfileSwitch(R"({"odirect":"reject","name":"tmpfs"})", current);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->profile.name, "tmpfs");
  EXPECT_EQ(both->profile.odirect, ODirectAtOpen::kReject);
}

TEST(ProfileTest, BadSwitchesSayWhy) {
  const ProfileSwitch current{*ProfileByName("strict-4k"), OnViolation::kEinval};
  EXPECT_EQ(ParseProfileSwitch("", current).status().message(), "empty profile");
  EXPECT_EQ(ParseProfileSwitch(R"({"dio_align":3000})", current).status().message(),
            "alignment 3000 is not a power of two");
  EXPECT_EQ(ParseProfileSwitch(R"({"colour":"red"})", current).status().message(),
            "unknown profile field 'colour'");
  EXPECT_EQ(ParseProfileSwitch(R"({"odirect":"maybe"})", current).status().message(),
            "odirect must be 'accept' or 'reject', not 'maybe'");
  EXPECT_FALSE(ParseProfileSwitch("{not json", current).ok());
  EXPECT_EQ(ParseProfileSwitch(R"({"dio_align":)" + std::string(100000, '[') + std::string(100000, ']') + "}", current)
                .status()
                .message(),
            "JSON nested deeper than 64 levels at byte 76");
  EXPECT_EQ(ParseProfileSwitch(R"({"dio_align":-4096})", current).status().message(),
            "'dio_align' must be a power of two (a number or \"4K\")");
}

}  // namespace
}  // namespace diofs
