#include "fs/core/backend.h"

#include <cerrno>

#include "fs/core/mem_backend.h"
#include "fs/core/passthrough_backend.h"

namespace diofs {

dioh::Result<std::unique_ptr<Backend>> MakeBackend(std::string_view spec, std::uint64_t capacity_bytes) {
  if (spec == "mem") return MakeMemBackend(capacity_bytes);
  constexpr std::string_view kPassthrough = "passthrough:";
  if (spec.substr(0, kPassthrough.size()) == kPassthrough && spec.size() > kPassthrough.size()) {
    if (capacity_bytes != 0) {
      return dioh::Status::Error(EINVAL, "--capacity works with the mem backend only (a passthrough folder has its own)");
    }
    return MakePassthroughBackend(std::string(spec.substr(kPassthrough.size())));
  }
  return dioh::Status::Error(EINVAL, "backend must be 'mem' or 'passthrough:DIR', not '" + std::string(spec) + "'");
}

std::pair<std::string_view, std::string_view> SplitPath(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"/", path};
  if (slash == 0) return {"/", path.substr(1)};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

}  // namespace diofs
