//===- TileToNVGPU.cpp - tile kernels to gpu + nvgpu + nvvm (sm_90a) -----===//
//
// The conversion pass: checks the target, creates the gpu.module and
// lowers each specialized tile.kernel op by op, its tiles in registers as
// the layouts of tile-assign-layouts distribute them
// (DistributedLowering.cpp); a tile.dot's operands arrive staged in
// #tile.shared, piped through TMA rings by tile-pipeline-loads. No kernel
// shape is matched: GEMMs, attention (16-bit and fp8), row kernels and
// epilogues are programs of the same op patterns.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"
#include "tile/Conversion/Passes.h"
#include "tile/Conversion/Target.h"
#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::tile {
#define GEN_PASS_DEF_CONVERTTILETONVGPU
#include "tile/Conversion/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;
using namespace mlir::tile::lowering;

/// The kernel's min_blocks_per_sm, as NVVM's `nvvm.minctasm` on `func`
/// (PTX `.minnctapersm`: ptxas caps each thread's registers so that that
/// many blocks fit on a multiprocessor).
static LogicalResult applyOccupancyHint(KernelOp kernel, gpu::GPUFuncOp func) {
  ExprAttr expr = kernel.getMinBlocksPerSmAttr();
  if (!expr || !func)
    return success();
  auto blocks = evalKernelExpr(kernel, expr, configBindings(kernel), 1,
                               "min_blocks_per_sm");
  if (failed(blocks))
    return failure();
  // An SM runs at most 32 blocks (sm_90).
  if (*blocks < 1 || *blocks > 32)
    return kernel.emitOpError()
           << "min_blocks_per_sm = " << *blocks << " must be between 1 and 32";
  // An SM runs at most 2048 threads.
  auto launch = func->getAttrOfType<DictionaryAttr>("tile.launch");
  auto block = launch ? launch.getAs<IntegerAttr>("block") : IntegerAttr();
  int64_t threads = block ? block.getInt() : 0;
  if (*blocks * threads > 2048)
    return kernel.emitOpError()
           << "min_blocks_per_sm = " << *blocks << " blocks of " << threads
           << " threads exceed the 2048 threads an SM runs; lower it or "
              "num_warps";
  if (*blocks > 1)
    func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                  Builder(kernel.getContext()).getI32IntegerAttr(*blocks));
  return success();
}

namespace {

struct ConvertTileToNVGPUPass
    : public mlir::tile::impl::ConvertTileToNVGPUBase<ConvertTileToNVGPUPass> {
  using ConvertTileToNVGPUBase::ConvertTileToNVGPUBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    LoweringOptions options;
    if (testMutation == "store-past-end") {
      options.storePastEnd = true;
    } else if (testMutation == "convert-as-identity") {
      options.convertAsIdentity = true;
    } else if (testMutation == "reduce-in-thread") {
      options.reduceInThread = true;
    } else if (!testMutation.empty()) {
      module.emitError() << "unknown test-mutation '" << testMutation
                         << "' (known: store-past-end, convert-as-identity, "
                            "reduce-in-thread; mask-check-corner of "
                            "tile-skip-full-masks; divide-floor of "
                            "tile-invariant-divisions)";
      return signalPassFailure();
    }
    SmallVector<KernelOp> kernels(module.getOps<KernelOp>());
    if (kernels.empty())
      return;
    auto target =
        GpuTarget::parse(chip, features, [&] { return module.emitError(); });
    if (failed(target))
      return signalPassFailure();
    // The lowerings emit TMA, mbarriers and wgmma.
    for (KernelOp kernel : kernels)
      if (failed(checkTarget(kernel, *target, hopperLoweringFeatures(),
                             "sm_90a lowering")))
        return signalPassFailure();
    MLIRContext *ctx = &getContext();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(ctx));
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto nvvmTarget = NVVM::NVVMTargetAttr::get(
        ctx, /*optLevel=*/3, "nvptx64-nvidia-cuda", chip, features);
    auto gpuModule = gpu::GPUModuleOp::create(
        b, module.getLoc(), "tile_kernels", b.getArrayAttr({nvvmTarget}));
    // The symbol of dynamic shared memory, declared external so that it is
    // `.extern .shared .b8 ...[]` in PTX: the start of the dynamic region,
    // after all static shared variables. gpu-to-nvvm reuses a zero-sized
    // shared global of the right alignment if one exists; the one it would
    // create is internal, which the NVPTX backend demotes to a one-byte
    // static variable that ptxas places among our mbarriers (H200: small
    // blocks then overwrote their own barriers; docs/design.md).
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(gpuModule.getBody());
      LLVM::GlobalOp::create(
          b, module.getLoc(), LLVM::LLVMArrayType::get(b.getI8Type(), 0),
          /*isConstant=*/false, LLVM::Linkage::External,
          "__tile_dynamic_shared_memory", Attribute(), /*alignment=*/16,
          /*addrSpace=*/3);
    }
    for (KernelOp kernel : kernels) {
      // Ops nothing after this pass can lower, rejected here where they are
      // rather than by a late legalization failure.
      WalkResult unsupported = kernel.walk([&](Operation *op) {
        if (isa<arith::RemFOp>(op)) {
          op->emitOpError()
              << "is not supported on sm_90a: NVPTX has no floating-point "
                 "remainder and the pipeline links no libdevice (fmodf); "
                 "compute it another way (e.g. x - y * trunc(x / y), if its "
                 "rounding will do)";
          return WalkResult::interrupt();
        }
        return WalkResult::advance();
      });
      if (unsupported.wasInterrupted())
        return signalPassFailure();
      // Op by op (DistributedLowering.cpp), which explains what it does
      // not support.
      LogicalResult lowered =
          lowerDistributedKernel(kernel, gpuModule, options);
      if (failed(lowered) || failed(applyOccupancyHint(
                                 kernel, gpuModule.lookupSymbol<gpu::GPUFuncOp>(
                                             kernel.getSymName()))))
        return signalPassFailure();
      kernel.erase();
    }
  }
};

} // namespace
