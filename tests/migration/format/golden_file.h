// Test helper: the real-QEMU fixture from shared/golden, gunzipped into a
// temporary folder (gzip is shelled out to; no zlib dependency).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mrm::format::testing {

inline constexpr const char* kGoldenName = "qemu-10.2-q35-32M-mapped-ram-dio.img";

// DIOH_GOLDEN_DIRS (':'-separated): ${PROJECT_SOURCE_DIR}/../shared/golden, then the layout of
// a worktree under /work/wt/<name> (../../shared/golden).
inline std::filesystem::path FindGoldenGz() {
  std::string dirs = DIOH_GOLDEN_DIRS;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path p = std::filesystem::path(dirs.substr(start, end - start)) / (std::string(kGoldenName) + ".gz");
    if (std::filesystem::exists(p)) return p;
    start = end + 1;
  }
  return {};
}

// Gunzips the fixture into a fresh temporary folder and reads it; empty bytes if absent.
struct GoldenFile {
  std::filesystem::path dir;
  std::filesystem::path path;
  std::vector<uint8_t> bytes;

  bool Load() {
    std::filesystem::path gz = FindGoldenGz();
    if (gz.empty()) return false;
    std::string tmpl = (std::filesystem::temp_directory_path() / "mrm-golden-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return false;
    dir = tmpl;
    path = dir / kGoldenName;
    const std::string cmd = "gzip -dc '" + gz.string() + "' > '" + path.string() + "'";
    if (std::system(cmd.c_str()) != 0) return false;
    std::ifstream in(path, std::ios::binary);
    bytes.resize(std::filesystem::file_size(path));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!in) bytes.clear();
    in.close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // the bytes are in memory now
    dir.clear();
    return !bytes.empty();
  }
  ~GoldenFile() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

// Loaded once per test binary (gunzipping 40 MB takes a while).
inline const GoldenFile* SharedGolden() {
  static GoldenFile* golden = [] {
    auto* g = new GoldenFile;
    if (!g->Load()) g->bytes.clear();
    return g;
  }();
  return golden->bytes.empty() ? nullptr : golden;
}

}  // namespace mrm::format::testing
