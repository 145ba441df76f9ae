# Static MLIR/LLVM linking (TILE_STATIC_LLVM=ON), shared by tile's own build
# (cmake/TileLinking.cmake) and by the installed package (tileConfig.cmake),
# so a project that links an installed static tile links MLIR the same way.
#
# Every imported MLIR target names the shared "LLVM" in its
# INTERFACE_LINK_LIBRARIES; tile_use_static_llvm() rewrites that entry to the
# static libraries of TILE_LLVM_COMPONENTS (only what the NVPTX path and the
# host JIT need) and drops the shared libMLIR.so that the ExecutionEngine
# targets name (its static libraries are linked one by one). Needs
# find_package(MLIR) first (for MLIR_EXPORTED_TARGETS and LLVM's
# llvm_map_components_to_libnames).

set(TILE_LLVM_COMPONENTS
  Core Support TargetParser Analysis TransformUtils Passes IRReader
  AsmParser BitReader BitWriter Linker MC MCParser Object Option
  FrontendOffloading FrontendOpenMP
  NVPTXCodeGen NVPTXDesc NVPTXInfo
  # The host JIT of the CPU path (tile-run --target cpu).
  OrcJIT ExecutionEngine PerfJITEvents X86CodeGen X86AsmParser X86Desc
  X86Info)

function(tile_use_static_llvm)
  llvm_map_components_to_libnames(static_libs ${TILE_LLVM_COMPONENTS})
  foreach(target IN LISTS MLIR_EXPORTED_TARGETS)
    if(TARGET ${target})
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "INTERFACE_LIBRARY")
        get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
        if(deps)
          list(TRANSFORM deps REPLACE "^LLVM$" "${static_libs}")
          list(REMOVE_ITEM deps MLIR)
          set_target_properties(${target} PROPERTIES
            INTERFACE_LINK_LIBRARIES "${deps}")
        endif()
      endif()
    endif()
  endforeach()
endfunction()
