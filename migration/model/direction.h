// Which way a migration goes: a save (outgoing, QEMU's source) or a load
// (incoming, the destination).
#pragma once

namespace mrm::model {

enum class Direction { kOutgoing, kIncoming };

}  // namespace mrm::model
