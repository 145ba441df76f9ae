//===- TileToNVGPU.cpp - tile kernels to TMA + mbarrier + wgmma (sm_90a) --===//
//
// A specialized tile.kernel whose main loop accumulates tile.dot of two
// tile.loads becomes a gpu.func that runs that loop as a multi-stage pipeline
// on Hopper's tensor memory accelerator and warpgroup MMA:
//
//   prologue     thread 0 issues the TMA loads (nvgpu.tma.async.load) of the
//                first STAGES-1 k-blocks, completing on full[stage] mbarriers
//   k-loop       every warpgroup waits on full[stage], issues
//                nvvm.wgmma.mma_async on its rows of A and all of B, waits
//                for the previous group, releases that stage on empty[...];
//                thread 0 then refills it with k-block kb+STAGES-1
//   epilogue     accumulator fragments -> shared memory (f32) -> 8-wide
//                vectors, the kernel's elementwise epilogue applied, stored
//                with bounds checks
//
// Operand tiles are BLOCK_K = 128 bytes wide, one 128-byte swizzle row. A is
// K-major; B is read MN-major in 64-column chunks when it is K x N, K-major
// when it is N x K (transpose_rhs). docs/design.md explains why the wgmma
// and the fragment store are emitted here rather than via nvgpu.warpgroup.*.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"
#include "tile/Conversion/Passes.h"
#include "tile/Conversion/Target.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tile {
#define GEN_PASS_DEF_CONVERTTILETONVGPU
#include "tile/Conversion/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;
using namespace mlir::tile::lowering;

namespace {

constexpr int64_t kChunkCols = 64;  // columns of one MN-major B box (bf16)
constexpr int64_t kEpilogueVector = 8;

/// What the lowering needs to know about a GEMM-shaped kernel.
struct GemmPlan {
  KernelOp kernel;
  scf::ForOp loop;
  DotOp dot;
  LoadOp lhs, rhs;
  StoreOp store;
  SmallVector<Operation *> prologue; // ops before the loop, in order
  SmallVector<Operation *> epilogue; // ops after the loop, in order
  Type operandType;
  int64_t bm = 0, bn = 0, bk = 0, stages = 0, warpgroups = 0;
  /// B given as N x K (transpose_rhs): K-major in shared memory. Otherwise
  /// B is K x N and read MN-major, in 64-column chunks.
  bool kMajorB = false;
  ::tile::Bindings config;
  /// Epilogue loads of 1-d tiles: the accumulator dimension they run along
  /// (1: a bias of columns, 0: of rows).
  DenseMap<Operation *, int64_t> biasAlong;

  int64_t threads() const { return warpgroups * 128; }
  int64_t aStageBytes() const { return bm * kSwizzleBytes; }
  int64_t bStageBytes() const { return bn * bk * elementBytes(); }
  int64_t elementBytes() const {
    return operandType.getIntOrFloatBitWidth() / 8;
  }
  int64_t pipelineBytes() const {
    return stages * (aStageBytes() + bStageBytes());
  }
  int64_t sharedMemoryBytes() const {
    return std::max(pipelineBytes(), bm * bn * 4) + kSharedMemorySlack;
  }
};

bool hasTileResult(Operation *op) {
  return llvm::any_of(op->getResultTypes(), isTile);
}


/// The epilogue's tile.loads (a residual: a tile the accumulator's shape
/// at the output's offsets; a bias: a 1-d tile at the output's column (or
/// row) offset that tile.broadcast spreads over the rows (columns)) and its
/// broadcasts. In the epilogue each thread holds 8 adjacent columns of one
/// row: a column bias is loaded as those 8 columns, a row bias as the row's
/// one element repeated; a broadcast is then nothing.
LogicalResult analyzeEpilogueLoads(GemmPlan &plan) {
  ArrayRef<int64_t> accShape = plan.dot.getType().getShape();
  ValueRange outAt = plan.store.getIndices();
  auto isSource = [&](Value v) {
    return v == plan.lhs.getSource() || v == plan.rhs.getSource();
  };
  for (Operation *op : plan.epilogue) {
    if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
      if (broadcast.getType().getShape() != accShape)
        return op->emitOpError() << "must broadcast to the accumulator's "
                                    "shape in the sm_90 GEMM epilogue";
      continue;
    }
    auto load = dyn_cast<LoadOp>(op);
    if (!load)
      continue;
    auto arg = dyn_cast<BlockArgument>(load.getSource());
    if (!arg || arg.getOwner()->getParentOp() != plan.kernel ||
        isSource(load.getSource()) ||
        load.getSource() == plan.store.getDest())
      return op->emitOpError()
             << "must read a tensor argument of its own (not a tile.dot "
                "operand, nor the output) in the sm_90 GEMM epilogue";
    auto type = load.getType();
    auto memref = cast<MemRefType>(load.getSource().getType());
    int64_t offset;
    SmallVector<int64_t> strides;
    if (failed(memref.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1)
      return op->emitOpError() << "source rows must be contiguous (stride 1 "
                                  "in the last dimension)";
    ValueRange at = load.getIndices();
    if (type.getRank() == 2) {
      if (type.getShape() != accShape || at.size() != 2 || at[0] != outAt[0] ||
          at[1] != outAt[1])
        return op->emitOpError()
               << "in the sm_90 GEMM epilogue, a 2-d tile.load must have the "
                  "accumulator's shape and the tile.store's indices (a "
                  "residual)";
      continue;
    }
    // A bias: which way it is broadcast decides which offset it needs.
    std::optional<int64_t> dim;
    SmallVector<Operation *> work(load->getUsers().begin(),
                                  load->getUsers().end());
    while (!work.empty()) {
      Operation *user = work.pop_back_val();
      if (auto broadcast = dyn_cast<BroadcastOp>(user)) {
        if (dim && *dim != static_cast<int64_t>(broadcast.getDim()))
          return op->emitOpError() << "is broadcast along two dimensions";
        dim = broadcast.getDim();
        continue;
      }
      if (user->hasTrait<OpTrait::Elementwise>() &&
          llvm::all_of(user->getResultTypes(), [](Type t) {
            return cast<RankedTensorType>(t).getRank() == 1;
          })) {
        work.append(user->getUsers().begin(), user->getUsers().end());
        continue;
      }
      return user->emitOpError()
             << "uses a 1-d tile in the sm_90 GEMM epilogue other than "
                "elementwise or through tile.broadcast";
    }
    if (type.getRank() != 1 || at.size() != 1 || !dim)
      return op->emitOpError()
             << "in the sm_90 GEMM epilogue, a tile.load is a residual (2-d) "
                "or a bias (1-d, then tile.broadcast)";
    // Broadcast along dim 0 (down the rows): a bias of columns.
    int64_t along = *dim == 0 ? 1 : 0;
    if (type.getDimSize(0) != accShape[along] || at[0] != outAt[along])
      return op->emitOpError()
             << "a bias broadcast along dimension " << *dim
             << " must have BLOCK_" << (along ? "N" : "M")
             << " elements from the tile.store's "
             << (along ? "column" : "row") << " offset";
    plan.biasAlong[load] = along;
  }
  return success();
}

/// Checks that `kernel` has the shape this lowering handles and gathers what
/// it needs; otherwise reports, at the op concerned, what is unsupported.
FailureOr<GemmPlan> analyzeGemm(KernelOp kernel) {
  GemmPlan plan;
  plan.kernel = kernel;
  auto shape = launchShape(kernel, /*minStages=*/2);
  if (failed(shape))
    return failure();
  plan.config = configBindings(kernel);
  plan.warpgroups = shape->warpgroups;
  plan.stages = shape->stages;

  SmallVector<DotOp> dots;
  kernel.walk([&](DotOp d) { dots.push_back(d); });
  if (dots.size() != 1)
    return kernel.emitOpError()
           << "has " << dots.size()
           << " tile.dot ops; the sm_90 GEMM lowering handles exactly one, "
              "accumulated in a loop";
  plan.dot = dots.front();
  plan.loop = dyn_cast<scf::ForOp>(plan.dot->getParentOp());
  if (!plan.loop || plan.loop->getParentOp() != kernel)
    return plan.dot.emitOpError()
           << "must be directly inside an scf.for at the top level of the "
              "kernel for the sm_90 GEMM lowering";
  scf::ForOp loop = plan.loop;
  if (loop.getNumRegionIterArgs() != 1 ||
      plan.dot.getAcc() != loop.getRegionIterArgs()[0] ||
      loop.getYieldedValues()[0] != plan.dot.getResult())
    return loop.emitOpError()
           << "must carry exactly the tile.dot accumulator: "
              "iter_args(%acc = ...) with the dot's result yielded";
  plan.kMajorB = plan.dot.getTransposeRhs();

  plan.lhs = plan.dot.getLhs().getDefiningOp<LoadOp>();
  plan.rhs = plan.dot.getRhs().getDefiningOp<LoadOp>();
  if (!plan.lhs || !plan.rhs || plan.lhs->getParentOp() != loop ||
      plan.rhs->getParentOp() != loop)
    return plan.dot.emitOpError()
           << "operands must be tile.load ops in the same loop: the sm_90 "
              "lowering streams them through shared memory with TMA";
  for (Operation &op : loop.getBody()->without_terminator())
    if (&op != plan.lhs && &op != plan.rhs && &op != plan.dot)
      return op.emitOpError()
             << "is not supported inside the tensor-core loop by the sm_90 "
                "lowering (only the two operand loads and the tile.dot)";

  Value iv = loop.getInductionVar();
  auto checkLoad = [&](LoadOp load, bool isLhs) -> LogicalResult {
    auto arg = dyn_cast<BlockArgument>(load.getSource());
    auto memref = dyn_cast<MemRefType>(load.getSource().getType());
    if (!arg || arg.getOwner()->getParentOp() != kernel || !memref ||
        memref.getRank() != 2)
      return load.emitOpError()
             << "must read a 2-d tensor argument of the kernel";
    int64_t offset;
    SmallVector<int64_t> strides;
    if (failed(memref.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1)
      return load.emitOpError() << "source rows must be contiguous (stride 1 "
                                   "in the last dimension) for TMA";
    bool kInner = isLhs || plan.kMajorB;
    Value kIndex = load.getIndices()[kInner ? 1 : 0];
    Value other = load.getIndices()[kInner ? 0 : 1];
    if (kIndex != iv || !loop.isDefinedOutsideOfLoop(other))
      return load.emitOpError()
             << "must be indexed "
             << (isLhs ? "[%row, %k]" : kInner ? "[%col, %k]" : "[%k, %col]")
             << " with %k the loop's induction variable and the other index "
                "loop-invariant";
    return success();
  };
  if (failed(checkLoad(plan.lhs, true)) || failed(checkLoad(plan.rhs, false)))
    return failure();
  if (plan.lhs.getSource() == plan.rhs.getSource())
    return plan.dot.emitOpError() << "operands must come from two different "
                                     "tensor arguments";

  auto lhsType = plan.lhs.getResult().getType();
  auto rhsType = plan.rhs.getResult().getType();
  plan.operandType = lhsType.getElementType();
  if (!wgmmaOperandType(plan.operandType))
    return plan.dot.emitOpError()
           << "operands of type " << plan.operandType
           << " are not supported by the sm_90 lowering (wgmma takes bf16, "
              "f16, f8E4M3FN and f8E5M2)";
  if (rhsType.getElementType() != plan.operandType)
    return plan.dot.emitOpError()
           << "operands of two types (" << plan.operandType << " and "
           << rhsType.getElementType()
           << ") are not supported by the sm_90 lowering; convert one";
  if (isFloat8(plan.operandType) && !plan.kMajorB)
    return plan.dot.emitOpError()
           << "8-bit float operands need B given as N x K (transpose_rhs): "
              "wgmma reads 8-bit operands K-major only; store B as N x K and "
              "load it [%col, %k] (see kernels/fp8_gemm.mlir)";
  plan.bm = lhsType.getDimSize(0);
  plan.bk = lhsType.getDimSize(1);
  plan.bn = rhsType.getDimSize(plan.kMajorB ? 0 : 1);
  // Compared as a quotient: bk may be any extent (the fuzzer's 2^63 - 1
  // overflowed the product).
  if (plan.bk != kSwizzleBytes / plan.elementBytes())
    return plan.dot.emitOpError()
           << "BLOCK_K = " << plan.bk << " must span 128 bytes ("
           << kSwizzleBytes / plan.elementBytes() << " elements of "
           << plan.operandType << ") in the sm_90 lowering";
  if (plan.bn % kChunkCols != 0 || plan.bn > 256)
    return plan.dot.emitOpError()
           << "BLOCK_N = " << plan.bn
           << " is not supported by the sm_90 lowering: use 64, 128, 192 or "
              "256";
  if (plan.bm % (kWarpgroupRows * plan.warpgroups) != 0 || plan.bm > 256)
    return plan.dot.emitOpError()
           << "BLOCK_M = " << plan.bm << " must be at most 256 and a multiple "
           << "of 64 x " << plan.warpgroups << " warpgroups";

  auto lb = constantIndex(loop.getLowerBound());
  auto step = constantIndex(loop.getStep());
  if (!lb || *lb != 0 || !step || *step != plan.bk)
    return loop.emitOpError() << "must run from 0 with step BLOCK_K ("
                              << plan.bk << ") for the sm_90 lowering";
  auto init = loop.getInitArgs()[0].getDefiningOp<SplatOp>();
  auto zero = init ? init.getValue().getDefiningOp<arith::ConstantFloatOp>()
                   : arith::ConstantFloatOp();
  if (!zero || !zero.value().isZero())
    return loop.emitOpError() << "accumulator must start as tile.splat of 0.0";

  // Ops around the loop.
  bool afterLoop = false;
  for (Operation &op : kernel.getBody().front()) {
    if (&op == loop.getOperation()) {
      afterLoop = true;
      continue;
    }
    if (isa<ReturnOp>(op))
      continue;
    if (isa<ParamOp>(op))
      return op.emitOpError() << "should have been replaced by tile-specialize";
    // The operand tensors become TMA descriptors: nothing else may use them.
    for (Value operand : op.getOperands())
      if (!isa<StoreOp>(op) &&
          (operand == plan.lhs.getSource() || operand == plan.rhs.getSource()))
        return op.emitOpError()
               << "uses a tile.dot operand's tensor, which the sm_90 lowering "
                  "reads only through TMA; use tile.dim for its sizes";
    if (!afterLoop) {
      bool indexOp = isa<ProgramIdOp, NumProgramsOp, DimOp>(op);
      bool tileDialect = isa<TileDialect>(op.getDialect());
      if ((hasTileResult(&op) && !isa<SplatOp>(op)) ||
          (tileDialect && !indexOp && !isa<SplatOp>(op)) ||
          op.getNumRegions() != 0)
        return op.emitOpError() << "is not supported before the main loop by "
                                   "the sm_90 GEMM lowering (index "
                                   "computations and tile.splat only)";
      plan.prologue.push_back(&op);
      continue;
    }
    if (auto store = dyn_cast<StoreOp>(op)) {
      if (plan.store)
        return op.emitOpError() << "is a second tile.store; the sm_90 GEMM "
                                   "lowering writes one output tile";
      plan.store = store;
      continue;
    }
    if ((hasTileResult(&op) &&
         !isa<SplatOp, LoadOp, BroadcastOp>(op) &&
         !op.hasTrait<OpTrait::Elementwise>()) ||
        op.getNumRegions() != 0)
      return op.emitOpError() << "is not supported in the epilogue of the "
                                 "sm_90 GEMM lowering (elementwise ops, "
                                 "tile.splat, tile.load of a bias or "
                                 "residual, tile.broadcast of a bias)";
    if (isa<math::MathDialect>(op.getDialect()) && !hasFastMath(&op))
      return op.emitOpError() << kFastMathOnly;
    plan.epilogue.push_back(&op);
  }
  if (!plan.store)
    return kernel.emitOpError() << "stores no tile";
  if (failed(analyzeEpilogueLoads(plan)))
    return failure();
  if (plan.store.getDest() == plan.lhs.getSource() ||
      plan.store.getDest() == plan.rhs.getSource())
    return plan.store.emitOpError()
           << "writes a tensor that the tile.dot reads; the sm_90 lowering "
              "needs the output in its own argument";
  auto dest = dyn_cast<BlockArgument>(plan.store.getDest());
  auto destType = dyn_cast<MemRefType>(plan.store.getDest().getType());
  if (!dest || !destType || destType.getRank() != 2 ||
      plan.store.getValue().getType().getRank() != 2)
    return plan.store.emitOpError()
           << "must write a 2-d tile into a 2-d tensor argument";
  {
    int64_t offset;
    SmallVector<int64_t> strides;
    if (failed(destType.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1)
      return plan.store.emitOpError()
             << "destination rows must be contiguous (stride 1 in the last "
                "dimension) for the sm_90 lowering";
  }
  if (plan.store.getIndices()[0] != plan.lhs.getIndices()[0] ||
      plan.store.getIndices()[1] !=
          plan.rhs.getIndices()[plan.kMajorB ? 0 : 1])
    return plan.store.emitOpError()
           << "must write at [%row, %col], the row offset of the lhs load and "
              "the column offset of the rhs load";
  if (plan.store.getValue().getType().getShape() !=
      plan.dot.getType().getShape())
    return plan.store.emitOpError() << "must store a tile the accumulator's "
                                       "shape";

  int64_t slices = plan.bm / plan.warpgroups / kWarpgroupRows;
  // The accumulator is wgmma's (the epilogue then goes through shared
  // memory, 8 elements a thread).
  if (failed(checkLayout(plan.dot.getResult(),
                         WgmmaAccLayoutAttr::get(plan.kernel.getContext(),
                                                 plan.warpgroups),
                         "GEMM lowering")))
    return failure();
  if (failed(checkRegisterBudget(plan.dot, plan.threads(),
                                 std::max<int64_t>(slices, 1) * plan.bn / 2,
                                 "the BLOCK_M x BLOCK_N accumulator")))
    return failure();
  if (plan.sharedMemoryBytes() > kMaxSharedMemory)
    return kernel.emitOpError()
           << "needs " << plan.sharedMemoryBytes()
           << " bytes of shared memory, more than the " << kMaxSharedMemory
           << " a block may use on sm_90; lower num_stages or the block sizes";
  return plan;
}

/// Emits the gpu.func for `plan` at the end of `gpuModule`.
class GemmEmitter : KernelEmitter {
public:
  GemmEmitter(GemmPlan &plan, gpu::GPUModuleOp gpuModule,
              const LoweringOptions &options)
      : KernelEmitter(plan.kernel, gpuModule, options), plan(plan) {}

  LogicalResult emit();

private:
  void cloneVector(Operation *op, IRMapping &map);
  void issueLoads(Value kb);
  SmallVector<Value> emitWgmma(Value stage, ValueRange accs);
  void emitMainLoop();
  void storeFragments(Value staged);
  LogicalResult emitEpilogue();

  GemmPlan &plan;
  nvgpu::TensorMapDescriptorType aMapType, bMapType;
  nvgpu::MBarrierGroupType barrierType;
  Value descA, descB, full, empty, wg, isThread0, isWgLeader;
  Value m0, n0, numKBlocks;
  /// The output element of the epilogue's first column: its row and column.
  Value epilogueRow, epilogueCol;
  Type accType;
  SmallVector<Value> accs; // one accumulator struct per 64-row slice
};

/// Clones elementwise op `op` of tiles as the same op on 8-wide vectors.
void GemmEmitter::cloneVector(Operation *op, IRMapping &vmap) {
  if (auto splat = dyn_cast<SplatOp>(op)) {
    auto type = VectorType::get({kEpilogueVector},
                                splat.getType().getElementType());
    vmap.map(splat.getResult(),
             vector::BroadcastOp::create(b, type, vmap.lookupOrDefault(
                                                      splat.getValue())));
    return;
  }
  if (auto trunc = dyn_cast<arith::TruncFOp>(op);
      trunc && isFloat8(getElementTypeOrSelf(trunc.getType())) &&
      getElementTypeOrSelf(trunc.getIn().getType()).isF32()) {
    Value in = vmap.lookup(trunc.getIn());
    SmallVector<Value> elems;
    for (int64_t i = 0; i < kEpilogueVector; ++i)
      elems.push_back(vector::ExtractOp::create(b, in, i));
    Type f8 = getElementTypeOrSelf(trunc.getType());
    vmap.map(trunc.getResult(),
             vector::FromElementsOp::create(
                 b, VectorType::get({kEpilogueVector}, f8),
                 truncToFloat8(elems, f8)));
    return;
  }
  if (auto load = dyn_cast<LoadOp>(op)) {
    Type elt = load.getType().getElementType();
    Value src = vmap.lookup(load.getSource());
    Value loaded;
    if (load.getType().getRank() == 2) {
      loaded = loadRun(b, b.getLoc(), src, {epilogueRow, epilogueCol},
                       kEpilogueVector, elt);
    } else if (plan.biasAlong.lookup(op) == 1) {
      loaded = loadRun(b, b.getLoc(), src, {epilogueCol}, kEpilogueVector, elt);
    } else {
      Value one = loadRun(b, b.getLoc(), src, {epilogueRow}, 1, elt);
      loaded = vector::BroadcastOp::create(
          b, VectorType::get({kEpilogueVector}, elt),
          vector::ExtractOp::create(b, one, ArrayRef<int64_t>{0}));
    }
    vmap.map(load.getResult(), loaded);
    return;
  }
  if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
    // A row of 8 columns of a bias is already what each element needs.
    vmap.map(broadcast.getResult(), vmap.lookup(broadcast.getInput()));
    return;
  }
  if (hasFastMath(op)) {
    Value in = vmap.lookup(op->getOperand(0));
    SmallVector<Value> elems;
    for (int64_t i = 0; i < kEpilogueVector; ++i)
      elems.push_back(*emitFastMath(
          b, b.getLoc(), op,
          vector::ExtractOp::create(b, in, ArrayRef<int64_t>{i})));
    vmap.map(op->getResult(0),
             vector::FromElementsOp::create(
                 b, VectorType::get({kEpilogueVector}, b.getF32Type()),
                 elems));
    return;
  }
  Operation *clone = b.clone(*op, vmap);
  for (OpResult r : clone->getResults())
    if (auto t = dyn_cast<RankedTensorType>(r.getType()))
      r.setType(VectorType::get({kEpilogueVector}, t.getElementType()));
}

void GemmEmitter::issueLoads(Value kb) {
  Value stage = rem(kb, idx(plan.stages));
  Value k0 = mul(kb, idx(plan.bk));
  int64_t txBytes = plan.aStageBytes() + plan.bStageBytes();
  nvgpu::MBarrierArriveExpectTxOp::create(b, full, idx(txBytes), stage,
                                          Value());
  Value aOffset = mul(stage, idx(plan.aStageBytes()));
  Value aView = smemView(aOffset, {plan.bm, plan.bk}, plan.operandType);
  // TMA coordinates run innermost dimension first.
  nvgpu::TmaAsyncLoadOp::create(b, aView, full, descA, ValueRange{k0, m0},
                                stage, Value(), Value());
  Value bBase = add(idx(plan.stages * plan.aStageBytes()),
                    mul(stage, idx(plan.bStageBytes())));
  if (plan.kMajorB) {
    Value bView = smemView(bBase, {plan.bn, plan.bk}, plan.operandType);
    nvgpu::TmaAsyncLoadOp::create(b, bView, full, descB, ValueRange{k0, n0},
                                  stage, Value(), Value());
    return;
  }
  int64_t chunkBytes = plan.bk * kChunkCols * plan.elementBytes();
  for (int64_t c = 0; c < plan.bn / kChunkCols; ++c) {
    Value bView = smemView(add(bBase, idx(c * chunkBytes)),
                           {plan.bk, kChunkCols}, plan.operandType);
    nvgpu::TmaAsyncLoadOp::create(b, bView, full, descB,
                                  ValueRange{add(n0, idx(c * kChunkCols)), k0},
                                  stage, Value(), Value());
  }
}

/// One k-block on this warpgroup's rows: for each 64-row slice and each
/// 32-byte k-step (16 bf16/f16 or 32 fp8 elements), one wgmma.mma_async
/// m64nBLOCK_Nk16 (k32 for fp8).
SmallVector<Value> GemmEmitter::emitWgmma(Value stage, ValueRange accs) {
  int64_t rowsPerWg = plan.bm / plan.warpgroups;
  int64_t kStep = 32 / plan.elementBytes(); // 32 bytes of K per instruction
  Value aBase = add(mul(stage, idx(plan.aStageBytes())),
                    mul(wg, idx(rowsPerWg * kSwizzleBytes)));
  Value bBase = add(idx(plan.stages * plan.aStageBytes()),
                    mul(stage, idx(plan.bStageBytes())));
  // A is K-major: rows of 128 bytes, 8-row groups 1024 bytes apart. B is
  // K-major the same way (transpose_rhs), or MN-major in 64-column chunks of
  // BLOCK_K rows, 8 k-rows 1024 bytes apart.
  Value matA = matrixDescriptor(aBase, 16, 1024);
  Value matB = plan.kMajorB
                    ? matrixDescriptor(bBase, 16, 1024)
                    : matrixDescriptor(bBase, plan.bk * kSwizzleBytes, 1024);
  beginWgmma();
  SmallVector<Value> out;
  for (auto [slice, acc] : llvm::enumerate(accs)) {
    Value d = acc;
    for (int64_t k = 0; k < plan.bk / kStep; ++k) {
      int64_t aOffset = slice * kWarpgroupRows * kSwizzleBytes + k * 32;
      int64_t bOffset = plan.kMajorB ? k * 32 : k * kStep * kSwizzleBytes;
      d = wgmmaShared(d, matA, aOffset, matB, bOffset, plan.bn,
                      plan.operandType, plan.kMajorB);
    }
    out.push_back(d);
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
  // Wait until only this group is in flight: the previous k-block's stage
  // is no longer read.
  NVVM::WgmmaWaitGroupSyncOp::create(b, 1);
  return out;
}

void GemmEmitter::emitMainLoop() {
  int64_t rowsPerWg = plan.bm / plan.warpgroups;
  int64_t slices = rowsPerWg / kWarpgroupRows;
  // One m64nBLOCK_N accumulator per 64-row slice: BLOCK_N / 2 f32 a thread.
  accType = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(plan.bn / 2, b.getF32Type()));

  // Prologue: k-blocks 0 .. STAGES-2 in flight before the first wait.
  Value prologueEnd =
      arith::MinUIOp::create(b, numKBlocks, idx(plan.stages - 1));
  auto prologue = scf::ForOp::create(b, idx(0), prologueEnd, idx(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(prologue.getBody()->getTerminator());
    ifThen(isThread0, [&] { issueLoads(prologue.getInductionVar()); });
  }

  Value zero = LLVM::ZeroOp::create(b, accType);
  auto loop = scf::ForOp::create(b, idx(0), numKBlocks, idx(1),
                                 SmallVector<Value>(slices, zero));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kb = loop.getInductionVar();
    Value stage = rem(kb, idx(plan.stages));
    Value ticks = idx(kBarrierTicks);
    nvgpu::MBarrierTryWaitParityOp::create(
        b, full, parityBit(div(kb, idx(plan.stages))), ticks, stage);
    SmallVector<Value> next = emitWgmma(stage, loop.getRegionIterArgs());

    // The previous group is done: k-block kb-1's stage is free.
    Value notFirst = arith::CmpIOp::create(b, arith::CmpIPredicate::uge, kb,
                                           idx(1));
    ifThen(andi(notFirst, isWgLeader), [&] {
      Value prev = rem(arith::SubIOp::create(b, kb, idx(1)), idx(plan.stages));
      nvgpu::MBarrierArriveOp::create(
          b, nvgpu::MBarrierTokenType::get(ctx), empty, prev);
    });
    Value refill = add(kb, idx(plan.stages - 1));
    ifThen(andi(isThread0, ult(refill, numKBlocks)), [&] {
      ifThen(notFirst, [&] {
        // Wait until every warpgroup released k-block refill-STAGES.
        Value use = arith::SubIOp::create(b, div(refill, idx(plan.stages)),
                                          idx(1));
        nvgpu::MBarrierTryWaitParityOp::create(
            b, empty, parityBit(use), ticks, rem(refill, idx(plan.stages)));
      });
      issueLoads(refill);
    });
    scf::YieldOp::create(b, next);
  }
  accs.assign(loop.getResults().begin(), loop.getResults().end());
  NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
}

/// Writes this thread's accumulator fragments into the f32 staging buffer:
/// wgmma leaves them in the layout #tile.wgmma_acc, two adjacent columns a
/// register pair.
void GemmEmitter::storeFragments(Value staged) {
  auto layout = WgmmaAccLayoutAttr::get(ctx, plan.warpgroups);
  auto f32x2 = VectorType::get({2}, b.getF32Type());
  int64_t perSlice = plan.bn / 2;
  for (auto [slice, acc] : llvm::enumerate(accs)) {
    for (int64_t r = 0; r < perSlice; r += 2) {
      Value lo = LLVM::ExtractValueOp::create(b, acc, r);
      Value hi = LLVM::ExtractValueOp::create(b, acc, r + 1);
      Value pair = vector::FromElementsOp::create(b, f32x2, ValueRange{lo, hi});
      vector::StoreOp::create(
          b, pair, staged,
          coordinatesOf(layout, {plan.bm, plan.bn}, slice * perSlice + r),
          /*nontemporal=*/false, llvm::MaybeAlign(8));
    }
  }
}

LogicalResult GemmEmitter::emitEpilogue() {
  gpu::BarrierOp::create(b);
  Value staged = smemView(idx(0), {plan.bm, plan.bn}, b.getF32Type());
  storeFragments(staged);
  gpu::BarrierOp::create(b);

  int64_t chunksPerRow = plan.bn / kEpilogueVector;
  auto loop = scf::ForOp::create(b, tid, idx(plan.bm * chunksPerRow),
                                 idx(plan.threads()));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value i = loop.getInductionVar();
  Value r = div(i, idx(chunksPerRow));
  Value c = mul(rem(i, idx(chunksPerRow)), idx(kEpilogueVector));
  auto f32x8 = VectorType::get({kEpilogueVector}, b.getF32Type());
  // Rows of the staging buffer are 4 * BLOCK_N bytes and segments start at
  // multiples of 8 elements: 16-byte aligned.
  Value v = vector::LoadOp::create(b, f32x8, staged, ValueRange{r, c},
                                   /*nontemporal=*/false, llvm::MaybeAlign(16));

  IRMapping vmap = map;
  vmap.map(plan.loop.getResult(0), v);
  epilogueRow = add(map.lookup(plan.store.getIndices()[0]), r);
  epilogueCol = add(map.lookup(plan.store.getIndices()[1]), c);
  // Splats made before the loop that the epilogue uses (the accumulator's
  // start may be one): broadcast their scalars here.
  for (Operation *op : plan.prologue)
    if (auto splat = dyn_cast<SplatOp>(op);
        splat && llvm::any_of(splat->getUsers(), [&](Operation *user) {
          return user->getBlock() == &plan.kernel.getBody().front() &&
                 plan.loop->isBeforeInBlock(user);
        }))
      cloneVector(splat, vmap);
  for (Operation *op : plan.epilogue) {
    if (!hasTileResult(op)) {
      b.clone(*op, vmap);
      continue;
    }
    cloneVector(op, vmap);
  }
  Value out = vmap.lookup(plan.store.getValue());

  storeVectorChecked(out, map.lookup(plan.store.getDest()),
                     {epilogueRow, epilogueCol});
  return success();
}

LogicalResult GemmEmitter::emit() {
  aMapType = tensorMapType({plan.bm, plan.bk}, plan.operandType);
  bMapType = plan.kMajorB ? tensorMapType({plan.bn, plan.bk}, plan.operandType)
                          : tensorMapType({plan.bk, kChunkCols},
                                          plan.operandType);
  barrierType = nvgpu::MBarrierGroupType::get(ctx, smemSpace(), plan.stages);
  llvm::MapVector<Value, nvgpu::TensorMapDescriptorType> tensorMaps;
  tensorMaps[plan.lhs.getSource()] = aMapType;
  tensorMaps[plan.rhs.getSource()] = bMapType;
  createFunction(tensorMaps, plan.threads());
  descA = descriptors.lookup(plan.lhs.getSource());
  descB = descriptors.lookup(plan.rhs.getSource());
  wg = div(tid, idx(128));
  isThread0 = eq(tid, idx(0));
  isWgLeader = eq(rem(tid, idx(128)), idx(0));

  // The kernel's own index computations (program ids, offsets).
  for (Operation *op : plan.prologue)
    if (!isa<SplatOp>(op)) // tiles: the accumulator init, or epilogue operands
      emitScalarOp(op, map);
  m0 = map.lookup(plan.lhs.getIndices()[0]);
  n0 = map.lookup(plan.rhs.getIndices()[plan.kMajorB ? 0 : 1]);
  Value kExtent = map.lookup(plan.loop.getUpperBound());
  numKBlocks = arith::CeilDivUIOp::create(b, kExtent, idx(plan.bk));

  allocateSharedMemory();
  full = nvgpu::MBarrierCreateOp::create(b, barrierType);
  empty = nvgpu::MBarrierCreateOp::create(b, barrierType);
  for (int64_t s = 0; s < plan.stages; ++s) {
    nvgpu::MBarrierInitOp::create(b, full, idx(1), idx(s), isThread0);
    nvgpu::MBarrierInitOp::create(b, empty, idx(plan.warpgroups), idx(s),
                                  isThread0);
  }
  nvgpu::TmaPrefetchOp::create(b, descA, isThread0);
  nvgpu::TmaPrefetchOp::create(b, descB, isThread0);
  publishBarrierInits();

  emitMainLoop();
  if (failed(emitEpilogue()))
    return failure();
  gpu::ReturnOp::create(b);
  func->setAttr("tile.launch",
                launchAttr(plan.threads(), plan.sharedMemoryBytes()));
  return success();
}

} // namespace

LogicalResult mlir::tile::lowerGemmKernel(KernelOp kernel,
                                          gpu::GPUModuleOp gpuModule,
                                          const LoweringOptions &options) {
  auto plan = analyzeGemm(kernel);
  if (failed(plan))
    return failure();
  return GemmEmitter(*plan, gpuModule, options).emit();
}

/// The kernel's min_blocks_per_sm, as NVVM's `nvvm.minctasm` on `func`
/// (PTX `.minnctapersm`: ptxas caps each thread's registers so that that
/// many blocks fit on a multiprocessor).
static LogicalResult applyOccupancyHint(KernelOp kernel, gpu::GPUFuncOp func) {
  ExprAttr expr = kernel.getMinBlocksPerSmAttr();
  if (!expr || !func)
    return success();
  auto blocks =
      evalKernelExpr(kernel, expr, configBindings(kernel), 1, "min_blocks_per_sm");
  if (failed(blocks))
    return failure();
  // An SM runs at most 32 blocks (sm_90).
  if (*blocks < 1 || *blocks > 32)
    return kernel.emitOpError() << "min_blocks_per_sm = " << *blocks
                                << " must be between 1 and 32";
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
    } else if (!testMutation.empty()) {
      module.emitError() << "unknown test-mutation '" << testMutation
                         << "' (known: store-past-end, convert-as-identity)";
      return signalPassFailure();
    }
    SmallVector<KernelOp> kernels(module.getOps<KernelOp>());
    if (kernels.empty())
      return;
    auto target = GpuTarget::parse(chip, features,
                                   [&] { return module.emitError(); });
    if (failed(target))
      return signalPassFailure();
    // Both lowerings (GEMM and attention) emit TMA, mbarriers and wgmma.
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
      // Kernels without tile.dot are lowered op by op (tiles in registers,
      // DistributedLowering.cpp). Two chained tile.dots (S = Q Kᵀ feeding
      // O += P V) take the attention lowering; one the GEMM lowering, which
      // explains what it does not support. Those two still match a kernel
      // shape (issue 11: they are to become ordinary op patterns too).
      // Dots whose operands tile-assign-layouts staged in #tile.shared
      // (its op-level-dots option) are lowered op by op as well.
      int64_t dots = 0;
      bool staged = false;
      kernel.walk([&](DotOp dot) {
        ++dots;
        staged |= isa_and_nonnull<SharedLayoutAttr>(
            dot.getLhs().getType().getEncoding());
      });
      LogicalResult lowered =
          dots == 0 || staged
              ? lowerDistributedKernel(kernel, gpuModule, options)
          : dots == 2 ? lowerAttentionKernel(kernel, gpuModule, options)
                      : lowerGemmKernel(kernel, gpuModule, options);
      if (failed(lowered) ||
          failed(applyOccupancyHint(kernel, gpuModule.lookupSymbol<gpu::GPUFuncOp>(
                                                kernel.getSymName()))))
        return signalPassFailure();
      kernel.erase();
    }
  }
};

} // namespace
