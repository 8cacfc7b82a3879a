#include "harness/logtool/record_filter.h"

#include <fcntl.h>
#include <gtest/gtest.h>

namespace dioharness::logtool {
namespace {

using diofs::OpKind;
using diofs::oplog::LogRecord;

LogRecord Record(OpKind kind, std::uint32_t flags, std::string path, diofs::Rule rule, std::uint32_t tid) {
  LogRecord r;
  r.kind = kind;
  r.flags = flags;
  r.path = std::move(path);
  r.rule = rule;
  r.tid = tid;
  return r;
}

TEST(RecordFilterTest, EveryKeyNarrowsTheMatch) {
  RecordFilter filter;
  ASSERT_TRUE(ParseFilterSpec("op=write,direct=1,path=/ram*,violation=0", filter).ok());
  EXPECT_TRUE(Matches(filter, Record(OpKind::kWrite, O_DIRECT, "/ram.img", diofs::Rule::kNone, 1)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kRead, O_DIRECT, "/ram.img", diofs::Rule::kNone, 1)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kWrite, 0, "/ram.img", diofs::Rule::kNone, 1)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kWrite, O_DIRECT, "/other", diofs::Rule::kNone, 1)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kWrite, O_DIRECT, "/ram.img", diofs::Rule::kOffsetAlign, 1)));
}

TEST(RecordFilterTest, SeveralOpsAndTidAddUp) {
  RecordFilter filter;
  ASSERT_TRUE(ParseFilterSpec("op=read|write", filter).ok());
  ASSERT_TRUE(ParseFilterSpec("tid=7", filter).ok());
  EXPECT_TRUE(Matches(filter, Record(OpKind::kRead, 0, "/a", diofs::Rule::kNone, 7)));
  EXPECT_TRUE(Matches(filter, Record(OpKind::kWrite, 0, "/a", diofs::Rule::kNone, 7)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kWrite, 0, "/a", diofs::Rule::kNone, 8)));
  EXPECT_FALSE(Matches(filter, Record(OpKind::kFsync, 0, "/a", diofs::Rule::kNone, 7)));
  EXPECT_TRUE(Matches(RecordFilter{}, Record(OpKind::kFsync, 0, "/a", diofs::Rule::kNone, 7)));
}

TEST(RecordFilterTest, BadSpecsAreRejectedAndChangeNothing) {
  RecordFilter filter;
  ASSERT_TRUE(ParseFilterSpec("direct=1", filter).ok());
  for (const char* bad : {"op=wrote", "direct=maybe", "colour=red", "op", "tid=x"}) {
    const dioh::Status status = ParseFilterSpec(std::string("violation=1,") + bad, filter);
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.message().find("bad --filter"), std::string::npos);
  }
  EXPECT_FALSE(filter.violation.has_value());  // the valid part of a bad spec was not applied
  EXPECT_NE(ParseFilterSpec("op=wrote", filter).message().find("known: open"), std::string::npos);
}

}  // namespace
}  // namespace dioharness::logtool
