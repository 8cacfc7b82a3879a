#include "migration/model/direct_io.h"

namespace mrm::model {

DirectIo DirectIo::Decide(bool requested, bool mapped_ram, bool multifd) {
  if (!requested) return DirectIo();
  if (mapped_ram && multifd) return DirectIo(true, true, "");
  if (!mapped_ram && !multifd) return DirectIo(true, false, "mapped-ram and multifd are off");
  return DirectIo(true, false, mapped_ram ? "multifd is off" : "mapped-ram is off");
}

}  // namespace mrm::model
