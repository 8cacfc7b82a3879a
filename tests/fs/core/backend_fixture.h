// The fixture of the backend suites: one backend per parameter ("mem" or
// "passthrough", the latter in a private temporary folder).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "fs/core/backend.h"
#include "fs/core/mem_backend.h"
#include "fs/core/passthrough_backend.h"

namespace diofs::test {

inline std::span<const std::byte> AsBytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

inline std::string ReadAll(BackendFile& f, std::size_t n) {
  std::string out(n, '?');
  auto done = f.ReadAt(0, std::as_writable_bytes(std::span(out.data(), out.size())));
  EXPECT_TRUE(done.ok());
  out.resize(done.ok() ? *done : 0);
  return out;
}

// A private folder for the running test: /tmp/<prefix>-<pid>-<test name>,
// one level deep (a parameterised test's name, "WriteReadStat/1", has a '/'
// that would leave the parent folder behind).
inline std::filesystem::path PrivateTestDir(const std::string& prefix) {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(name.begin(), name.end(), '/', '-');
  const auto dir = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::create_directories(dir);
  return dir;
}

// The backend `name` ("mem", or "passthrough" in a folder made in `dir` when
// it is still empty).
inline std::unique_ptr<Backend> MakeTestBackend(const std::string& name, std::filesystem::path& dir) {
  if (name == "mem") return MakeMemBackend();
  if (dir.empty()) dir = PrivateTestDir("diofs-backend");
  auto made = MakePassthroughBackend(dir.string());
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return made.ok() ? std::move(*made) : nullptr;
}

class BackendFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = MakeTestBackend(GetParam(), dir_);
    ASSERT_TRUE(backend_);
  }
  void TearDown() override {
    backend_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::shared_ptr<BackendFile> Create(const std::string& path) {
    OpenRequest r;
    r.access = O_RDWR;
    r.create = true;
    auto f = backend_->Open(path, r);
    EXPECT_TRUE(f.ok()) << f.status().ToString();
    return f.ok() ? *f : nullptr;
  }

  std::unique_ptr<Backend> backend_;
  std::filesystem::path dir_;
};

// A passthrough backend on base/inside, beside base/outside/secret: what
// diofs must never reach.
class PassthroughEscapeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = PrivateTestDir("diofs-escape");
    std::filesystem::create_directories(base_ / "inside");
    std::filesystem::create_directories(base_ / "outside");
    std::ofstream(base_ / "outside" / "secret") << "secret";
    auto b = MakePassthroughBackend((base_ / "inside").string());
    ASSERT_TRUE(b.ok());
    backend_ = std::move(*b);
  }
  void TearDown() override { std::filesystem::remove_all(base_); }
  std::filesystem::path base_;
  std::unique_ptr<Backend> backend_;
};

}  // namespace diofs::test
