# dioharness_add_component_dirs(): add every sub-folder of the current folder that
# has a CMakeLists.txt, so that parts can be added without editing a shared list.
# Targets may refer to targets of sibling folders in any order (CMake resolves
# link names at generate time).
function(dioharness_add_component_dirs)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
