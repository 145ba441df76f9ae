# How tile's libraries and tools link MLIR and LLVM.
#
# Default: against Debian's shared libMLIR.so and libLLVM.so — quick links for
# development and CI.
#
# TILE_STATIC_LLVM=ON: against the static libMLIR*.a and only the static LLVM
# components that the NVPTX path and the host JIT need, so `tile-run`/`tile-opt` depend on libc,
# libm, libz and libzstd alone and can be carried to the GPU machine. Every
# imported MLIR target names the shared "LLVM" in its INTERFACE_LINK_LIBRARIES;
# we rewrite that entry to the static component list.

if(TILE_STATIC_LLVM)
  set(TILE_LLVM_COMPONENTS
    Core Support TargetParser Analysis TransformUtils Passes IRReader
    AsmParser BitReader BitWriter Linker MC MCParser Object Option
    FrontendOffloading FrontendOpenMP
    NVPTXCodeGen NVPTXDesc NVPTXInfo
    # The host JIT of the CPU path (tile-run --target cpu).
    OrcJIT ExecutionEngine PerfJITEvents X86CodeGen X86AsmParser X86Desc
    X86Info)
  llvm_map_components_to_libnames(TILE_LLVM_STATIC_LIBS ${TILE_LLVM_COMPONENTS})
  foreach(target IN LISTS MLIR_EXPORTED_TARGETS)
    if(TARGET ${target})
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "INTERFACE_LIBRARY")
        get_target_property(deps ${target} INTERFACE_LINK_LIBRARIES)
        if(deps)
          list(TRANSFORM deps REPLACE "^LLVM$" "${TILE_LLVM_STATIC_LIBS}")
          # The ExecutionEngine targets also name the shared libMLIR.so: its
          # static libraries are linked one by one here.
          list(REMOVE_ITEM deps MLIR)
          set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${deps}")
        endif()
      endif()
    endif()
  endforeach()
  add_compile_definitions(TILE_STATIC_LLVM=1)
endif()

# tile_link_mlir(<target> <MLIR libraries...>)
# Links the named MLIR libraries statically, or the one shared libMLIR.so.
function(tile_link_mlir target)
  if(TILE_STATIC_LLVM)
    target_link_libraries(${target} PUBLIC ${ARGN})
  else()
    target_link_libraries(${target} PUBLIC MLIR LLVM)
  endif()
endfunction()

# What lib/Compiler/Registration.cpp (the dialects, passes and the NVVM
# pipeline of tile-opt and KernelSource::compile) needs of MLIR: TileCompiler
# and the fuzzers' registration library link the same list.
set(TILE_PIPELINE_MLIR_LIBS
  MLIRArithToLLVM MLIRControlFlowToLLVM MLIRFuncToLLVM MLIRGPUToNVVMTransforms
  MLIRIndexToLLVM MLIRMathToLLVM MLIRMemRefToLLVM MLIRNVVMToLLVM MLIRUBToLLVM
  MLIRVectorToLLVM MLIRGPUPipelines MLIRNVVMTarget MLIRBuiltinToLLVMIRTranslation
  MLIRGPUToLLVMIRTranslation MLIRLLVMToLLVMIRTranslation MLIRNVVMToLLVMIRTranslation
  MLIRParser MLIRPass MLIRTransforms MLIRIndexDialect MLIRUBDialect MLIRTensorDialect
  MLIRFuncDialect MLIRMathDialect
  # The CPU path (tile-to-cpu).
  MLIRLinalgDialect MLIRLinalgTransforms MLIRBufferizationDialect
  MLIRBufferizationTransforms MLIRBufferizationPipelines MLIRArithTransforms
  MLIRMemRefTransforms MLIRTensorTransforms MLIRSCFTransforms
  MLIRControlFlowTransforms MLIRMathToLibm MLIRAffineToStandard
  MLIRSCFToControlFlow
)