# Warning and sanitizer flags travel on INTERFACE targets so they apply to our targets only.
add_library(healthdoc_warnings INTERFACE)
target_compile_options(healthdoc_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
# GCC 12 reports -Wrestrict inside libstdc++'s std::string at -O2 for correct code (GCC bug
# 105329); the warning cannot be acted on in our sources.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(healthdoc_warnings INTERFACE -Wno-restrict)
endif()
if(HEALTHDOC_WERROR)
  target_compile_options(healthdoc_warnings INTERFACE -Werror)
endif()

add_library(healthdoc_sanitizers INTERFACE)
if(HEALTHDOC_SANITIZE)
  target_compile_options(healthdoc_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(healthdoc_sanitizers INTERFACE -fsanitize=address,undefined)
  # Sanitizer instrumentation makes GCC report maybe-uninitialized inside libstdc++ (std::regex,
  # std::function) for correct code; the plain build keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(healthdoc_warnings INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()

# healthdoc_module(NAME DEPS...) declares the static library of one folder: every .cpp below
# it (CONFIGURE_DEPENDS, so a new file needs no CMake edit), headers included from the repo root.
function(healthdoc_module name)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  add_library(healthdoc_${name} STATIC ${sources})
  add_library(healthdoc::${name} ALIAS healthdoc_${name})
  target_include_directories(healthdoc_${name} PUBLIC "${PROJECT_SOURCE_DIR}")
  target_link_libraries(healthdoc_${name} PUBLIC ${ARGN} PRIVATE healthdoc_warnings PUBLIC healthdoc_sanitizers)
endfunction()
