# How tile's libraries and tools link MLIR and LLVM.
#
# Default: against Debian's shared libMLIR.so and libLLVM.so — quick links for
# development and CI.
#
# TILE_STATIC_LLVM=ON: against the static libMLIR*.a and only the static LLVM
# components that the NVPTX path and the host JIT need, so `tile-run`/`tile-opt` depend on libc,
# libm, libz and libzstd alone and can be carried to the GPU machine. Every
# imported MLIR target names the shared "LLVM" in its INTERFACE_LINK_LIBRARIES;
# we rewrite that entry to the static component list (cmake/TileStaticLLVM.cmake,
# which the installed package runs too).

if(TILE_STATIC_LLVM)
  include(${CMAKE_CURRENT_LIST_DIR}/TileStaticLLVM.cmake)
  tile_use_static_llvm()
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