# Warnings for the project's own targets (system headers are exempt).
add_library(dioharness_warnings INTERFACE)
target_compile_options(dioharness_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wformat=2 -Wimplicit-fallthrough -Wnull-dereference)
if(DIOHARNESS_WERROR)
  target_compile_options(dioharness_warnings INTERFACE -Werror)
endif()
