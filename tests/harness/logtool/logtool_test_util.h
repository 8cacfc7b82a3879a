// A log of known operations for the logtool tests: what the test "issued",
// so that every dumped line can be compared with it.
#pragma once

#include <fcntl.h>
#include <linux/falloc.h>
#include <xxhash.h>

#include <string>
#include <vector>

#include "tests/fs/oplog/oplog_test_util.h"

namespace dioharness::logtool::testing {

struct Issued {
  diofs::OpKind kind;
  std::string path;
  std::uint64_t offset;
  std::uint64_t length;
  std::uint32_t flags;
  std::int64_t result;
  std::vector<std::byte> data;
  std::string text;
  std::uint32_t tid;
  std::uint32_t aux = 0;
};

// create, 2 O_DIRECT writes on two threads, a buffered short write, a
// rejected unaligned write, a marker, an overwrite, a punch hole, a marker.
inline std::vector<Issued> SampleOps() {
  auto fill = [](std::size_t n, char c) { return diofs::oplog::testing::Bytes(std::string(n, c)); };
  const std::uint32_t dio = O_WRONLY | O_DIRECT;
  return {
      {diofs::OpKind::kCreate, "/ram.img", 0, 0, dio | O_CREAT, 0, {}, "", 11},
      {diofs::OpKind::kWrite, "/ram.img", 0, 8192, dio, 8192, fill(8192, 'a'), "", 11},
      {diofs::OpKind::kWrite, "/ram.img", 8192, 4096, dio, 4096, fill(4096, 'b'), "", 12},
      {diofs::OpKind::kWrite, "/ram.img", 12288, 100, O_WRONLY, 60, fill(100, 'c'), "", 13},
      {diofs::OpKind::kWrite, "/ram.img", 100, 512, dio, -22, fill(512, 'd'), "", 12},
      {diofs::OpKind::kMarker, "/.diofs/mark", 0, 5, O_WRONLY, 5, {}, "first", 13},
      {diofs::OpKind::kWrite, "/ram.img", 4096, 4096, dio, 4096, fill(4096, 'e'), "", 11},
      {diofs::OpKind::kFallocate, "/ram.img", 0, 4096, dio, 0, {}, "", 11,
       FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE},
      {diofs::OpKind::kMarker, "/.diofs/mark", 0, 6, O_WRONLY, 6, {}, "second", 13},
  };
}

inline void WriteSampleLog(const std::string& path, const std::vector<Issued>& ops, bool keep_data) {
  std::vector<diofs::OpEvent> events;
  for (const Issued& op : ops) {
    diofs::OpEvent e;
    e.kind = op.kind;
    e.path = op.path;
    e.offset = op.offset;
    e.length = op.length;
    e.flags = op.flags;
    e.result = op.result;
    e.data = op.data;
    e.text = op.text;
    e.tid = op.tid;
    e.pid = 500;
    e.aux = op.aux;
    events.push_back(e);
  }
  diofs::oplog::testing::WriteLog(path, events, keep_data);
}

inline std::string HashOf(const std::vector<std::byte>& data) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(data.empty() ? 0 : XXH3_64bits(data.data(), data.size())));
  return text;
}

}  // namespace dioharness::logtool::testing
