#include "fs/diocheck/description_table.h"

#include <fcntl.h>

#include <vector>

#include <gtest/gtest.h>

namespace diocheck {
namespace {

class DescriptionTableTest : public ::testing::Test {
 protected:
  static constexpr int kFds = 16;
  std::vector<uint64_t> storage_ =
      std::vector<uint64_t>(DescriptionTable::BytesFor(kFds) / sizeof(uint64_t) + 1, 0);
  DescriptionTable table_{storage_.data(), kFds};
};

TEST_F(DescriptionTableTest, UnknownDescriptorsHaveNoEntry) {
  EXPECT_FALSE(table_.Lookup(3).has_value());
  EXPECT_FALSE(table_.Lookup(-1).has_value());
  EXPECT_FALSE(table_.Lookup(kFds).has_value());
  EXPECT_FALSE(table_.Open(kFds, O_DIRECT).has_value()) << "past capacity";
}

TEST_F(DescriptionTableTest, DuplicatesShareFlagsAndAlignment) {
  const auto opened = table_.Open(3, O_RDWR | O_DIRECT);
  ASSERT_TRUE(opened.has_value());
  table_.Duplicate(3, 7);
  table_.SetStatusFlags(table_.Lookup(7)->description, O_RDWR);
  EXPECT_EQ(table_.Lookup(3)->status_flags, O_RDWR) << "F_SETFL on the dup changes the original";
  table_.SetAlignment(opened->description, AlignInfo{512, AlignSource::kStatx, -1});
  EXPECT_EQ(AlignInfo::Unpack(table_.Lookup(7)->align_word).mem_align, 512u);
}

TEST_F(DescriptionTableTest, DescriptionOutlivesTheFdThatOpenedIt) {
  table_.Open(3, O_DIRECT);
  table_.Duplicate(3, 4);
  table_.Close(3);
  EXPECT_FALSE(table_.Lookup(3).has_value());
  ASSERT_TRUE(table_.Lookup(4).has_value());
  EXPECT_EQ(table_.Lookup(4)->status_flags, O_DIRECT);
  // A new open on 3 gets a new description, not the one 4 still uses.
  table_.Open(3, 0);
  EXPECT_NE(table_.Lookup(3)->description, table_.Lookup(4)->description);
  EXPECT_EQ(table_.Lookup(4)->status_flags, O_DIRECT);
}

TEST_F(DescriptionTableTest, Dup2OverAnOpenFdAndFromAnUnknownOne) {
  table_.Open(3, O_DIRECT);
  table_.Open(5, 0);
  table_.Duplicate(3, 5);  // dup2(3, 5) closes 5's description first
  EXPECT_EQ(table_.Lookup(5)->description, table_.Lookup(3)->description);
  table_.Duplicate(9, 5);  // 9 unknown: so is 5 now
  EXPECT_FALSE(table_.Lookup(5).has_value());
}

TEST_F(DescriptionTableTest, DescriptionsAreReusedSoThePoolNeverRunsOut) {
  for (int round = 0; round < 10 * (kFds + DescriptionTable::kSpareDescriptions); ++round) {
    const int fd = round % kFds;
    ASSERT_TRUE(table_.Open(fd, O_DIRECT).has_value()) << round;
    if (round % 3 == 0) table_.Close(fd);
  }
}

TEST(AlignInfoTest, PacksIntoOneNonZeroWord) {
  const AlignInfo info{4096, AlignSource::kDiofs, 7};
  EXPECT_NE(info.Pack(), 0u);
  const AlignInfo back = AlignInfo::Unpack(info.Pack());
  EXPECT_EQ(back.mem_align, 4096u);
  EXPECT_EQ(back.source, AlignSource::kDiofs);
  EXPECT_EQ(back.mount_slot, 7);
  EXPECT_NE(AlignInfo{}.Pack(), 0u) << "decided, nothing to check";
  EXPECT_EQ(AlignInfo::Unpack(0).source, AlignSource::kNone);
}

}  // namespace
}  // namespace diocheck
