# Warnings for the project's own targets (system headers are exempt).
add_library(dioharness_warnings INTERFACE)
target_compile_options(dioharness_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wformat=2 -Wimplicit-fallthrough)
# Not -Wnull-dereference: GCC 12 at -O2 reports it inside inlined libstdc++
# (std::string, std::optional) and CLI11 code that is correct.
if(DIOHARNESS_WERROR)
  target_compile_options(dioharness_warnings INTERFACE -Werror)
endif()
