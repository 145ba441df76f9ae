//===- Registration.cpp - dialects, passes and pipelines of tile ----------===//

#include "tile/Compiler/Registration.h"

#include "tile/Conversion/Passes.h"
#include "tile/Dialect/Tile/TileDialect.h"
#include "tile/Transforms/Passes.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/Passes.h"

#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace mlir;

// From mlir/Dialect/Linalg/Passes.h, which cannot be included here: it
// includes mlir/Dialect/SCF/Utils/Utils.h, whose function mlir::tile()
// clashes with our namespace mlir::tile.
namespace mlir {
std::unique_ptr<Pass> createConvertElementwiseToLinalgPass();
std::unique_ptr<Pass> createLinalgElementwiseOpFusionPass();
std::unique_ptr<Pass> createConvertLinalgToLoopsPass();
} // namespace mlir

void ::tile::registerDialects(DialectRegistry &registry) {
  registry.insert<mlir::tile::TileDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect, func::FuncDialect, gpu::GPUDialect,
                  index::IndexDialect, linalg::LinalgDialect,
                  LLVM::LLVMDialect, math::MathDialect,
                  memref::MemRefDialect, NVVM::NVVMDialect,
                  nvgpu::NVGPUDialect, scf::SCFDialect, tensor::TensorDialect,
                  ub::UBDialect, vector::VectorDialect>();
  arith::registerConvertArithToLLVMInterface(registry);
  // The CPU path: one-shot bufferization and buffer deallocation.
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  index::registerConvertIndexToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  ub::registerConvertUBToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
  NVVM::registerConvertGpuToNVVMInterface(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

void ::tile::buildCpuPipeline(OpPassManager &pm,
                              const std::string &testMutation) {
  mlir::tile::TileInvariantDivisionsOptions divisions;
  divisions.testMutation = testMutation;
  pm.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileInvariantDivisions(divisions));
  pm.addPass(mlir::tile::createConvertTileToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(mlir::tile::createTileHostBufferize());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(mlir::tile::createExpandHostFloatConversions());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (tanh) calls libm.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

namespace {
struct TileToCPUOptions : public PassPipelineOptions<TileToCPUOptions> {
  Option<std::string> config{*this, "config",
                             llvm::cl::desc("NAME=VALUE,... (see "
                                            "tile-specialize)"),
                             llvm::cl::init("")};
};

struct TileToPTXOptions : public PassPipelineOptions<TileToPTXOptions> {
  Option<std::string> config{*this, "config",
                             llvm::cl::desc("NAME=VALUE,... (see "
                                            "tile-specialize)"),
                             llvm::cl::init("")};
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU architecture"),
                           llvm::cl::init("sm_90a")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("Target features, with the PTX version (+ptx<NN>)"),
      llvm::cl::init("+ptx80")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("LLVM optimization level"),
                       llvm::cl::init(3)};
};
} // namespace

void ::tile::registerPassesAndPipelines() {
  registerCanonicalizerPass();
  registerCSEPass();
  mlir::tile::registerTilePasses();
  mlir::tile::registerTileConversionPasses();
  gpu::registerGPUToNVVMPipeline();
  // The stages of that pipeline, for reading the IR step by step.
  registerConvertNVGPUToNVVMPass();
  registerConvertGpuOpsToNVVMOps();
  registerGpuModuleToBinaryPass();
  registerSCFToControlFlowPass();
  registerReconcileUnrealizedCastsPass();
  PassPipelineRegistration<TileToCPUOptions>(
      "tile-to-cpu",
      "Specializes tile kernels for a config and lowers them through linalg "
      "to host functions in the LLVM dialect (tile-specialize, "
      "tile-invariant-divisions, convert-tile-to-linalg, bufferization, loops; docs/cpu.md)",
      [](OpPassManager &pm, const TileToCPUOptions &options) {
        mlir::tile::TileSpecializeOptions specialize;
        specialize.config = options.config;
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTileSpecialize(specialize));
        buildCpuPipeline(pm);
      });
  PassPipelineRegistration<TileToPTXOptions>(
      "tile-to-ptx",
      "Specializes tile kernels for a config and lowers them to PTX "
      "(tile-specialize, tile-assign-layouts, tile-skip-full-masks, "
      "tile-pipeline-loads, tile-invariant-divisions, "
      "convert-tile-to-nvgpu, "
      "gpu-lower-to-nvvm-pipeline)",
      [](OpPassManager &pm, const TileToPTXOptions &options) {
        mlir::tile::TileSpecializeOptions specialize;
        specialize.config = options.config;
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTileSpecialize(specialize));
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTileAssignLayouts());
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTileSkipFullMasks());
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTilePipelineLoads());
        pm.addNestedPass<mlir::tile::KernelOp>(
            mlir::tile::createTileInvariantDivisions());
        mlir::tile::ConvertTileToNVGPUOptions convert;
        convert.chip = options.chip;
        convert.features = options.features;
        pm.addPass(mlir::tile::createConvertTileToNVGPU(convert));
        gpu::GPUToNVVMPipelineOptions nvvm;
        nvvm.cubinChip = options.chip;
        nvvm.cubinFeatures = options.features;
        nvvm.cubinFormat = "isa";
        nvvm.optLevel = options.optLevel;
        gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
      });
}

void ::tile::initializeNVPTXTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
}
