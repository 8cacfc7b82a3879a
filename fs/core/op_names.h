// Names of op kinds, rules and verdicts as they appear in stats, dumps, filters and
// stats ("write", "offset_align", "rejected"), and the way back.
#pragma once

#include <optional>
#include <string_view>

#include "fs/core/op_event.h"

namespace diofs {

std::string_view OpKindName(OpKind kind);
std::string_view RuleName(Rule rule);
std::string_view VerdictName(Verdict verdict);
std::optional<OpKind> ParseOpKind(std::string_view name);

// Every op kind, in enum order (for tables that list all of them).
inline constexpr OpKind kAllOpKinds[] = {
    OpKind::kOpen,     OpKind::kCreate,     OpKind::kRead,    OpKind::kWrite,
    OpKind::kFlush,    OpKind::kFsync,      OpKind::kFallocate, OpKind::kTruncate,
    OpKind::kFlagChange, OpKind::kRelease,  OpKind::kMarker,  OpKind::kViolation,
    OpKind::kUnlink,   OpKind::kRename,     OpKind::kMkdir,   OpKind::kRmdir,
    OpKind::kFault,    OpKind::kSymlink,    OpKind::kLink,    OpKind::kMknod};

}  // namespace diofs
