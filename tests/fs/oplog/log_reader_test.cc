#include "fs/oplog/log_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <random>

#include "fs/oplog/log_file.h"
#include "fs/oplog/log_format.h"
#include "oplog_test_util.h"

namespace diofs::oplog {
namespace {

using testing::Bytes;
using testing::NumberedEvent;
using testing::TempDir;

// A small closed log and where each of its frames starts.
struct SmallLog {
  std::vector<std::byte> bytes;
  std::size_t header_size = 0;
  std::vector<std::size_t> frame_starts;  // records, then the trailer
};

SmallLog MakeSmallLog() {
  TempDir dir;
  const auto payload = Bytes("0123456789abcdef");
  std::vector<OpEvent> events;
  for (std::uint64_t n = 0; n < 4; ++n) {
    OpEvent e = NumberedEvent(n == 2 ? OpKind::kMarker : OpKind::kWrite, n);
    e.path = "/f";
    if (n == 2) e.text = "mark";
    if (n != 2) e.data = payload;
    events.push_back(e);
  }
  testing::WriteLog(dir.File("log"), events, /*keep_data=*/true);
  SmallLog log;
  log.bytes = std::move(*ReadWholeFile(dir.File("log")));
  log.header_size = EncodeHeader(LogHeader{.profile = "strict-4k"}).size();
  std::size_t at = log.header_size;
  for (const OpEvent& e : events) {
    log.frame_starts.push_back(at);
    at += RecordFrameSize(e, true);
  }
  log.frame_starts.push_back(at);  // trailer
  EXPECT_EQ(at + kFrameHeadSize + kTrailerBodySize, log.bytes.size());
  return log;
}

// Index of the frame holding byte `at`.
std::size_t FrameOf(const SmallLog& log, std::size_t at) {
  std::size_t frame = 0;
  while (frame + 1 < log.frame_starts.size() && log.frame_starts[frame + 1] <= at) ++frame;
  return frame;
}

TEST(LogReaderTest, IntactLogIsComplete) {
  const SmallLog log = MakeSmallLog();
  auto contents = ParseLog(log.bytes);
  ASSERT_TRUE(contents.ok()) << contents.status().ToString();
  EXPECT_TRUE(contents->complete());
  EXPECT_EQ(contents->records.size(), 4u);
  EXPECT_EQ(contents->records[2].text, "mark");
}

TEST(LogReaderTest, TruncationAtEveryByteKeepsTheCompleteRecords) {
  const SmallLog log = MakeSmallLog();
  for (std::size_t cut = 0; cut < log.bytes.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    auto contents = ParseLog(std::span(log.bytes).first(cut));
    if (cut < log.header_size) {
      ASSERT_FALSE(contents.ok());
      EXPECT_NE(contents.status().message().find("torn"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(contents.ok()) << contents.status().ToString();
    EXPECT_FALSE(contents->trailer.has_value());
    const std::size_t frame = FrameOf(log, cut);
    const bool at_boundary = log.frame_starts[frame] == cut;
    // Every frame before the one the cut falls in (or starts) is complete.
    EXPECT_EQ(contents->records.size(), std::min<std::size_t>(frame, 4));
    if (at_boundary) {
      EXPECT_TRUE(contents->damage.ok()) << contents->damage.ToString();
    } else {
      ASSERT_FALSE(contents->damage.ok());
      EXPECT_EQ(contents->damage_offset, log.frame_starts[frame]);
      EXPECT_NE(contents->damage.message().find("byte " + std::to_string(log.frame_starts[frame])),
                std::string::npos);
    }
  }
}

TEST(LogReaderTest, EveryFlippedByteIsDetected) {
  const SmallLog log = MakeSmallLog();
  for (std::size_t at = 0; at < log.bytes.size(); ++at) {
    for (std::byte mask : {std::byte{0x01}, std::byte{0x80}, std::byte{0xff}}) {
      SCOPED_TRACE("byte " + std::to_string(at));
      std::vector<std::byte> bad = log.bytes;
      bad[at] ^= mask;
      auto contents = ParseLog(bad);
      if (at < log.header_size) {
        EXPECT_FALSE(contents.ok());
        continue;
      }
      ASSERT_TRUE(contents.ok());
      ASSERT_FALSE(contents->damage.ok());
      const std::size_t frame = FrameOf(log, at);
      EXPECT_EQ(contents->damage_offset, log.frame_starts[frame]);
      EXPECT_EQ(contents->records.size(), frame);
    }
  }
}

TEST(LogReaderTest, GarbageNeverCrashes) {
  std::mt19937_64 random(7);
  const SmallLog log = MakeSmallLog();
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::byte> bytes(random() % 600);
    for (auto& b : bytes) b = static_cast<std::byte>(random());
    if (round % 2 == 0) {  // a valid header followed by garbage
      bytes.insert(bytes.begin(), log.bytes.begin(),
                   log.bytes.begin() + static_cast<std::ptrdiff_t>(log.header_size));
    }
    auto contents = ParseLog(bytes);
    if (contents.ok() && bytes.size() > log.header_size) {
      EXPECT_FALSE(contents->damage.ok());
    }
  }
}

TEST(LogReaderTest, BytesAfterTheTrailerAreDamage) {
  SmallLog log = MakeSmallLog();
  const std::size_t end = log.bytes.size();
  log.bytes.push_back(std::byte{0});
  auto contents = ParseLog(log.bytes);
  ASSERT_TRUE(contents.ok());
  EXPECT_TRUE(contents->trailer.has_value());
  EXPECT_EQ(contents->records.size(), 4u);
  ASSERT_FALSE(contents->damage.ok());
  EXPECT_EQ(contents->damage_offset, end);
}

TEST(LogReaderTest, SequenceGapIsDamage) {
  std::vector<std::byte> bytes = EncodeHeader(LogHeader{.profile = "p"});
  const std::size_t first = bytes.size();
  const OpEvent e = NumberedEvent(OpKind::kFlush, 0);
  for (std::uint64_t seq : {1u, 3u}) {
    std::vector<std::byte> frame(RecordFrameSize(e, false));
    EncodeRecordFrame(e, seq, 0, false, frame.data());
    bytes.insert(bytes.end(), frame.begin(), frame.end());
  }
  auto contents = ParseLog(bytes);
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->records.size(), 1u);
  EXPECT_EQ(contents->damage_offset, first + RecordFrameSize(e, false));
  EXPECT_NE(contents->damage.message().find("expected seq 2, found 3"), std::string::npos);
}

TEST(LogReaderTest, TrailerCountMustMatch) {
  std::vector<std::byte> bytes = EncodeHeader(LogHeader{.profile = "p"});
  const auto trailer = EncodeTrailerFrame({5, 0, 0});
  bytes.insert(bytes.end(), trailer.begin(), trailer.end());
  auto contents = ParseLog(bytes);
  ASSERT_TRUE(contents.ok());
  EXPECT_FALSE(contents->damage.ok());
  EXPECT_FALSE(contents->trailer.has_value());
}

TEST(LogReaderTest, UnsupportedVersionIsNamed) {
  LogHeader header;
  header.version = 99;
  auto contents = ParseLog(EncodeHeader(header));
  ASSERT_FALSE(contents.ok());
  EXPECT_EQ(contents.status().code(), ENOTSUP);
  EXPECT_NE(contents.status().message().find("99"), std::string::npos);
}

// ReadLogFile and `log dump`/`log stats` read a file frame by frame
// (LogFileReader); they must decide exactly as ParseLog does on the bytes,
// whatever the damage: every cut and every flipped byte of a small log.
void ExpectSameAsParseLog(const std::vector<std::byte>& bytes, const std::string& path) {
  ASSERT_TRUE(WriteWholeFile(path, bytes).ok());
  auto parsed = ParseLog(bytes);
  auto read = ReadLogFile(path);
  ASSERT_EQ(parsed.ok(), read.ok()) << (read.ok() ? parsed.status() : read.status()).ToString();
  if (!parsed.ok()) {
    EXPECT_EQ(read.status().message(), path + ": " + parsed.status().message());
    return;
  }
  EXPECT_EQ(read->records.size(), parsed->records.size());
  for (std::size_t i = 0; i < read->records.size() && i < parsed->records.size(); ++i) {
    EXPECT_EQ(read->records[i].seq, parsed->records[i].seq);
    EXPECT_EQ(read->records[i].text, parsed->records[i].text);
    EXPECT_EQ(read->records[i].data, parsed->records[i].data);
  }
  EXPECT_EQ(read->damage.ToString(), parsed->damage.ToString());
  EXPECT_EQ(read->damage_offset, parsed->damage_offset);
  EXPECT_EQ(read->trailer.has_value(), parsed->trailer.has_value());
  EXPECT_EQ(read->file_size, parsed->file_size);
}

TEST(LogFileReaderTest, DecidesAsParseLogOnEveryCutAndFlippedByte) {
  const SmallLog log = MakeSmallLog();
  TempDir dir;
  for (std::size_t cut = 0; cut <= log.bytes.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    ExpectSameAsParseLog(std::vector<std::byte>(log.bytes.begin(), log.bytes.begin() + cut), dir.File("log"));
  }
  for (std::size_t at = 0; at < log.bytes.size(); ++at) {
    SCOPED_TRACE("flipped byte " + std::to_string(at));
    std::vector<std::byte> bad = log.bytes;
    bad[at] ^= std::byte{0x80};
    ExpectSameAsParseLog(bad, dir.File("log"));
  }
  std::vector<std::byte> extra = log.bytes;
  extra.push_back(std::byte{0});
  ExpectSameAsParseLog(extra, dir.File("log"));
}

// Records larger than the reader's 1 MiB piece, and many of them: read
// whole, in order, with the trailer's count as the reserve hint.
TEST(LogFileReaderTest, ReadsRecordsLargerThanItsPieceAndManyRecords) {
  TempDir dir;
  std::vector<OpEvent> events;
  std::vector<std::vector<std::byte>> payloads;
  for (std::uint64_t n = 0; n < 3; ++n) payloads.emplace_back((std::size_t{3} << 20) / (n + 1), std::byte(n + 1));
  for (std::uint64_t n = 0; n < 3; ++n) {
    OpEvent e = NumberedEvent(OpKind::kWrite, n);
    e.path = "/big";
    e.data = payloads[n];
    events.push_back(e);
  }
  for (std::uint64_t n = 3; n < 20000; ++n) events.push_back(NumberedEvent(OpKind::kRead, n));
  testing::WriteLog(dir.File("log"), events, /*keep_data=*/true);
  auto reader = LogFileReader::Open(dir.File("log"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->TrailerCountHint(), std::optional<std::uint64_t>(events.size()));
  std::uint64_t count = 0;
  for (LogRecord record; (*reader)->Next(record); ++count) {
    EXPECT_EQ(record.seq, count + 1);
    if (count < 3) {
      EXPECT_TRUE(std::equal(record.data.begin(), record.data.end(), payloads[count].begin(), payloads[count].end()));
    }
  }
  EXPECT_EQ(count, events.size());
  EXPECT_TRUE((*reader)->complete()) << (*reader)->damage().ToString();
  EXPECT_FALSE((*reader)->Next(*std::make_unique<LogRecord>()));  // stays at the end
}

TEST(LogReaderTest, MissingFileNamesThePath) {
  TempDir dir;
  auto contents = ReadLogFile(dir.File("absent.log"));
  ASSERT_FALSE(contents.ok());
  EXPECT_EQ(contents.status().code(), ENOENT);
  EXPECT_NE(contents.status().message().find("absent.log"), std::string::npos);
}

}  // namespace
}  // namespace diofs::oplog
