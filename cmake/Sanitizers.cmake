# DIOHARNESS_SANITIZE applies to every target in the tree.
if(DIOHARNESS_SANITIZE STREQUAL "")
elseif(DIOHARNESS_SANITIZE STREQUAL "address,undefined")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(DIOHARNESS_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
else()
  message(FATAL_ERROR "DIOHARNESS_SANITIZE must be '', 'address,undefined' or 'thread', not '${DIOHARNESS_SANITIZE}'")
endif()

# A fuzzing build instruments every library for libFuzzer too; only the
# targets of fuzz/ link the fuzzer's main.
if(DIOHARNESS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DIOHARNESS_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
