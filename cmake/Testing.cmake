include(GoogleTest)

# dioharness_add_gtest(NAME LABEL <unit|integration|regression|qemu> SOURCES ... [LIBS ...])
# qemu: drives the real QEMU of the machine (skipped, one line, where there is none).
# One GoogleTest binary; every test case becomes a ctest test carrying LABEL.
# Integration tests mount diofs: each uses its own temporary mountpoint.
# unit_tests: every test binary labelled `unit`, so that the sanitizer builds
# (make test-asan) compile only what they run.
# Every test's TMPDIR is this build folder's own: what the tests leave there
# is this checkout's, the only place scripts/check-no-mounts.sh looks at (it
# reads the path from BUILD/test-tmpdir). A short path under /tmp named by a
# hash of the build folder, not BUILD/tmp: engines' QMP sockets live a few
# folders below it, and a unix socket path holds 107 bytes, which a deep
# checkout would exceed.
string(MD5 dioharness_build_hash "${CMAKE_BINARY_DIR}")
string(SUBSTRING "${dioharness_build_hash}" 0 10 dioharness_build_hash)
set(DIOHARNESS_TEST_TMPDIR /tmp/dioharness-tests-${dioharness_build_hash})
file(MAKE_DIRECTORY ${DIOHARNESS_TEST_TMPDIR})
file(WRITE ${CMAKE_BINARY_DIR}/test-tmpdir "${DIOHARNESS_TEST_TMPDIR}\n")
if(NOT TARGET unit_tests)
  add_custom_target(unit_tests)
endif()

function(dioharness_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_LABEL MATCHES "^(unit|integration|regression|qemu)$")
    message(FATAL_ERROR "${name}: LABEL must be unit, integration, regression or qemu")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main dioharness_warnings Threads::Threads)
  if(ARG_LABEL STREQUAL "unit")
    add_dependencies(unit_tests ${name})
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT TMPDIR=${DIOHARNESS_TEST_TMPDIR}
    DISCOVERY_TIMEOUT 30)
endfunction()
