#include "fs/core/op_names.h"

namespace diofs {

std::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kOpen: return "open";
    case OpKind::kCreate: return "create";
    case OpKind::kRead: return "read";
    case OpKind::kWrite: return "write";
    case OpKind::kFlush: return "flush";
    case OpKind::kFsync: return "fsync";
    case OpKind::kFallocate: return "fallocate";
    case OpKind::kTruncate: return "truncate";
    case OpKind::kFlagChange: return "flag_change";
    case OpKind::kRelease: return "release";
    case OpKind::kMarker: return "marker";
    case OpKind::kViolation: return "violation";
    case OpKind::kUnlink: return "unlink";
    case OpKind::kRename: return "rename";
    case OpKind::kMkdir: return "mkdir";
    case OpKind::kRmdir: return "rmdir";
    case OpKind::kFault: return "fault";
    case OpKind::kSymlink: return "symlink";
    case OpKind::kLink: return "link";
    case OpKind::kMknod: return "mknod";
  }
  return "unknown";
}

std::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kNone: return "none";
    case Rule::kOffsetAlign: return "offset_align";
    case Rule::kLengthAlign: return "length_align";
    case Rule::kMemAlign: return "mem_align";
    case Rule::kODirectUnsupported: return "odirect_unsupported";
  }
  return "unknown";
}

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kRejected: return "rejected";
    case Verdict::kRecorded: return "recorded";
  }
  return "unknown";
}

std::optional<OpKind> ParseOpKind(std::string_view name) {
  for (OpKind kind : kAllOpKinds) {
    if (OpKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace diofs
