# What `cmake --install` puts under the prefix, and the package another CMake
# project finds with find_package(tile) (docs/api.md):
#
#   bin/                  tile-opt, tile-run
#   include/tile/         the public headers, with the generated ones they
#                         include (TableGen's *.h.inc, tile/Version.h)
#   lib/                  the static libraries (libTile*.a)
#   lib/cmake/tile/       tileConfig.cmake, its version file and the exported
#                         targets tile::compiler, tile::runtime, ...
#   share/tile/           kernels/, docs/, README.md
#
# tile's libraries are plain static libraries (add_library, not
# add_mlir_library), so they are exported here with their own export set;
# MLIR and LLVM are not installed with them: the package finds the same
# MLIR/LLVM it was built against (find_dependency(MLIR)), shared
# (libMLIR.so, libLLVM.so) or, for a TILE_STATIC_LLVM build, static.
# Included from the top-level CMakeLists.txt after lib/ and tools/.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TILE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tile)

# Library target -> exported name (tile::<name>); the same names work inside
# this build as ALIAS targets (examples/ links them).
set(TILE_EXPORTED_LIBRARIES
  TileSupport support
  TileRuntime runtime
  TileDialect dialect
  TileConversion conversion
  TileTransforms transforms
  TileCompiler compiler
  TileTuner tuner)
set(TILE_EXPORTED_TARGETS)
while(TILE_EXPORTED_LIBRARIES)
  list(POP_FRONT TILE_EXPORTED_LIBRARIES target name)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  # LLVM 22's headers need C++17 in the consumer too.
  target_compile_features(${target} INTERFACE cxx_std_17)
  add_library(tile::${name} ALIAS ${target})
  list(APPEND TILE_EXPORTED_TARGETS ${target})
endwhile()

install(TARGETS ${TILE_EXPORTED_TARGETS}
  EXPORT tileTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# The tools keep finding the shared libMLIR.so/libLLVM.so they were linked
# with (the build tree's RUNPATH is dropped on install otherwise).
set_target_properties(tile-opt tile-run PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
install(TARGETS tile-opt tile-run
  EXPORT tileTargets
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tile
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.td")
install(DIRECTORY ${PROJECT_BINARY_DIR}/include/tile
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h.inc" PATTERN "Version.h"
  PATTERN "CMakeFiles" EXCLUDE)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/kernels ${PROJECT_SOURCE_DIR}/docs
  DESTINATION ${CMAKE_INSTALL_DATADIR}/tile)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
  DESTINATION ${CMAKE_INSTALL_DATADIR}/tile)

install(EXPORT tileTargets
  NAMESPACE tile::
  DESTINATION ${TILE_INSTALL_CMAKEDIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/tileConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/tileConfig.cmake
  INSTALL_DESTINATION ${TILE_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_DATADIR)
# 0.x: a minor version may change the API.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/tileConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/tileConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/tileConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/TileStaticLLVM.cmake
  DESTINATION ${TILE_INSTALL_CMAKEDIR})
