# Every dependency is a Debian bookworm package (scripts/install-deps.sh lists them).
# Nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
pkg_check_modules(FUSE3 REQUIRED IMPORTED_TARGET fuse3>=3.14)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
find_package(Threads REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
if(DIOHARNESS_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
