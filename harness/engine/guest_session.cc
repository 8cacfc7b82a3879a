#include "harness/engine/guest_session.h"

#include <cerrno>

#include <nlohmann/json.hpp>

#include "harness/qmp/qmp_client.h"

namespace dioh {

Status GuestSession::WritePass(std::uint32_t pass, Deadline deadline) {
  return qtest_.RunAll(ram_.PassCommands(pass), deadline).WithContext("writing pass " + std::to_string(pass));
}

Status GuestSession::KeepAliveSweep(Deadline deadline) {
  return qtest_.RunAll(ram_.KeepAliveCommands(), deadline).WithContext("keep-alive");
}

Result<std::vector<LoadedRamPiece>> GuestSession::ReadBack(QmpClient& qmp, const std::string& dir, Deadline deadline) {
  std::vector<LoadedRamPiece> pieces;
  for (const Q35Layout::Range& range : ram_.layout().Ranges()) {
    LoadedRamPiece piece{range.idstr, range.block_offset, range.length,
                         dir + "/loaded-ram-" + std::to_string(pieces.size()) + ".bin"};
    // pmemsave reads guest-physical memory as the guest sees it: 256 MiB in
    // about half a second, against seconds through qtest's b64read.
    auto reply = qmp.Execute("pmemsave", {{"val", range.address}, {"size", range.length}, {"filename", piece.path}},
                             deadline);
    if (!reply.ok()) return reply.status().WithContext("pmemsave of " + range.idstr);
    if (!reply->ok) return Status::Error(EIO, "pmemsave of " + range.idstr + ": " + reply->error_desc);
    pieces.push_back(std::move(piece));
  }
  return pieces;
}

}  // namespace dioh
