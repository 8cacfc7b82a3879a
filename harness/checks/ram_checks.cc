// bitmap-matches-pages and ram-equal: the file's bitmaps and pages against
// the seed model of guest RAM (migration/ram/page_content.h), or, without a
// model, against the writes in the log.
#include <algorithm>
#include <utility>

#include "harness/checks/check_functions.h"
#include "harness/checks/check_support.h"

namespace dioh::checks {
namespace {

using diofs::OpKind;
using mrm::format::RamBlockRecord;
namespace ram = mrm::ram;

constexpr std::uint64_t kReadChunk = 1u << 20;  // the file is read 1 MiB at a time

// The model's size of `idstr`, or an error naming the block.
Result<std::uint64_t> ModelBlockSize(const CheckInput::RamModel& model, const std::string& idstr) {
  for (const auto& [id, size] : model.blocks) {
    if (id == idstr) return size;
  }
  return Status::Error(ENOENT, "block " + idstr + " of the file is not in the guest model");
}

std::uint32_t LastPass(const CheckInput::RamModel& model) { return model.passes == 0 ? 0 : model.passes - 1; }

bool ModelPageIsZero(const CheckInput::RamModel& model, const std::string& idstr, std::uint64_t page) {
  const std::uint32_t version = ram::CurrentVersion(model.content, idstr, page, LastPass(model));
  return ram::IsZeroVersion(model.content, idstr, page, version);
}

// Every model block must be in the file with its size.
std::string BlocksProblem(const CheckInput::RamModel& model, const mrm::format::ParsedStream& stream) {
  for (const RamBlockRecord& b : stream.ram_blocks) {
    auto size = ModelBlockSize(model, b.idstr);
    if (!size.ok()) return size.status().message();
    if (*size != b.used_length) {
      return "block " + b.idstr + " is " + std::to_string(b.used_length) + " bytes in the file, " +
             std::to_string(*size) + " in the guest model";
    }
  }
  for (const auto& [id, size] : model.blocks) {
    const bool found = std::any_of(stream.ram_blocks.begin(), stream.ram_blocks.end(),
                                   [&](const RamBlockRecord& b) { return b.idstr == id; });
    if (!found) return "block " + id + " of the guest is missing from the file";
  }
  return "";
}

// Sorted, merged [begin, end) ranges the save's writes put on the file.
std::vector<std::pair<std::uint64_t, std::uint64_t>> WrittenRanges(const CheckInput& input) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges;
  for (const LogRecord* r : SideRecords(input, Side::kSave)) {
    if (r->kind == OpKind::kWrite && r->result > 0) ranges.emplace_back(r->offset, r->offset + r->result);
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, range.second);
    } else {
      merged.push_back(range);
    }
  }
  return merged;
}

CheckResult BitmapAgainstLog(const CheckInput& input, const mrm::format::ParsedStream& stream) {
  const char* name = "bitmap-matches-pages";
  if (input.records == nullptr) return Skipped(name, "no RAM model and no op log");
  const auto written = WrittenRanges(input);
  std::uint64_t set_pages = 0;
  for (const RamBlockRecord& b : stream.ram_blocks) {
    const std::uint64_t page_size = b.header.page_size;
    for (std::uint64_t page = 0; page < b.pages; ++page) {
      if (!BitmapBitSet(b.bitmap, page)) continue;
      ++set_pages;
      const std::uint64_t begin = b.header.pages_offset + page * page_size;
      auto it = std::upper_bound(written.begin(), written.end(), std::make_pair(begin, UINT64_MAX));
      const bool covered = it != written.begin() && std::prev(it)->second >= begin + page_size;
      if (!covered) {
        return Failed(name, "block " + b.idstr + " page " + std::to_string(page) + ": bitmap bit set but no write in" +
                                " the log covers file offset " + Hex(begin));
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

// Compares one block's pages with the model, reading the file 1 MiB at a time
// and only where bits are set. Returns the first difference, or "".
std::string CompareBlock(const CheckInput& input, const RamBlockRecord& b, std::vector<std::uint8_t>& buffer) {
  const CheckInput::RamModel& model = *input.ram;
  const std::uint64_t pages_per_chunk = kReadChunk / ram::kPageSize;
  for (std::uint64_t first = 0; first < b.pages; first += pages_per_chunk) {
    const std::uint64_t count = std::min(pages_per_chunk, b.pages - first);
    bool any_set = false;
    for (std::uint64_t p = first; p < first + count && !any_set; ++p) any_set = BitmapBitSet(b.bitmap, p);
    if (any_set) {
      const std::uint64_t offset = b.header.pages_offset + first * ram::kPageSize;
      Status read = input.file->ReadAt(offset, std::span<std::uint8_t>(buffer.data(), count * ram::kPageSize));
      if (!read.ok()) return "block " + b.idstr + " pages at " + Hex(offset) + ": " + read.message();
    }
    for (std::uint64_t p = first; p < first + count; ++p) {
      if (!BitmapBitSet(b.bitmap, p)) {
        if (!ModelPageIsZero(model, b.idstr, p)) {
          return "block " + b.idstr + " page " + std::to_string(p) + ": bitmap bit clear (restored as zero) but the "
                 "source page holds data after pass " + std::to_string(LastPass(model));
        }
        continue;
      }
      Status same = ram::VerifyPage(model.content, b.idstr, p, LastPass(model),
                                    buffer.data() + (p - first) * ram::kPageSize);
      if (!same.ok()) return same.message();
    }
  }
  return "";
}

}  // namespace

CheckResult CheckBitmapMatchesPages(const CheckInput& input) {
  const char* name = "bitmap-matches-pages";
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no bitmaps to check: " + stream.status().message());
  if (!input.ram) return BitmapAgainstLog(input, *stream);
  const CheckInput::RamModel& model = *input.ram;
  const std::string blocks = BlocksProblem(model, *stream);
  if (!blocks.empty()) return Failed(name, blocks);
  std::uint64_t data_pages = 0;
  for (const RamBlockRecord& b : stream->ram_blocks) {
    for (std::uint64_t page = 0; page < b.pages; ++page) {
      // zero-page-detection=none sends zero pages as data: every bit is set.
      const bool data = !input.facts.zero_page_detection || !ModelPageIsZero(model, b.idstr, page);
      const bool set = BitmapBitSet(b.bitmap, page);
      data_pages += data ? 1 : 0;
      if (set == data) continue;
      return Failed(name, "block " + b.idstr + " page " + std::to_string(page) +
                              (set ? ": bitmap bit set but the page's final version is zero"
                                   : ": bitmap bit clear but the page's final version holds data") +
                              " (after pass " + std::to_string(LastPass(model)) + ")");
    }
  }
  return Passed(name, std::to_string(data_pages) + " data pages, every bitmap bit as the model says after pass " +
                          std::to_string(LastPass(model)));
}

CheckResult CheckRamEqual(const CheckInput& input) {
  const char* name = "ram-equal";
  const std::string load = LoadProblem(input);
  if (!load.empty()) return Failed(name, load);
  const bool load_checked = input.load && input.save.completed() && input.load->completed();
  const std::string load_note = load_checked ? "; the load completed" : "";
  if (!input.ram) {
    if (load_checked) return Passed(name, "RAM not modelled (contents not compared)" + load_note);
    return Skipped(name, "RAM not modelled for this engine and no completed load to judge");
  }
  if (!input.save.completed()) return Skipped(name, SaveDidNotComplete(input));
  auto stream = ParseInputFile(input);
  if (!stream.ok()) return Skipped(name, "no file to read RAM from: " + stream.status().message());
  const std::string blocks = BlocksProblem(*input.ram, *stream);
  if (!blocks.empty()) return Failed(name, blocks);
  std::vector<std::uint8_t> buffer(kReadChunk);
  std::uint64_t pages = 0;
  for (const RamBlockRecord& b : stream->ram_blocks) {
    if (b.header.page_size != ram::kPageSize) {
      return Failed(name, "block " + b.idstr + " has page size " + std::to_string(b.header.page_size) +
                              ", the model 4096");
    }
    const std::string problem = CompareBlock(input, b, buffer);
    if (!problem.empty()) return Failed(name, problem);
    pages += b.pages;
  }
  return Passed(name, std::to_string(pages) + " pages of " + std::to_string(stream->ram_blocks.size()) +
                          " blocks equal the model after pass " + std::to_string(LastPass(*input.ram)) + load_note);
}

}  // namespace dioh::checks
