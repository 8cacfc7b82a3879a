// bitmap-matches-pages and ram-equal: the file's bitmaps and pages, and the
// destination's RAM read back after a load, against what guest RAM must hold
// (RamExpectation: the seed model, as mrmigrate or the harness wrote it), or,
// with no expectation, the bitmap against the writes in the log.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"
#include "harness/checks/write_coverage.h"

namespace dioh::checks {
namespace {

using diofs::OpKind;
using mrm::format::RamBlockRecord;
namespace ram = mrm::ram;

constexpr std::uint64_t kReadChunk = 1u << 20;  // files are read 1 MiB at a time

std::string AfterPass(const RamExpectation& expect) { return "after pass " + std::to_string(expect.LastPass()); }

// The scenario's name of the file's block `file_idstr` (they differ where
// the engine names a device's RAM after the device), or none.
std::optional<std::string> ModelBlock(const RamExpectation& expect, const std::string& file_idstr) {
  for (const auto& [id, size] : expect.Blocks()) {
    if (expect.FileIdstr(id) == file_idstr) return id;
  }
  return std::nullopt;
}

// Every known block must be in the file with its size; a block the harness
// does not know is an error unless the engine owns it. `owned` collects those.
std::string BlocksProblem(const RamExpectation& expect, const mrm::format::ParsedStream& stream,
                          std::vector<std::string>* owned = nullptr) {
  const auto known = expect.Blocks();
  for (const RamBlockRecord& b : stream.ram_blocks) {
    const auto model = ModelBlock(expect, b.idstr);
    if (!model) {
      if (!expect.EngineOwnsBlock(b.idstr)) return "block " + b.idstr + " of the file is not in the guest model";
      if (owned != nullptr) owned->push_back(b.idstr);
      continue;
    }
    const auto it = std::find_if(known.begin(), known.end(), [&](const auto& k) { return k.first == *model; });
    if (it->second != b.used_length) {
      return "block " + *model + " is " + std::to_string(b.used_length) + " bytes in the file, " +
             std::to_string(it->second) + " in the guest model";
    }
  }
  for (const auto& [id, size] : known) {
    const std::string in_file = expect.FileIdstr(id);
    const bool found = std::any_of(stream.ram_blocks.begin(), stream.ram_blocks.end(),
                                   [&](const RamBlockRecord& b) { return b.idstr == in_file; });
    if (!found) {
      return "block " + id + " of the guest is missing from the file" +
             (in_file == id ? "" : " (the engine names it " + in_file + ")");
    }
  }
  return "";
}

// What a detail adds about what was not compared.
std::string LeftOutNote(const RamExpectation& expect, const std::vector<std::string>& owned) {
  std::string note = expect.LeftOut();
  if (!owned.empty()) {
    std::string list;
    for (const std::string& id : owned) list += (list.empty() ? "" : ", ") + id;
    note += std::string(note.empty() ? "" : "; ") + "blocks the scenario does not have: " + list;
  }
  return note.empty() ? "" : " (not compared: " + note + ")";
}

CheckResult BitmapAgainstLog(const CheckInput& input, const mrm::format::ParsedStream& stream) {
  const char* name = "bitmap-matches-pages";
  if (!input.records.present()) return Skipped(name, "no RAM model and no op log");
  WriteCoverage written(stream);
  ForEachSideRecord(input, Side::kSave, [&](const LogRecord& r) {
    if (r.kind == OpKind::kWrite && r.result > 0) written.Add(r.offset, r.offset + static_cast<std::uint64_t>(r.result));
    return true;
  });
  std::uint64_t set_pages = 0;
  for (std::size_t i = 0; i < stream.ram_blocks.size(); ++i) {
    const RamBlockRecord& b = stream.ram_blocks[i];
    const std::uint64_t page_size = b.header.page_size;
    for (std::uint64_t page = 0; page < b.pages; ++page) {
      if (!BitmapBitSet(b.bitmap, page)) continue;
      ++set_pages;
      if (!written.Covered(i, page)) {
        return Failed(name, "block " + b.idstr + " page " + std::to_string(page) + ": bitmap bit set but no write in" +
                                " the log covers file offset " + Hex(b.header.pages_offset + page * page_size));
      }
    }
  }
  return Passed(name, std::to_string(set_pages) + " pages with their bit set, each written by the save (no RAM model)");
}

std::string LoadProblem(const CheckInput& input) {
  if (!input.load || !input.save.completed()) return "";
  if (input.expected && input.expected->status != ExpectedOutcome::Status::kCompleted) return "";  // a load meant to fail
  if (input.load->completed()) return "";
  return "the save completed but the load ended " + std::string(MigrationEndName(input.load->end)) +
         (input.load->error_desc.empty() ? "" : ": " + input.load->error_desc);
}

// Compares one block's pages in the file with the expectation, reading 1 MiB
// at a time and only where bits are set. Returns the first difference, or "".
std::string CompareFileBlock(const CheckInput& input, const RamBlockRecord& b, const std::string& block,
                             std::vector<std::uint8_t>& buffer, std::uint64_t& compared) {
  const RamExpectation& expect = *input.ram;
  const std::uint64_t pages_per_chunk = kReadChunk / ram::kPageSize;
  for (std::uint64_t first = 0; first < b.pages; first += pages_per_chunk) {
    const std::uint64_t count = std::min(pages_per_chunk, b.pages - first);
    bool any_set = false;
    for (std::uint64_t p = first; p < first + count && !any_set; ++p) any_set = BitmapBitSet(b.bitmap, p);
    if (any_set) {
      const std::uint64_t offset = b.header.pages_offset + first * ram::kPageSize;
      Status read = input.file->ReadAt(offset, std::span<std::uint8_t>(buffer.data(), count * ram::kPageSize));
      if (!read.ok()) return "block " + block + " pages at " + Hex(offset) + ": " + read.message();
    }
    for (std::uint64_t p = first; p < first + count; ++p) {
      if (!expect.Compared(block, p)) continue;
      ++compared;
      if (!BitmapBitSet(b.bitmap, p)) {
        if (!expect.ExpectedZero(block, p)) {
          return "block " + block + " page " + std::to_string(p) + ": bitmap bit clear (restored as zero) but the "
                 "source page holds data " + AfterPass(expect);
        }
        continue;
      }
      Status same = expect.Verify(block, p, buffer.data() + (p - first) * ram::kPageSize);
      if (!same.ok()) return "in the file: " + same.message();
    }
  }
  return "";
}

// Compares the destination's RAM, as read back, with the expectation.
std::string CompareLoadedPiece(const RamExpectation& expect, const LoadedRamPiece& piece,
                               std::vector<std::uint8_t>& buffer, std::uint64_t& compared) {
  const int fd = open(piece.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "the destination's RAM dump " + piece.path).message();
  std::string problem;
  for (std::uint64_t done = 0; done < piece.length && problem.empty(); done += kReadChunk) {
    const std::uint64_t n = std::min(kReadChunk, piece.length - done);
    const ssize_t got = pread(fd, buffer.data(), n, static_cast<off_t>(done));
    if (got != static_cast<ssize_t>(n)) {
      problem = "the destination's RAM dump " + piece.path + " is short at " + Hex(done);
      break;
    }
    for (std::uint64_t at = 0; at < n && problem.empty(); at += ram::kPageSize) {
      const std::uint64_t page = (piece.block_offset + done + at) / ram::kPageSize;
      if (!expect.Compared(piece.idstr, page)) continue;
      ++compared;
      Status same = expect.Verify(piece.idstr, page, buffer.data() + at);
      if (!same.ok()) problem = "in the destination's RAM after the load: " + same.message();
    }
  }
  close(fd);
  return problem;
}

}  // namespace

CheckResult CheckBitmapMatchesPages(const CheckInput& input) {
  const char* name = "bitmap-matches-pages";
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no bitmaps to check: " + stream.status().message());
  if (input.ram == nullptr) return BitmapAgainstLog(input, *stream);
  const RamExpectation& expect = *input.ram;
  std::vector<std::string> owned;
  const std::string blocks = BlocksProblem(expect, *stream, &owned);
  if (!blocks.empty()) return Failed(name, blocks);
  std::uint64_t data_pages = 0, zero_pages = 0;
  for (const RamBlockRecord& b : stream->ram_blocks) {
    const auto block = ModelBlock(expect, b.idstr);
    if (!block) continue;
    for (std::uint64_t page = 0; page < b.pages; ++page) {
      if (!expect.Compared(*block, page)) continue;
      // zero-page-detection=none sends zero pages as data: every bit is set.
      const bool data = !input.facts.zero_page_detection || !expect.ExpectedZero(*block, page);
      const bool set = BitmapBitSet(b.bitmap, page);
      (data ? data_pages : zero_pages) += 1;
      if (set == data) continue;
      return Failed(name, "block " + *block + " page " + std::to_string(page) +
                              (set ? ": bitmap bit set but the page's final version is zero"
                                   : ": bitmap bit clear but the page's final version holds data") +
                              " (" + AfterPass(expect) + ")");
    }
  }
  return Passed(name, std::to_string(data_pages) + " data pages set and " + std::to_string(zero_pages) +
                          " zero pages clear, every bitmap bit as the model says " + AfterPass(expect) +
                          LeftOutNote(expect, owned));
}

CheckResult CheckRamEqual(const CheckInput& input) {
  const char* name = "ram-equal";
  const std::string load = LoadProblem(input);
  if (!load.empty()) return Failed(name, load);
  const bool load_checked = input.load && input.save.completed() && input.load->completed();
  if (input.ram == nullptr) {
    return Skipped(name, load_checked ? "RAM not modelled for this engine: contents not compared (the load completed)"
                                      : "RAM not modelled for this engine and no completed load to judge");
  }
  if (!input.save.completed()) return Skipped(name, SaveDidNotComplete(input));
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no file to read RAM from: " + stream.status().message());
  const RamExpectation& expect = *input.ram;
  std::vector<std::string> owned;
  const std::string blocks = BlocksProblem(expect, *stream, &owned);
  if (!blocks.empty()) return Failed(name, blocks);
  std::vector<std::uint8_t> buffer(kReadChunk);
  std::uint64_t in_file = 0, in_destination = 0;
  for (const RamBlockRecord& b : stream->ram_blocks) {
    const auto block = ModelBlock(expect, b.idstr);
    if (!block) continue;
    if (b.header.page_size != ram::kPageSize) {
      return Failed(name, "block " + *block + " has page size " + std::to_string(b.header.page_size) +
                              ", the model 4096");
    }
    const std::string problem = CompareFileBlock(input, b, *block, buffer, in_file);
    if (!problem.empty()) return Failed(name, problem);
  }
  std::string where = "in the file";
  if (load_checked && !input.loaded_ram.empty()) {
    for (const LoadedRamPiece& piece : input.loaded_ram) {
      const std::string problem = CompareLoadedPiece(expect, piece, buffer, in_destination);
      if (!problem.empty()) return Failed(name, problem);
    }
    where += " and " + std::to_string(in_destination) + " in the destination's RAM after the load";
  } else if (load_checked) {
    where += "; the load completed, its RAM verified by the engine";
  }
  return Passed(name, std::to_string(in_file) + " pages equal the model " + AfterPass(expect) + " " + where +
                          LeftOutNote(expect, owned));
}

}  // namespace dioh::checks
