# Used only by the Emscripten build (Makefile: -Dnlohmann_json_DIR=wasm/cmake). Debian's own config
# exports /usr/include as the include path, and glibc's headers there break the WASM sysroot
# ('bits/libc-header-start.h' not found); this one exposes the nlohmann headers alone.
set(HW_NLOHMANN_ROOT /usr/include CACHE PATH "Folder that holds nlohmann/json.hpp")
if(NOT EXISTS ${HW_NLOHMANN_ROOT}/nlohmann/json.hpp)
  set(nlohmann_json_FOUND FALSE)
  return()
endif()
set(_hw_nlohmann_inc ${CMAKE_BINARY_DIR}/nlohmann-include)
if(NOT EXISTS ${_hw_nlohmann_inc}/nlohmann)
  file(MAKE_DIRECTORY ${_hw_nlohmann_inc})
  file(CREATE_LINK ${HW_NLOHMANN_ROOT}/nlohmann ${_hw_nlohmann_inc}/nlohmann SYMBOLIC)
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${_hw_nlohmann_inc})
endif()
set(nlohmann_json_FOUND TRUE)
