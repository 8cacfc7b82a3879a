#include "fs/oplog/record_source.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

namespace diofs::oplog {
namespace {

TEST(RecordSource, WithoutALogThereIsNothingToVisit) {
  const RecordSource none;
  EXPECT_FALSE(none.present());
  EXPECT_FALSE(RecordSource(static_cast<const std::vector<LogRecord>*>(nullptr)).present());
  int visits = 0;
  none.ForEach([&](const LogRecord&) { return ++visits, true; });
  EXPECT_EQ(visits, 0);
}

TEST(RecordSource, AVectorIsVisitedInOrderUntilTheVisitorStops) {
  std::vector<LogRecord> records(4);
  for (std::size_t i = 0; i < records.size(); ++i) records[i].seq = i + 1;
  const RecordSource source(&records);
  ASSERT_TRUE(source.present());
  std::vector<std::uint64_t> seqs;
  source.ForEach([&](const LogRecord& r) {
    seqs.push_back(r.seq);
    return r.seq < 3;
  });
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(RecordSource, KeepsTheFirstPassErrorAndItsCopiesShareIt) {
  int pass = 0;
  const RecordSource failing([&](const RecordSource::Visitor&) {
    ++pass;
    return dioh::Status::Error(EIO, "pass " + std::to_string(pass) + " failed");
  });
  const RecordSource copy = failing;  // CheckInput holds a copy
  EXPECT_TRUE(failing.error().ok());
  copy.ForEach([](const LogRecord&) { return true; });
  failing.ForEach([](const LogRecord&) { return true; });
  EXPECT_EQ(failing.error().code(), EIO);
  EXPECT_EQ(failing.error().message(), "pass 1 failed");
}

}  // namespace
}  // namespace diofs::oplog
