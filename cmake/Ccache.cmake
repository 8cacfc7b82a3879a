# ccache for every build folder, when installed (scripts/install-deps.sh
# installs it). Paths are rewritten relative to the source tree and the
# build folder is not hashed, so a fresh clone elsewhere on the same machine
# (CI right after a session) hits the cache the session filled.
find_program(DIOHARNESS_CCACHE ccache)
if(DIOHARNESS_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${PROJECT_SOURCE_DIR} CCACHE_NOHASHDIR=1 ${DIOHARNESS_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${launcher})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${launcher})
endif()
