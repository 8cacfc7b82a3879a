#include "fs/diocheck/run_options.h"

#include <cerrno>
#include <filesystem>

namespace diocheck {

dioh::Result<std::vector<std::pair<std::string, std::string>>> RunEnvironment(
    const RunOptions& options, const char* existing_preload) {
  if (options.library.empty()) return dioh::Status::Error(EINVAL, "no libdiocheck.so path");
  if (!options.mode.empty() && options.mode != "einval" && options.mode != "record") {
    return dioh::Status::Error(EINVAL, "--mode must be einval or record, not '" + options.mode + "'");
  }
  if (options.mem_align && (*options.mem_align == 0 || (*options.mem_align & (*options.mem_align - 1)) != 0)) {
    return dioh::Status::Error(EINVAL, "--mem-align must be a power of two, not " +
                                           std::to_string(*options.mem_align));
  }
  std::vector<std::pair<std::string, std::string>> variables;
  std::string preload = std::filesystem::absolute(options.library).string();
  if (existing_preload != nullptr && *existing_preload != '\0') {
    preload += ":";
    preload += existing_preload;
  }
  variables.emplace_back("LD_PRELOAD", preload);
  if (!options.mode.empty()) variables.emplace_back("DIOCHECK_MODE", options.mode);
  // Absolute: the library opens the log per report, after any chdir.
  if (!options.log.empty()) {
    variables.emplace_back("DIOCHECK_LOG", std::filesystem::absolute(options.log).string());
  }
  if (options.mem_align) variables.emplace_back("DIOCHECK_MEM_ALIGN", std::to_string(*options.mem_align));
  if (options.quiet) variables.emplace_back("DIOCHECK_QUIET", "1");
  return variables;
}

}  // namespace diocheck
