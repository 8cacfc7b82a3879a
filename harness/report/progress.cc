#include "harness/report/progress.h"

#include <cstdio>

#include "harness/report/text_layout.h"

namespace dioh {

std::string ProgressLine(std::string_view side, const MigrationProgress& p) {
  std::string line = std::string(side) + "  " + (p.status.empty() ? "waiting" : p.status);
  if (p.dirty_syncs) line += ", pass " + std::to_string(*p.dirty_syncs);
  std::string amounts;
  if (p.transferred) amounts = HumanBytes(*p.transferred) + " transferred";
  if (p.remaining && p.total) {
    amounts += (amounts.empty() ? "" : ", ") + HumanBytes(*p.remaining) + " to go of " + HumanBytes(*p.total);
  } else if (p.total) {
    amounts += (amounts.empty() ? "" : " ") + std::string("of ") + HumanBytes(*p.total);
  }
  if (p.normal_pages || p.zero_pages) {
    const std::uint64_t pages = p.normal_pages.value_or(0) + p.zero_pages.value_or(0);
    amounts += (amounts.empty() ? "" : ", ") + std::to_string(pages) + " pages";
    if (p.zero_pages) amounts += " (" + std::to_string(*p.zero_pages) + " zero)";
  }
  if (!amounts.empty()) line += ": " + amounts;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, ", %.1f s", p.seconds);
  return line + seconds;
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, std::size_t columns, double pipe_interval_seconds)
    : out_(out), terminal_(terminal), columns_(columns < 2 ? 2 : columns), pipe_interval_(pipe_interval_seconds) {}

void ProgressPrinter::SetPrefix(std::string prefix) {
  prefix_ = std::move(prefix);
  last_key_.clear();
  last_seconds_ = -1;
}

void ProgressPrinter::Update(std::string_view side, const MigrationProgress& progress) {
  if (!terminal_) {
    const std::string key = std::string(side) + " " + progress.status;
    if (key == last_key_ && progress.seconds < last_seconds_ + pipe_interval_) return;
    last_key_ = key;
    last_seconds_ = progress.seconds;
  }
  Show(prefix_ + ProgressLine(side, progress));
}

void ProgressPrinter::Step(std::string_view what) {
  last_key_ = std::string(what);
  Show(prefix_ + std::string(what) + "...");
}

void ProgressPrinter::Show(std::string line) {
  if (terminal_) {
    // One column short of the width: a line that fills the row would wrap on
    // some terminals, and "\r" then rewrites only its second half.
    if (line.size() > columns_ - 1) line.resize(columns_ - 1);
    out_ << "\r" << line << "\033[K" << std::flush;
    line_open_ = true;
    return;
  }
  out_ << line << "\n" << std::flush;
}

void ProgressPrinter::Clear() {
  if (!line_open_) return;
  out_ << "\r\033[K" << std::flush;
  line_open_ = false;
}

}  // namespace dioh
