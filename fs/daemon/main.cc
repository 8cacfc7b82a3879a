// diofs: parse, make the filesystem, mount, serve. See `diofs --help`.
#include <cstdio>

#include "fs/core/backend.h"
#include "fs/core/filesystem.h"
#include "fs/daemon/fuse_adapter.h"
#include "fs/daemon/options.h"

int main(int argc, char** argv) {
  auto command = diofs::ParseDaemonOptions(argc, argv);
  if (!command.ok()) {
    std::fprintf(stderr, "diofs: error: %s\n", command.status().message().c_str());
    return 2;
  }
  if (!command->options) {
    std::fputs(command->print.c_str(), stdout);
    return 0;
  }
  const diofs::DaemonOptions& options = *command->options;
  auto backend = diofs::MakeBackend(options.backend);
  if (!backend.ok()) {
    std::fprintf(stderr, "diofs: error: %s\n", backend.status().message().c_str());
    return 2;
  }
  diofs::DioFilesystem fs(std::move(*backend), options.profile, {});
  return diofs::ServeFuse(fs, options, nullptr, nullptr);
}
