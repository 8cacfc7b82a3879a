#include "harness/logtool/log_commands.h"

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "fs/oplog/log_file.h"
#include "fs/oplog/log_reader.h"
#include "fs/oplog/log_stats.h"
#include "fs/oplog/replay.h"
#include "harness/logtool/record_filter.h"
#include "harness/logtool/record_json.h"
#include "harness/logtool/record_text.h"

namespace dioharness::logtool {

using diofs::oplog::LogContents;

namespace {

// Reports how complete the log is on `err` and returns the exit code for it.
int ReportCompleteness(const std::string& file, const dioh::Status& damage, bool trailer, std::uint64_t records,
                       std::ostream& err) {
  if (!damage.ok()) {
    err << "dioharness log: " << file << ": " << damage.message() << " (" << records << " good records before it)\n";
    return kExitDamaged;
  }
  if (!trailer) {
    err << "dioharness log: warning: " << file << ": no trailer: the log was not closed (diofs killed or still running); " << records
        << " complete records\n";
    return kExitNoTrailer;
  }
  return kExitOk;
}

int ReportCompleteness(const std::string& file, const LogContents& log, std::ostream& err) {
  return ReportCompleteness(file, log.damage, log.trailer.has_value(), log.records.size(), err);
}

int ReportCompleteness(const std::string& file, const diofs::oplog::LogFileReader& log, std::ostream& err) {
  return ReportCompleteness(file, log.damage(), log.trailer().has_value(), log.records_read(), err);
}

// The decoded log, or nullopt after printing why it cannot be read at all.
std::optional<LogContents> ReadOrReport(const std::string& file, std::ostream& err) {
  auto log = diofs::oplog::ReadLogFile(file);
  if (!log.ok()) {
    err << "dioharness log: " << log.status().message() << "\n";
    return std::nullopt;
  }
  return std::move(*log);
}

// The log opened for reading record by record, or null after printing why not.
std::unique_ptr<diofs::oplog::LogFileReader> OpenOrReport(const std::string& file, std::ostream& err) {
  auto log = diofs::oplog::LogFileReader::Open(file);
  if (!log.ok()) {
    err << "dioharness log: " << log.status().message() << "\n";
    return nullptr;
  }
  return std::move(*log);
}

}  // namespace

// dump and stats read the log a record at a time: their memory does not grow
// with the log (stats keeps one line per thread).
int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err) {
  RecordFilter filter;
  for (const std::string& spec : options.filters) {
    const dioh::Status status = ParseFilterSpec(spec, filter);
    if (!status.ok()) {
      err << "dioharness log: " << status.message() << "\n";
      return kExitUsage;
    }
  }
  const auto log = OpenOrReport(options.file, err);
  if (!log) return kExitUsage;
  if (!options.json) out << RecordTableHeading() << "\n";
  for (diofs::oplog::LogRecord record; log->Next(record);) {
    if (!Matches(filter, record)) continue;
    if (options.json) {
      out << RecordToJson(record).dump() << "\n";
    } else {
      out << RecordTableLine(record, log->header().start_monotonic_ns) << "\n";
    }
  }
  out.flush();
  return ReportCompleteness(options.file, *log, err);
}

int RunStats(const StatsOptions& options, std::ostream& out, std::ostream& err) {
  const auto log = OpenOrReport(options.file, err);
  if (!log) return kExitUsage;
  diofs::oplog::LogStats stats;
  for (diofs::oplog::LogRecord record; log->Next(record);) diofs::oplog::AddToStats(stats, record);
  if (options.json) {
    nlohmann::json j = StatsToJson(stats);
    j["header"] = HeaderToJson(log->header());
    j["trailer"] = log->trailer().has_value();
    j["damage"] = log->damage().ok() ? nlohmann::json(nullptr) : nlohmann::json(log->damage().message());
    out << j.dump(2) << "\n";
  } else {
    out << options.file << ": " << StatsText(log->header(), stats)
        << "trailer: " << (log->trailer() ? "present (closed cleanly)" : "MISSING") << "\n";
  }
  out.flush();
  return ReportCompleteness(options.file, *log, err);
}

int RunReplay(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
  auto log = ReadOrReport(options.file, err);
  if (!log) return kExitUsage;
  (void)ReportCompleteness(options.file, *log, err);  // the good part may hold the marker
  if (!log->header.keep_data) {
    err << "dioharness log: " << options.file << " was written without --log-data: writes carry only hashes, "
        << "nothing to replay\n";
    return kExitUsage;
  }
  auto content = diofs::oplog::ReplayFile(log->records, options.path, options.until_mark);
  if (!content.ok()) {
    err << "dioharness log replay: " << content.status().message() << "\n";
    return log->damage.ok() ? kExitUsage : kExitDamaged;
  }
  const dioh::Status written = diofs::oplog::WriteWholeFile(options.out_image, *content);
  if (!written.ok()) {
    err << "dioharness log: " << written.message() << "\n";
    return kExitUsage;
  }
  out << options.out_image << ": " << content->size() << " bytes, " << options.path << " at marker \""
      << options.until_mark << "\"\n";
  return kExitOk;
}

}  // namespace dioharness::logtool
