//===- AttentionLowering.cpp - two chained tile.dots on sm_90a ------------===//
//
// The attention shape of convert-tile-to-nvgpu: a kernel whose loop computes
// S = Q·Kᵀ with one tile.dot (Q loaded before the loop, K in it, transpose_rhs)
// and accumulates O += P·V with a second (P computed from S in the loop, V
// loaded in it), as flash attention does. What happens between the two dots
// (scaling, masks, online softmax) is the kernel's own code: this lowering
// runs it on the registers of the wgmma accumulators.
//
//   Q            one TMA load per 64-column chunk before the loop
//   K, V         TMA loads into STAGES shared-memory stages, on separate
//                "K full" and "V full" mbarriers, refilled by thread 0 one
//                block ahead of the slowest warpgroup ("empty" mbarriers)
//   S = Q·Kᵀ     wgmma m64nBLOCK_Nk16, both operands in shared memory
//   P·V          wgmma m64nDk16 with A = P from registers: the accumulator
//                layout of S is the register-A layout of the next wgmma, so
//                P needs no shared memory (FlashAttention-3's observation)
//   epilogue     the kernel's elementwise ops on O's fragments, then through
//                shared memory to 16-byte stores with bounds checks
//
// Tiles are held as fragments: each thread keeps its elements of a
// BLOCK_M x N tile in the wgmma accumulator layout, and its two rows of a
// BLOCK_M vector. Elementwise ops run per element, tile.reduce along rows
// combines a thread's elements and then the four lanes of a quad (which hold
// the same rows) with xor shuffles, tile.broadcast along rows reads the
// thread's row values.
//
// Integer and i1 tiles (tile.iota, offsets, comparisons: the masks) are not
// computed eagerly. An arith.select on such a mask first asks, at run time,
// whether the mask is all true over the block, which it can answer from the
// affine form of the compared indices (row + offset, column + offset); only
// blocks where it is not (the last key block, the causal diagonal) compute
// the mask per element.
//
//===----------------------------------------------------------------------===//

#include "KernelEmitter.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <functional>

using namespace mlir;
using namespace mlir::tile;
using namespace mlir::tile::lowering;

namespace {

/// What the lowering needs to know about an attention-shaped kernel.
struct AttentionPlan {
  KernelOp kernel;
  scf::ForOp loop;
  DotOp scoreDot, valueDot; // S = Q Kᵀ and O += P V
  LoadOp q, k, v;
  StoreOp store;
  Type operandType;
  int64_t bm = 0, bn = 0, d = 0, stages = 0, warpgroups = 0;

  int64_t threads() const { return warpgroups * 128; }
  int64_t rowsPerWarpgroup() const { return bm / warpgroups; }
  int64_t slices() const { return rowsPerWarpgroup() / kWarpgroupRows; }
  int64_t elemBytes() const { return operandType.getIntOrFloatBitWidth() / 8; }
  bool fp8() const { return isFloat8(operandType); }
  /// Q, K and V rows are stored in chunks of `rowSwizzle()` bytes (128, or
  /// 64 for fp8 with D = 64), swizzled over that span as TMA writes them.
  int64_t rowSwizzle() const {
    return std::min(kSwizzleBytes, d * elemBytes());
  }
  int64_t chunkCols() const { return rowSwizzle() / elemBytes(); }
  int64_t chunks() const { return d / chunkCols(); }
  int64_t qBytes() const { return bm * d * elemBytes(); }
  int64_t kvStageBytes() const { return bn * d * elemBytes(); }
  int64_t kOffset() const { return qBytes(); } // K stage 0
  int64_t vOffset() const { return qBytes() + stages * kvStageBytes(); }
  /// fp8 only: Vᵀ, D rows of BLOCK_N key bytes in chunks of `vtSwizzle()`
  /// keys, in two buffers (one per block parity).
  int64_t vtSwizzle() const { return std::min(kSwizzleBytes, bn); }
  /// Whole chunks: with BLOCK_N = 160 or 192 the last chunk's rows hold
  /// fewer keys than its swizzle span but still span it.
  int64_t vtBytes() const {
    return fp8() ? d * llvm::alignTo(bn, vtSwizzle()) : 0;
  }
  int64_t vtOffset() const { return vOffset() + stages * kvStageBytes(); }
  int64_t sharedMemoryBytes() const {
    int64_t pipeline = qBytes() + 2 * stages * kvStageBytes() + 2 * vtBytes();
    int64_t staging = bm * d * 4; // the output tile, at most f32
    return std::max(pipeline, staging) + kSharedMemorySlack;
  }
};

/// The 16-byte unit that byte row `row` of a `span`-byte swizzled region
/// XORs its unit index with (TMA's and wgmma's swizzle: address bits
/// [4, 4 + log2(span / 16)) ^= bits [7, ...)).
int64_t swizzleMask(int64_t span) { return span / 16 - 1; }


/// Checks a TMA-streamed load: a tensor argument of the kernel with
/// contiguous rows, read from column 0 with `rowIndex` as its row offset.
LogicalResult checkStreamedLoad(KernelOp kernel, LoadOp load, StringRef role) {
  auto arg = dyn_cast<BlockArgument>(load.getSource());
  auto memref = dyn_cast<MemRefType>(load.getSource().getType());
  if (!arg || arg.getOwner()->getParentOp() != kernel || !memref ||
      memref.getRank() < 2)
    return load.emitOpError() << "(" << role
                              << ") must read a tensor argument of the kernel "
                                 "of rank 2 or more";
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(memref.getStridesAndOffset(strides, offset)) ||
      strides.back() != 1)
    return load.emitOpError() << "(" << role
                              << ") source rows must be contiguous (stride 1 "
                                 "in the last dimension) for TMA";
  auto col = constantIndex(load.getIndices().back());
  if (!col || *col != 0)
    return load.emitOpError() << "(" << role
                              << ") must start at column 0: the attention "
                                 "lowering loads whole rows of the head "
                                 "dimension";
  if (load.getType().getRank() != 2)
    return load.emitOpError() << "(" << role << ") must load a 2-d tile";
  return success();
}

FailureOr<AttentionPlan> analyzeAttention(KernelOp kernel) {
  AttentionPlan plan;
  plan.kernel = kernel;
  auto shape = launchShape(kernel, /*minStages=*/1);
  if (failed(shape))
    return failure();
  plan.warpgroups = shape->warpgroups;
  plan.stages = shape->stages;

  SmallVector<DotOp> dots;
  kernel.walk([&](DotOp d) { dots.push_back(d); });
  assert(dots.size() == 2 && "dispatched on two dots");
  plan.loop = dyn_cast<scf::ForOp>(dots[0]->getParentOp());
  if (!plan.loop || plan.loop->getParentOp() != kernel ||
      dots[1]->getParentOp() != plan.loop)
    return dots[0].emitOpError()
           << "and the other tile.dot must both be directly inside one scf.for "
              "at the top level of the kernel for the attention lowering";
  scf::ForOp loop = plan.loop;
  plan.scoreDot = dots[0];
  plan.valueDot = dots[1];
  if (!plan.scoreDot.getTransposeRhs() || plan.valueDot.getTransposeRhs())
    return plan.scoreDot.emitOpError()
           << "the attention lowering expects S = Q·Kᵀ first (transpose_rhs) "
              "and then O += P·V (no transpose_rhs)";

  plan.q = plan.scoreDot.getLhs().getDefiningOp<LoadOp>();
  plan.k = plan.scoreDot.getRhs().getDefiningOp<LoadOp>();
  plan.v = plan.valueDot.getRhs().getDefiningOp<LoadOp>();
  if (!plan.q || plan.q->getParentOp() != kernel)
    return plan.scoreDot.emitOpError()
           << "lhs must be a tile.load before the loop (Q, read once)";
  if (!plan.k || plan.k->getParentOp() != loop || !plan.v ||
      plan.v->getParentOp() != loop)
    return plan.scoreDot.emitOpError()
           << "rhs operands of both tile.dots must be tile.loads inside the "
              "loop (K and V, streamed by TMA)";
  if (plan.valueDot.getLhs().getDefiningOp<LoadOp>())
    return plan.valueDot.emitOpError()
           << "lhs must be computed in the loop (P); a loaded lhs is a GEMM";
  if (failed(checkStreamedLoad(kernel, plan.q, "Q")) ||
      failed(checkStreamedLoad(kernel, plan.k, "K")) ||
      failed(checkStreamedLoad(kernel, plan.v, "V")))
    return failure();
  Value iv = loop.getInductionVar();
  for (LoadOp load : {plan.k, plan.v}) {
    auto indices = load.getIndices();
    if (indices[indices.size() - 2] != iv)
      return load.emitOpError()
             << "must be indexed by the loop's induction variable in its row "
                "dimension ([..., %n, 0])";
    for (Value index : indices.drop_back(2))
      if (!loop.isDefinedOutsideOfLoop(index))
        return load.emitOpError() << "leading indices must not change in the "
                                     "loop";
  }

  auto qType = plan.q.getType(), kType = plan.k.getType(),
       vType = plan.v.getType();
  plan.operandType = qType.getElementType();
  if (!wgmmaOperandType(plan.operandType))
    return plan.scoreDot.emitOpError()
           << "operands of type " << plan.operandType
           << " are not supported by the attention lowering (bf16, f16, "
              "f8E4M3FN, f8E5M2: the wgmma operand types)";
  if (kType.getElementType() != plan.operandType ||
      vType.getElementType() != plan.operandType ||
      cast<RankedTensorType>(plan.valueDot.getLhs().getType())
              .getElementType() != plan.operandType)
    return plan.valueDot.emitOpError()
           << "all operands must have one element type (" << plan.operandType
           << ")";
  plan.bm = qType.getDimSize(0);
  plan.d = qType.getDimSize(1);
  plan.bn = kType.getDimSize(0);
  if (kType.getDimSize(1) != plan.d || vType.getShape() != kType.getShape())
    return plan.valueDot.emitOpError()
           << "K and V tiles must both be BLOCK_N x D with Q's D";
  if (plan.d % 64 != 0 || plan.d > 256)
    return plan.scoreDot.emitOpError()
           << "head dimension D = " << plan.d
           << " must be a multiple of 64, at most 256, for the attention "
              "lowering";
  if (plan.bn % 16 != 0 || plan.bn < 16 || plan.bn > 256)
    return plan.scoreDot.emitOpError()
           << "BLOCK_N = " << plan.bn
           << " must be a multiple of 16 in [16, 256] (the n of one wgmma and "
              "whole k-steps of the second)";
  if (plan.fp8() && plan.bn % 32 != 0)
    return plan.scoreDot.emitOpError()
           << "BLOCK_N = " << plan.bn
           << " must be a multiple of 32 for fp8 operands (P·V takes 32 keys "
              "a wgmma)";
  if (plan.bm % (kWarpgroupRows * plan.warpgroups) != 0 ||
      plan.slices() > 2)
    return plan.scoreDot.emitOpError()
           << "BLOCK_M = " << plan.bm << " must be 64 or 128 rows per "
           << "warpgroup (" << plan.warpgroups << " warpgroups)";

  // In flight at once: every slice's S accumulator, or O's with P (two
  // 16-bit or four 8-bit values a register).
  int64_t pRegs = plan.bn / 2 / (4 / plan.elemBytes());
  int64_t inFlight = plan.slices() * std::max(plan.bn / 2, plan.d / 2 + pRegs);
  if (failed(checkRegisterBudget(plan.scoreDot, plan.threads(), inFlight,
                                 "the S (BLOCK_M x BLOCK_N) or O (BLOCK_M x "
                                 "D) accumulators")))
    return failure();

  auto lb = constantIndex(loop.getLowerBound());
  auto step = constantIndex(loop.getStep());
  if (!lb || *lb != 0 || !step || *step != plan.bn)
    return loop.emitOpError() << "must run from 0 with step BLOCK_N ("
                              << plan.bn << ") for the attention lowering";
  for (Value init : loop.getInitArgs())
    if (isTile(init.getType()) &&
        cast<RankedTensorType>(init.getType()).getDimSize(0) != plan.bm)
      return loop.emitOpError() << "carries a tile whose rows are not the "
                                   "BLOCK_M query rows";

  // One tile.store after the loop, where Q came from; no other loads.
  for (Operation &op : kernel.getBody().front()) {
    if (auto store = dyn_cast<StoreOp>(op)) {
      if (plan.store || op.isBeforeInBlock(loop))
        return op.emitOpError() << "the attention lowering writes one output "
                                   "tile, after the loop";
      plan.store = store;
    }
  }
  WalkResult stray = kernel.walk([&](Operation *op) {
    if ((isa<LoadOp>(op) && op != plan.q && op != plan.k && op != plan.v) ||
        (isa<StoreOp>(op) && op != plan.store)) {
      op->emitOpError() << "is not supported by the attention lowering (it "
                           "loads Q, K, V and stores one output tile)";
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (stray.wasInterrupted())
    return failure();
  if (!plan.store)
    return kernel.emitOpError() << "stores no tile";
  auto destType = dyn_cast<MemRefType>(plan.store.getDest().getType());
  auto qSourceType = cast<MemRefType>(plan.q.getSource().getType());
  if (!isa<BlockArgument>(plan.store.getDest()) || !destType ||
      destType.getRank() != qSourceType.getRank() ||
      plan.store.getIndices() != plan.q.getIndices() ||
      plan.store.getValue().getType().getShape() != qType.getShape())
    return plan.store.emitOpError()
           << "must write a BLOCK_M x D tile into a tensor argument at Q's "
              "indices";
  {
    int64_t offset;
    SmallVector<int64_t> strides;
    if (failed(destType.getStridesAndOffset(strides, offset)) ||
        strides.back() != 1)
      return plan.store.emitOpError()
             << "destination rows must be contiguous (stride 1 in the last "
                "dimension)";
  }
  for (LoadOp load : {plan.q, plan.k, plan.v})
    if (plan.store.getDest() == load.getSource())
      return plan.store.emitOpError()
             << "writes a tensor the kernel also loads; the output needs its "
                "own argument";
  if (plan.sharedMemoryBytes() > kMaxSharedMemory)
    return kernel.emitOpError()
           << "needs " << plan.sharedMemoryBytes()
           << " bytes of shared memory, more than the " << kMaxSharedMemory
           << " a block may use on sm_90; lower num_stages or the block sizes";
  return plan;
}

/// This thread's share of a tile (see the file comment): BLOCK_M x cols
/// tiles in the layout #tile.wgmma_acc (element slice * cols/2 + 4j + 2h + e
/// is in 64-row slice `slice`, 8-column group j, row half h), BLOCK_M
/// vectors (cols == 0) in its slice along dimension 1 (element slice * 2 +
/// h). AttentionEmitter::accLayout and rowLayout say where they are.
struct Fragment {
  /// A std::vector: its storage stays put when the map holding it grows.
  std::vector<Value> elems;
  int64_t cols = 0;
};

/// An integer tile as an affine function of the block's row and column
/// index: rowCoeff * row + colCoeff * col + offset (offset a scalar).
struct AffineIndex {
  int64_t rowCoeff = 0, colCoeff = 0;
  Value offset; // i32 or index; null means 0
};

class AttentionEmitter : KernelEmitter {
public:
  AttentionEmitter(AttentionPlan &plan, gpu::GPUModuleOp gpuModule,
                   const LoweringOptions &options)
      : KernelEmitter(plan.kernel, gpuModule, options), plan(plan) {}

  LogicalResult emit();

private:
  int64_t count(int64_t cols) const {
    return plan.slices() * (cols ? cols / 2 : 2);
  }
  int64_t colsOf(Value tile) const {
    auto type = cast<RankedTensorType>(tile.getType());
    return type.getRank() == 2 ? type.getDimSize(1) : 0;
  }
  /// Whether `v` is an integer or i1 tile, computed on demand.
  bool isLazy(Value v) const {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && isa<IntegerType, IndexType>(type.getElementType()) &&
           !fragments.count(v);
  }

  void loadBox(LoadOp load, Value group, Value index, int64_t smemOffset,
               Value smemStageOffset, int64_t rows, Value row);
  void issueKV(Value block);
  LogicalResult emitOp(Operation *op);
  FailureOr<ArrayRef<Value>> elementsOf(Value tile);
  Value elementAt(Value tile, int64_t i, int64_t cols);
  Value rowIndex(int64_t i, int64_t cols);
  Value colIndex(int64_t i, int64_t cols);
  std::optional<AffineIndex> affineIndex(Value tile);
  Value allTrue(Value mask);
  LogicalResult emitSelect(arith::SelectOp op);
  LogicalResult emitElementwise(Operation *op);
  Value emitScalarClone(Operation *op, ArrayRef<Value> operands);
  LogicalResult emitReduce(ReduceOp op);
  Value packAccumulator(ArrayRef<Value> elems, int64_t slice, int64_t cols);
  void unpackAccumulator(Value acc, int64_t cols, std::vector<Value> &out);
  LogicalResult emitScoreDot(DotOp op);
  LogicalResult emitValueDot(DotOp op);
  LogicalResult emitValueDotFp8(DotOp op);
  void issueRegisterAWgmmas(DotOp op, ArrayRef<Value> accElems,
                            ArrayRef<SmallVector<Value>> aRegs,
                            int64_t kSteps, StringRef shapeAndTypes,
                            StringRef immediates, Value matB,
                            function_ref<int64_t(int64_t)> bOffset);
  void transposeV(Value vBase, Value vtBase);
  Value vtBase();
  void prepareVt();
  Value packBytes(ArrayRef<Value> bytes);
  LogicalResult emitStore(StoreOp op);
  LogicalResult emitLoop();

  AttentionPlan &plan;
  Value qFull, kFull, vFull, empty;
  /// fp8: Vᵀ buffer `block % 2` is complete (every thread arrives).
  Value vtFull;
  Value wg, isThread0, isWgLeader;
  Value stage, phase, numBlocks, block;
  DenseMap<Value, Fragment> fragments;
  /// Per-element values of lazy tiles materialized at the current point.
  DenseMap<std::pair<Value, int64_t>, Value> lazyCache;
  /// Lazy tiles materialized into `fragments` while emitting the loop body.
  SmallVector<Value> materializedInLoop;
  bool inLoop = false;
  /// Where fragments' elements are (see Fragment).
  WgmmaAccLayoutAttr accLayout;
  SliceLayoutAttr rowLayout;
};

/// TMA of the `rows x D` tile that `load` reads, starting at `row`, into
/// shared memory at `smemOffset + smemStageOffset` as D/64 swizzled chunks,
/// completing on barrier `index` of `group`.
void AttentionEmitter::loadBox(LoadOp load, Value group, Value index,
                               int64_t smemOffset, Value smemStageOffset,
                               int64_t rows, Value row) {
  nvgpu::MBarrierArriveExpectTxOp::create(
      b, group, idx(rows * plan.d * plan.elemBytes()), index, Value());
  auto indices = load.getIndices();
  int64_t rank = indices.size();
  SmallVector<int64_t> box(rank, 1);
  box[rank - 2] = rows;
  box[rank - 1] = plan.chunkCols();
  for (int64_t c = 0; c < plan.chunks(); ++c) {
    Value view = smemView(add(smemStageOffset,
                              idx(smemOffset + c * rows * plan.rowSwizzle())),
                          box, plan.operandType);
    // TMA coordinates run innermost dimension first.
    SmallVector<Value> coords = {idx(c * plan.chunkCols()), row};
    for (int64_t i = rank - 3; i >= 0; --i)
      coords.push_back(map.lookup(indices[i]));
    nvgpu::TmaAsyncLoadOp::create(b, view, group,
                                  descriptors.lookup(load.getSource()), coords,
                                  index, Value(), Value());
  }
}

void AttentionEmitter::issueKV(Value block) {
  Value s = rem(block, idx(plan.stages));
  Value stageOffset = mul(s, idx(plan.kvStageBytes()));
  Value row = mul(block, idx(plan.bn));
  loadBox(plan.k, kFull, s, plan.kOffset(), stageOffset, plan.bn, row);
  loadBox(plan.v, vFull, s, plan.vOffset(), stageOffset, plan.bn, row);
}

/// Row of element `i` of a fragment with `cols` columns, in the block.
Value AttentionEmitter::rowIndex(int64_t i, int64_t cols) {
  if (cols == 0)
    return coordinatesOf(rowLayout, {plan.bm}, i)[0];
  return coordinatesOf(accLayout, {plan.bm, cols}, i)[0];
}

Value AttentionEmitter::colIndex(int64_t i, int64_t cols) {
  return coordinatesOf(accLayout, {plan.bm, cols}, i)[1];
}

FailureOr<ArrayRef<Value>> AttentionEmitter::elementsOf(Value tile) {
  auto it = fragments.find(tile);
  if (it != fragments.end())
    return ArrayRef<Value>(it->second.elems);
  if (!isLazy(tile))
    return failure();
  Fragment f;
  f.cols = colsOf(tile);
  for (int64_t i = 0, n = count(f.cols); i < n; ++i) {
    Value e = elementAt(tile, i, f.cols);
    if (!e)
      return failure();
    f.elems.push_back(e);
  }
  if (inLoop)
    materializedInLoop.push_back(tile);
  Fragment &slot = fragments[tile];
  slot = std::move(f);
  return ArrayRef<Value>(slot.elems);
}

/// Element `i` of lazy tile `tile`, computed from its defining ops.
Value AttentionEmitter::elementAt(Value tile, int64_t i, int64_t cols) {
  if (auto it = fragments.find(tile); it != fragments.end())
    return it->second.elems[i];
  if (Value cached = lazyCache.lookup({tile, i}))
    return cached;
  Operation *def = tile.getDefiningOp();
  Type elt = cast<RankedTensorType>(tile.getType()).getElementType();
  Value result;
  if (auto splat = dyn_cast_or_null<SplatOp>(def)) {
    result = map.lookup(splat.getValue());
  } else if (auto iota = dyn_cast_or_null<IotaOp>(def)) {
    Value index = iota.getDim() == 0 ? rowIndex(i, cols) : colIndex(i, cols);
    result = isa<IndexType>(elt)
                 ? index
                 : arith::IndexCastOp::create(b, elt, index).getResult();
  } else if (def && def->hasTrait<OpTrait::Elementwise>() &&
             def->getNumRegions() == 0 && def->getNumResults() == 1) {
    SmallVector<Value> operands;
    for (Value operand : def->getOperands()) {
      Value e = isTile(operand.getType()) ? elementAt(operand, i, cols)
                                          : map.lookup(operand);
      if (!e)
        return Value();
      operands.push_back(e);
    }
    result = emitScalarClone(def, operands);
  } else {
    if (def)
      def->emitOpError() << "is not supported on integer tiles by the "
                            "attention lowering";
    return Value();
  }
  lazyCache[{tile, i}] = result;
  return result;
}

std::optional<AffineIndex> AttentionEmitter::affineIndex(Value tile) {
  Operation *def = tile.getDefiningOp();
  if (auto splat = dyn_cast_or_null<SplatOp>(def))
    return AffineIndex{0, 0, map.lookup(splat.getValue())};
  if (auto iota = dyn_cast_or_null<IotaOp>(def))
    return AffineIndex{iota.getDim() == 0 ? 1 : 0, iota.getDim() == 1 ? 1 : 0,
                       Value()};
  if (auto addi = dyn_cast_or_null<arith::AddIOp>(def)) {
    auto lhs = affineIndex(addi.getLhs()), rhs = affineIndex(addi.getRhs());
    if (!lhs || !rhs)
      return std::nullopt;
    Value offset = !lhs->offset   ? rhs->offset
                   : !rhs->offset ? lhs->offset
                                  : arith::AddIOp::create(b, lhs->offset,
                                                          rhs->offset)
                                        .getResult();
    return AffineIndex{lhs->rowCoeff + rhs->rowCoeff,
                       lhs->colCoeff + rhs->colCoeff, offset};
  }
  return std::nullopt;
}

/// An i1 that is true only if every element of the BLOCK_M x BLOCK_N `mask`
/// is true (false when that cannot be decided cheaply).
Value AttentionEmitter::allTrue(Value mask) {
  auto i1 = b.getI1Type();
  auto constant = [&](bool v) {
    return arith::ConstantIntOp::create(b, i1, v).getResult();
  };
  // (all true, all false) of a mask, as run-time i1 values.
  std::function<std::pair<Value, Value>(Value)> bounds =
      [&](Value m) -> std::pair<Value, Value> {
    Operation *def = m.getDefiningOp();
    if (auto splat = dyn_cast_or_null<SplatOp>(def)) {
      Value c = map.lookup(splat.getValue());
      return {c, arith::XOrIOp::create(b, c, constant(true))};
    }
    auto lhsRhs = [&]() {
      return std::make_pair(bounds(def->getOperand(0)),
                            bounds(def->getOperand(1)));
    };
    if (isa_and_nonnull<arith::AndIOp>(def)) {
      auto [x, y] = lhsRhs();
      return {arith::AndIOp::create(b, x.first, y.first),
              arith::OrIOp::create(b, x.second, y.second)};
    }
    if (isa_and_nonnull<arith::OrIOp>(def)) {
      auto [x, y] = lhsRhs();
      return {arith::OrIOp::create(b, x.first, y.first),
              arith::AndIOp::create(b, x.second, y.second)};
    }
    if (isa_and_nonnull<arith::XOrIOp>(def)) {
      auto [x, y] = lhsRhs();
      Value tf = arith::AndIOp::create(b, x.first, y.second);
      Value ft = arith::AndIOp::create(b, x.second, y.first);
      Value tt = arith::AndIOp::create(b, x.first, y.first);
      Value ff = arith::AndIOp::create(b, x.second, y.second);
      return {arith::OrIOp::create(b, tf, ft), arith::OrIOp::create(b, tt, ff)};
    }
    if (auto cmp = dyn_cast_or_null<arith::CmpIOp>(def)) {
      auto lhs = affineIndex(cmp.getLhs()), rhs = affineIndex(cmp.getRhs());
      using P = arith::CmpIPredicate;
      P pred = cmp.getPredicate();
      if (!lhs || !rhs ||
          !llvm::is_contained({P::slt, P::sle, P::sgt, P::sge}, pred))
        return {constant(false), constant(false)};
      // diff = lhs - rhs = dr * row + dc * col + (offL - offR) over the block.
      Type type = lhs->offset   ? lhs->offset.getType()
                  : rhs->offset ? rhs->offset.getType()
                                : Type(b.getI32Type());
      auto cst = [&](int64_t v) -> Value {
        if (isa<IndexType>(type))
          return idx(v);
        return arith::ConstantIntOp::create(b, type, v);
      };
      Value base = arith::SubIOp::create(b, lhs->offset ? lhs->offset : cst(0),
                                         rhs->offset ? rhs->offset : cst(0));
      int64_t dr = lhs->rowCoeff - rhs->rowCoeff;
      int64_t dc = lhs->colCoeff - rhs->colCoeff;
      int64_t cols = colsOf(cmp.getLhs());
      int64_t lo = std::min<int64_t>(0, dr * (plan.bm - 1)) +
                   std::min<int64_t>(0, dc * (cols - 1));
      int64_t hi = std::max<int64_t>(0, dr * (plan.bm - 1)) +
                   std::max<int64_t>(0, dc * (cols - 1));
      Value minDiff = arith::AddIOp::create(b, base, cst(lo));
      Value maxDiff = arith::AddIOp::create(b, base, cst(hi));
      auto holds = [&](P p, Value diff) {
        return arith::CmpIOp::create(b, p, diff, cst(0)).getResult();
      };
      switch (pred) {
      case P::slt: // diff < 0
        return {holds(P::slt, maxDiff), holds(P::sge, minDiff)};
      case P::sle:
        return {holds(P::sle, maxDiff), holds(P::sgt, minDiff)};
      case P::sgt:
        return {holds(P::sgt, minDiff), holds(P::sle, maxDiff)};
      default: // sge
        return {holds(P::sge, minDiff), holds(P::slt, maxDiff)};
      }
    }
    return {constant(false), constant(false)};
  };
  return bounds(mask).first;
}

/// `select mask, x, y` with a lazy mask: x as is when the mask is all true
/// over the block, else per element.
LogicalResult AttentionEmitter::emitSelect(arith::SelectOp op) {
  Value cond = op.getCondition();
  if (!isTile(cond.getType()) || !isLazy(cond))
    return emitElementwise(op);
  auto trueElems = elementsOf(op.getTrueValue());
  auto falseElems = elementsOf(op.getFalseValue());
  if (failed(trueElems) || failed(falseElems))
    return op.emitOpError() << "operands are not available as fragments";
  int64_t cols = colsOf(op.getResult());
  SmallVector<Type> types(trueElems->size(),
                          getElementTypeOrSelf(op.getResult().getType()));
  auto ifOp = scf::IfOp::create(b, types, allTrue(cond), /*else=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    scf::YieldOp::create(b, *trueElems);
    b.setInsertionPointToStart(ifOp.elseBlock());
    lazyCache.clear();
    SmallVector<Value> selected;
    for (int64_t i = 0, n = trueElems->size(); i < n; ++i) {
      Value c = elementAt(cond, i, cols);
      if (!c)
        return failure();
      selected.push_back(
          arith::SelectOp::create(b, c, (*trueElems)[i], (*falseElems)[i]));
    }
    scf::YieldOp::create(b, selected);
    lazyCache.clear();
  }
  Fragment f;
  f.cols = cols;
  f.elems.assign(ifOp.getResults().begin(), ifOp.getResults().end());
  fragments[op.getResult()] = std::move(f);
  return success();
}

/// `op` on scalars: math.exp2 of f32 as the approximate ex2 of the SFU
/// (what flash-attention kernels use), anything else cloned.
Value AttentionEmitter::emitScalarClone(Operation *op,
                                        ArrayRef<Value> operands) {
  if (isa<math::Exp2Op>(op) && operands[0].getType().isF32())
    return LLVM::CallIntrinsicOp::create(
               b, b.getF32Type(), b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f32"),
               operands)
        .getResult(0);
  OperationState state(op->getLoc(), op->getName());
  state.addOperands(operands);
  for (Type t : op->getResultTypes())
    state.addTypes(getElementTypeOrSelf(t));
  state.addAttributes(op->getAttrs());
  return b.create(state)->getResult(0);
}

LogicalResult AttentionEmitter::emitElementwise(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0)
    return op->emitOpError() << "is not supported by the attention lowering";
  Value result = op->getResult(0);
  int64_t cols = colsOf(result);
  SmallVector<ArrayRef<Value>> tileOperands;
  for (Value operand : op->getOperands()) {
    if (!isTile(operand.getType())) {
      tileOperands.push_back({});
      continue;
    }
    auto elems = elementsOf(operand);
    if (failed(elems))
      return op->emitOpError() << "operand is not available as a fragment";
    tileOperands.push_back(*elems);
  }
  Fragment f;
  f.cols = cols;
  if (auto trunc = dyn_cast<arith::TruncFOp>(op);
      trunc && isFloat8(getElementTypeOrSelf(trunc.getType())) &&
      getElementTypeOrSelf(trunc.getIn().getType()).isF32()) {
    SmallVector<Value> rounded = truncToFloat8(
        tileOperands[0], getElementTypeOrSelf(trunc.getType()));
    f.elems.assign(rounded.begin(), rounded.end());
    fragments[result] = std::move(f);
    return success();
  }
  for (int64_t i = 0, n = count(cols); i < n; ++i) {
    SmallVector<Value> operands;
    for (auto [operand, elems] : llvm::zip(op->getOperands(), tileOperands))
      operands.push_back(elems.empty() ? map.lookup(operand) : elems[i]);
    f.elems.push_back(emitScalarClone(op, operands));
  }
  fragments[result] = std::move(f);
  return success();
}

/// Row-wise reduction: a tree over the thread's elements of each row, then
/// across the quad of lanes that share the row.
LogicalResult AttentionEmitter::emitReduce(ReduceOp op) {
  if (op.getDim() != 1 || op.getInput().getType().getRank() != 2)
    return op.emitOpError() << "the attention lowering reduces along rows "
                               "(dim 1 of a 2-d tile) only";
  auto elems = elementsOf(op.getInput());
  if (failed(elems))
    return op.emitOpError() << "operand is not available as a fragment";
  Type elt = op.getInput().getType().getElementType();
  if (!isa<FloatType>(elt))
    return op.emitOpError() << "the attention lowering reduces float tiles";
  auto combine = [&](Value x, Value y) -> Value {
    switch (op.getKind()) {
    case ReduceKind::sum:
      return arith::AddFOp::create(b, x, y);
    case ReduceKind::max:
      return arith::MaximumFOp::create(b, x, y);
    case ReduceKind::min:
      return arith::MinimumFOp::create(b, x, y);
    }
    llvm_unreachable("reduce kind");
  };
  int64_t cols = colsOf(op.getInput());
  Fragment f;
  for (int64_t slice = 0; slice < plan.slices(); ++slice) {
    for (int64_t half = 0; half < 2; ++half) {
      SmallVector<Value> row;
      for (int64_t j = 0; j < cols / 8; ++j)
        for (int64_t e = 0; e < 2; ++e)
          row.push_back((*elems)[slice * cols / 2 + 4 * j + 2 * half + e]);
      while (row.size() > 1) {
        SmallVector<Value> next;
        for (size_t i = 0; i + 1 < row.size(); i += 2)
          next.push_back(combine(row[i], row[i + 1]));
        if (row.size() % 2)
          next.push_back(row.back());
        row = std::move(next);
      }
      Value value = row.front();
      for (int32_t offset : {1, 2})
        value = combine(value, gpu::ShuffleOp::create(b, value, offset, 32,
                                                      gpu::ShuffleMode::XOR)
                                   .getShuffleResult());
      f.elems.push_back(value);
    }
  }
  fragments[op.getResult()] = std::move(f);
  return success();
}

Value AttentionEmitter::packAccumulator(ArrayRef<Value> elems, int64_t slice,
                                        int64_t cols) {
  auto type = LLVM::LLVMStructType::getLiteral(
      ctx, SmallVector<Type>(cols / 2, b.getF32Type()));
  Value acc = LLVM::UndefOp::create(b, type);
  for (int64_t i = 0; i < cols / 2; ++i)
    acc = LLVM::InsertValueOp::create(b, acc, elems[slice * cols / 2 + i], i);
  return acc;
}

void AttentionEmitter::unpackAccumulator(Value acc, int64_t cols,
                                         std::vector<Value> &out) {
  for (int64_t i = 0; i < cols / 2; ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, acc, i));
}

/// S = Q·Kᵀ (+ acc): both operands K-major in shared memory, in 64-column
/// (128-byte) chunks; 16 columns of D per wgmma.
LogicalResult AttentionEmitter::emitScoreDot(DotOp op) {
  if (!op.getType().getElementType().isF32())
    return op.emitOpError() << "accumulator must be f32";
  waitBarrier(kFull, stage, phase);
  // A zero splat accumulator needs no registers: scale-d = 0 on the first
  // wgmma ignores the input.
  bool zeroInit = false;
  if (auto splat = op.getAcc().getDefiningOp<SplatOp>())
    if (auto c = splat.getValue().getDefiningOp<arith::ConstantFloatOp>())
      zeroInit = c.value().isZero();
  ArrayRef<Value> accElems;
  if (!zeroInit) {
    auto elems = elementsOf(op.getAcc());
    if (failed(elems))
      return op.emitOpError() << "accumulator is not available as a fragment";
    accElems = *elems;
  }
  int64_t cols = plan.bn;
  int64_t span = plan.rowSwizzle();
  Value kBase = add(idx(plan.kOffset()), mul(stage, idx(plan.kvStageBytes())));
  Value matA = matrixDescriptor(
      mul(wg, idx(plan.rowsPerWarpgroup() * span)), 16, 8 * span, span);
  Value matB = matrixDescriptor(kBase, 16, 8 * span, span);
  beginWgmma();
  SmallVector<Value> accs;
  for (int64_t slice = 0; slice < plan.slices(); ++slice) {
    auto accType = LLVM::LLVMStructType::getLiteral(
        ctx, SmallVector<Type>(cols / 2, b.getF32Type()));
    Value d = zeroInit ? LLVM::UndefOp::create(b, accType).getResult()
                       : packAccumulator(accElems, slice, cols);
    // One wgmma reads 32 bytes of each row: k16 of 16-bit, k32 of fp8.
    for (int64_t kByte = 0; kByte < plan.d * plan.elemBytes(); kByte += 32) {
      int64_t kk = kByte / 32;
      int64_t chunk = kByte / span, within = kByte % span;
      int64_t aOffset = chunk * plan.bm * span +
                        slice * kWarpgroupRows * span + within;
      int64_t bOffset = chunk * plan.bn * span + within;
      d = wgmmaShared(d, matA, aOffset, matB, bOffset, plan.bn,
                      plan.operandType, /*kMajorB=*/true,
                      /*ignoreAcc=*/zeroInit && kk == 0);
    }
    accs.push_back(d);
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
  // fp8: V's transpose runs on the CUDA cores while the tensor cores
  // compute S.
  if (plan.fp8())
    prepareVt();
  NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
  Fragment f;
  f.cols = cols;
  for (Value acc : accs)
    unpackAccumulator(acc, cols, f.elems);
  fragments[op.getResult()] = std::move(f);
  return success();
}

/// O = acc + P·V: P from registers (the layout of S's accumulator is the
/// register-A layout), V MN-major in shared memory in 64-column chunks.
/// upstream's nvvm.wgmma.mma_async takes A only from shared memory, so this
/// form is inline PTX.
LogicalResult AttentionEmitter::emitValueDot(DotOp op) {
  if (!op.getType().getElementType().isF32())
    return op.emitOpError() << "accumulator must be f32";
  if (plan.fp8())
    return emitValueDotFp8(op);
  auto pElems = elementsOf(op.getLhs());
  auto accElems = elementsOf(op.getAcc());
  if (failed(pElems) || failed(accElems))
    return op.emitOpError() << "operands are not available as fragments";
  waitBarrier(vFull, stage, phase);
  int64_t cols = plan.d;
  Value vBase = add(idx(plan.vOffset()), mul(stage, idx(plan.kvStageBytes())));
  Value matB = matrixDescriptor(vBase, plan.bn * kSwizzleBytes, 1024);
  Type i32 = b.getI32Type();
  auto pairType = VectorType::get({2}, plan.operandType);
  auto pack = [&](Value lo, Value hi) -> Value {
    Value pair = vector::FromElementsOp::create(b, pairType, ValueRange{lo, hi});
    return LLVM::BitcastOp::create(b, i32, pair);
  };
  int64_t pCols = plan.bn;
  // Every register the wgmmas read (P packed to pairs, the accumulator) is
  // written before wgmma.fence, as the PTX ISA requires.
  SmallVector<SmallVector<Value>> packed;
  for (int64_t slice = 0; slice < plan.slices(); ++slice)
    for (int64_t kk = 0; kk < plan.bn / 16; ++kk) {
      ArrayRef<Value> p = pElems->slice(slice * pCols / 2 + 8 * kk, 8);
      packed.push_back({pack(p[0], p[1]), pack(p[2], p[3]), pack(p[4], p[5]),
                        pack(p[6], p[7])});
    }
  std::string shape = llvm::formatv("m64n{0}k16.f32.{1}", cols,
                                    plan.operandType.isBF16() ? "bf16.bf16"
                                                              : "f16.f16");
  // scale-d, scale-a, scale-b, trans-b (V is MN-major).
  issueRegisterAWgmmas(op, *accElems, packed, plan.bn / 16, shape,
                       "p, 1, 1, 1", matB,
                       [&](int64_t kk) { return kk * 16 * kSwizzleBytes; });
  return success();
}

/// fp8 wgmma reads B K-major only, and V arrives key-major (a row per key,
/// as the caller lays it out): the threads copy the V stage at `vBase` into
/// Vᵀ at `vtBase`, D rows of BLOCK_N key bytes, swizzled as TMA would have
/// written them. Keys are permuted within each 32 so that the fp32
/// accumulator layout of S, converted to fp8 in place, is P's register-A
/// layout (m64nNk32 reads columns 4q..4q+3 and 16+4q..16+4q+3 in lane q of
/// a quad; the accumulator holds 2q, 2q+1, 8+2q, 9+2q, ...): Vᵀ column
/// 16H + 4q + i holds key 16H + 8(i/2) + 2q + i%2. P·V sums over keys in
/// any order, so this is exact, and P needs no shuffles (FlashAttention-3
/// shuffles P instead).
///
/// A task is 4 keys x 16 head-dimension bytes: four 16-byte loads, a 4x4
/// byte transpose of each word quadruple with prmt, sixteen 4-byte stores.
/// The 32 lanes of a warp cover the 8 groups of 16 keys of one 16-byte
/// column unit (BLOCK_N = 128): every store of the warp hits one Vᵀ row in
/// 32 different banks, and lanes of odd key groups load their row pair in
/// the other order so that each 8-lane phase of a load reads 8 different
/// rows mod 8, 8 different units.
void AttentionEmitter::transposeV(Value vBase, Value vtBase) {
  Type i32 = b.getI32Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, i32, v).getResult();
  };
  int64_t qkSpan = plan.rowSwizzle(), vtSpan = plan.vtSwizzle();
  int64_t lanesPerUnit = plan.bn / 4; // 4 lanes per 16 keys
  int64_t tasks = (plan.d / 16) * lanesPerUnit;
  Value words = smemView(
      idx(0), {(plan.sharedMemoryBytes() - kSharedMemorySlack) / 4}, i32);
  auto loop = scf::ForOp::create(b, tid, idx(tasks), idx(plan.threads()));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value t = loop.getInductionVar();
  Value unit = div(t, idx(lanesPerUnit));
  Value lane = rem(t, idx(lanesPerUnit));
  Value quad = rem(div(lane, idx(2)), idx(4));
  Value odd = rem(lane, idx(2));
  Value group = add(mul(div(lane, idx(8)), idx(2)), odd); // of 16 keys
  Value isOdd = eq(odd, idx(1));
  // Addresses are computed in 32 bits, and so that few values depend on
  // the thread only: LLVM hoists those out of the attention loop and keeps
  // them live across it (twenty 64-bit ones made ptxas spill 328 bytes at
  // 168 registers a thread, BLOCK_M = 192 with 12 warps at D = 128; now
  // 52). This needs vBase and vtBase to be multiples of the swizzle span.
  auto to32 = [&](Value v) {
    return arith::IndexCastUIOp::create(b, i32, v).getResult();
  };
  auto wordIndex = [&](Value byteOffset) {
    Value word = arith::ShRUIOp::create(b, byteOffset, c32(2));
    return arith::IndexCastUIOp::create(b, b.getIndexType(), word).getResult();
  };
  // Byte offset (i32) of byte `byte` of row `row` of a `span`-byte
  // swizzled region of `rows`-row chunks at `base`.
  auto swizzled = [&](Value base, Value row, Value byte, int64_t span,
                      int64_t rows) {
    Value chunk = div(byte, idx(span));
    Value within = rem(byte, idx(span));
    Value u = div(within, idx(16));
    Value phase = arith::AndIOp::create(
        b, div(mul(row, idx(span)), idx(128)), idx(swizzleMask(span)));
    Value unitPos = arith::XOrIOp::create(b, u, phase);
    Value inThread = add(mul(chunk, idx(rows * span)),
                         add(mul(row, idx(span)),
                             add(mul(unitPos, idx(16)), rem(within, idx(16)))));
    return arith::AddIOp::create(b, to32(base), to32(inThread)).getResult();
  };
  Value keyBase = add(mul(group, idx(16)), mul(quad, idx(2)));
  Value dByte = mul(unit, idx(16));
  auto vecType = VectorType::get({4}, i32);
  SmallVector<Value> rows; // 4 words each: keys i = 0..3 of the quad
  SmallVector<Value> rowOffsets;
  for (int64_t n = 0; n < 4; ++n) {
    // Row n of the task: keyBase + 8 (n / 2) + (n % 2), the pair swapped
    // in odd groups. Rows 8 apart have the same swizzle phase: row n + 2
    // is 8 spans after row n.
    if (n < 2) {
      Value pairBit = arith::XOrIOp::create(b, idx(n % 2), odd);
      rowOffsets.push_back(
          swizzled(vBase, add(keyBase, pairBit), dByte, qkSpan, plan.bn));
    } else {
      rowOffsets.push_back(arith::AddIOp::create(b, rowOffsets[n - 2],
                                                 c32(8 * qkSpan)));
    }
    Value word = wordIndex(rowOffsets[n]);
    rows.push_back(vector::LoadOp::create(b, vecType, words, ValueRange{word},
                                          /*nontemporal=*/false,
                                          llvm::MaybeAlign(16)));
  }
  // prmt selectors (byte i of the result is byte nibble_i of {hi, lo}):
  // [a0 b0 a1 b1] and [a2 b2 a3 b3] of rows a (key i = 0 or 2) and b
  // (i = 1 or 3), which odd groups loaded the other way round.
  Value lowSel = arith::SelectOp::create(b, isOdd, c32(0x1504), c32(0x5140));
  Value highSel = arith::SelectOp::create(b, isOdd, c32(0x3726), c32(0x7362));
  auto prmt = [&](Value lo, Value hi, Value sel) {
    return NVVM::PermuteOp::create(b, i32, lo, hi, sel,
                                   NVVM::PermuteMode::DEFAULT)
        .getResult();
  };
  Value keyByte = add(mul(group, idx(16)), mul(quad, idx(4)));
  // The 16 stores go to rows dByte + r (r = 4m + j) of Vᵀ. dByte is a
  // multiple of 16, so row r's swizzle phase is a constant, and every other
  // term of the address is a multiple of the span: the address is
  // ((vtBase + f(thread)) ^ 16 phase(r)) + r span — one invariant value for
  // the 16 stores, an xor and an immediate offset each.
  Value vtThreadBase;
  {
    Value chunk = div(keyByte, idx(vtSpan));
    Value within = rem(keyByte, idx(vtSpan));
    Value inThread = add(mul(chunk, idx(plan.d * vtSpan)),
                         add(mul(dByte, idx(vtSpan)), within));
    vtThreadBase = arith::AddIOp::create(b, to32(vtBase), to32(inThread));
  }
  auto vtWord = [&](int64_t r) {
    int64_t phase = (r * vtSpan / 128) & swizzleMask(vtSpan);
    Value swizzledRow =
        arith::XOrIOp::create(b, vtThreadBase, c32(16 * phase));
    return wordIndex(arith::AddIOp::create(b, swizzledRow, c32(r * vtSpan)));
  };
  for (int64_t m = 0; m < 4; ++m) {
    SmallVector<Value> w;
    for (Value r : rows)
      w.push_back(vector::ExtractOp::create(b, r, m));
    Value t0 = prmt(w[0], w[1], lowSel), t1 = prmt(w[0], w[1], highSel);
    Value t2 = prmt(w[2], w[3], lowSel), t3 = prmt(w[2], w[3], highSel);
    Value out[4] = {prmt(t0, t2, c32(0x5410)), prmt(t0, t2, c32(0x7632)),
                    prmt(t1, t3, c32(0x5410)), prmt(t1, t3, c32(0x7632))};
    for (int64_t j = 0; j < 4; ++j) {
      memref::StoreOp::create(b, out[j], words,
                              ValueRange{vtWord(4 * m + j)});
    }
  }
}

/// Vᵀ buffer of this block. Two: a thread may transpose block i + 1 while
/// another warpgroup still multiplies with block i; not block i + 2, since
/// every thread arrives for block i + 1 only after its P·V of block i.
Value AttentionEmitter::vtBase() {
  return add(idx(plan.vtOffset()), mul(rem(block, idx(2)), idx(plan.vtBytes())));
}

/// fp8: this block's V, transposed into its Vᵀ buffer; then the thread
/// arrives on vtFull. P·V waits there, so no warpgroup reads Vᵀ before
/// every thread wrote its share, and no thread waits for a warpgroup's
/// softmax (a block-wide barrier here would lock the warpgroups in step).
void AttentionEmitter::prepareVt() {
  waitBarrier(vFull, stage, phase);
  Value vBase = add(idx(plan.vOffset()), mul(stage, idx(plan.kvStageBytes())));
  transposeV(vBase, vtBase());
  // The generic-proxy stores must be visible to wgmma (async proxy).
  NVVM::FenceProxyOp::create(
      b, NVVM::ProxyKind::async_shared,
      NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
  nvgpu::MBarrierArriveOp::create(b, nvgpu::MBarrierTokenType::get(ctx),
                                  vtFull, rem(block, idx(2)));
}

/// Four 8-bit values as one 32-bit register, the first in the low byte.
Value AttentionEmitter::packBytes(ArrayRef<Value> bytes) {
  auto vecType = VectorType::get({4}, bytes.front().getType());
  Value vec = vector::FromElementsOp::create(b, vecType, bytes);
  Value word = vector::BitCastOp::create(
      b, VectorType::get({1}, b.getI32Type()), vec);
  return vector::ExtractOp::create(b, word, 0);
}

/// O = acc + P·V with fp8 P and V: P from registers (see transposeV for
/// why S's accumulator layout serves as is), Vᵀ K-major in shared memory.
/// Inline PTX, as emitValueDot.
LogicalResult AttentionEmitter::emitValueDotFp8(DotOp op) {
  auto pElems = elementsOf(op.getLhs());
  auto accElems = elementsOf(op.getAcc());
  if (failed(pElems) || failed(accElems))
    return op.emitOpError() << "operands are not available as fragments";
  waitBarrier(vtFull, rem(block, idx(2)), div(block, idx(2)));
  int64_t span = plan.vtSwizzle();
  Value matB = matrixDescriptor(vtBase(), 16, 8 * span, span);
  int64_t pCols = plan.bn;
  // Registers of k-step kk (32 keys, accumulator column groups j = 4kk ..
  // 4kk + 3): {j, j + 1} of row r, of row r + 8, {j + 2, j + 3} of row r,
  // of row r + 8; element (j, half, e) of a slice is 4j + 2 half + e.
  SmallVector<SmallVector<Value>> packed;
  for (int64_t slice = 0; slice < plan.slices(); ++slice)
    for (int64_t kk = 0; kk < plan.bn / 32; ++kk) {
      auto at = [&](int64_t j, int64_t half, int64_t e) {
        return (*pElems)[slice * pCols / 2 + 4 * j + 2 * half + e];
      };
      SmallVector<Value> regs;
      for (int64_t pairOfGroups = 0; pairOfGroups < 2; ++pairOfGroups)
        for (int64_t half = 0; half < 2; ++half) {
          int64_t j = 4 * kk + 2 * pairOfGroups;
          regs.push_back(packBytes({at(j, half, 0), at(j, half, 1),
                                    at(j + 1, half, 0), at(j + 1, half, 1)}));
        }
      packed.push_back(regs);
    }
  StringRef type = isa<Float8E4M3FNType>(plan.operandType) ? "e4m3" : "e5m2";
  std::string shape =
      llvm::formatv("m64n{0}k32.f32.{1}.{1}", plan.d, type).str();
  // scale-d, scale-a, scale-b (fp8 takes no transpose immediates).
  issueRegisterAWgmmas(op, *accElems, packed, plan.bn / 32, shape, "p, 1, 1",
                       matB, [&](int64_t kk) {
                         int64_t kByte = kk * 32;
                         return (kByte / span) * plan.d * span + kByte % span;
                       });
  return success();
}

/// O = acc + P·V, `kSteps` wgmma `shapeAndTypes` per 64-row slice with A =
/// P from registers (`aRegs[slice * kSteps + kk]`, four b32) and B at byte
/// `bOffset(kk)` from `matB`, then wait; the result becomes op's fragment.
/// Inline PTX: upstream's nvvm.wgmma.mma_async takes A only from shared
/// memory.
void AttentionEmitter::issueRegisterAWgmmas(
    DotOp op, ArrayRef<Value> accElems, ArrayRef<SmallVector<Value>> aRegs,
    int64_t kSteps, StringRef shapeAndTypes, StringRef immediates, Value matB,
    function_ref<int64_t(int64_t)> bOffset) {
  int64_t cols = plan.d, n = cols / 2;
  Type i64 = b.getI64Type();
  beginWgmma();
  std::vector<Value> accs;
  for (int64_t slice = 0; slice < plan.slices(); ++slice) {
    std::vector<Value> d(accElems.begin() + slice * n,
                         accElems.begin() + (slice + 1) * n);
    for (int64_t kk = 0; kk < kSteps; ++kk) {
      Value wgmma = wgmmaRegisterA(
          b, b.getLoc(), d, aRegs[slice * kSteps + kk],
          arith::AddIOp::create(
              b, matB, arith::ConstantIntOp::create(b, i64, bOffset(kk) >> 4)),
          shapeAndTypes, immediates);
      d.clear();
      unpackAccumulator(wgmma, cols, d);
    }
    accs.insert(accs.end(), d.begin(), d.end());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
  NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
  Fragment f;
  f.cols = cols;
  f.elems = std::move(accs);
  fragments[op.getResult()] = std::move(f);
}

/// Fragments -> shared memory -> 16-byte stores, rows past the tensor's end
/// (and columns, for a partial head dimension) left out.
LogicalResult AttentionEmitter::emitStore(StoreOp op) {
  auto elems = elementsOf(op.getValue());
  if (failed(elems))
    return op.emitOpError() << "value is not available as a fragment";
  Type elt = op.getValue().getType().getElementType();
  int64_t cols = plan.d;
  // Every wgmma has completed (wait_group 0) and every TMA load was consumed:
  // the pipeline's shared memory is free once all threads are here.
  gpu::BarrierOp::create(b);
  Value staged = smemView(idx(0), {plan.bm, cols}, elt);
  auto pairType = VectorType::get({2}, elt);
  for (int64_t i = 0, n = count(cols); i < n; i += 2) {
    Value pair = vector::FromElementsOp::create(
        b, pairType, ValueRange{(*elems)[i], (*elems)[i + 1]});
    vector::StoreOp::create(b, pair, staged,
                            coordinatesOf(accLayout, {plan.bm, cols}, i));
  }
  gpu::BarrierOp::create(b);

  int64_t vectorWidth = 16 * 8 / elt.getIntOrFloatBitWidth();
  int64_t perRow = cols / vectorWidth;
  auto loop = scf::ForOp::create(b, tid, idx(plan.bm * perRow),
                                 idx(plan.threads()));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(loop.getBody()->getTerminator());
  Value i = loop.getInductionVar();
  Value r = div(i, idx(perRow));
  Value c = mul(rem(i, idx(perRow)), idx(vectorWidth));
  auto vecType = VectorType::get({vectorWidth}, elt);
  Value v = vector::LoadOp::create(b, vecType, staged, ValueRange{r, c},
                                   /*nontemporal=*/false, llvm::MaybeAlign(16));
  SmallVector<Value> indices;
  for (Value index : op.getIndices())
    indices.push_back(map.lookup(index));
  int64_t rank = indices.size();
  indices[rank - 2] = add(indices[rank - 2], r);
  indices[rank - 1] = add(indices[rank - 1], c);
  storeVectorChecked(v, map.lookup(op.getDest()), indices);
  return success();
}

LogicalResult AttentionEmitter::emitOp(Operation *op) {
  if (auto load = dyn_cast<LoadOp>(op)) {
    if (load != plan.q)
      return success(); // K and V are streamed by the pipeline
    ifThen(isThread0, [&] {
      auto indices = load.getIndices();
      loadBox(load, qFull, idx(0), /*smemOffset=*/0, idx(0), plan.bm,
              map.lookup(indices[indices.size() - 2]));
    });
    return success();
  }
  if (auto dot = dyn_cast<DotOp>(op))
    return dot == plan.scoreDot ? emitScoreDot(dot) : emitValueDot(dot);
  if (auto store = dyn_cast<StoreOp>(op))
    return emitStore(store);
  if (auto reduce = dyn_cast<ReduceOp>(op))
    return emitReduce(reduce);
  if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
    auto inType = broadcast.getInput().getType();
    if (broadcast.getDim() != 1 || inType.getRank() != 1)
      return op->emitOpError() << "the attention lowering broadcasts a row "
                                  "vector along rows (dim 1) only";
    auto rows = elementsOf(broadcast.getInput());
    if (failed(rows))
      return op->emitOpError() << "operand is not available as a fragment";
    Fragment f;
    f.cols = colsOf(broadcast.getResult());
    for (int64_t i = 0, n = count(f.cols); i < n; ++i) {
      int64_t perSlice = f.cols / 2, slice = i / perSlice;
      int64_t half = ((i % perSlice) / 2) % 2;
      f.elems.push_back((*rows)[slice * 2 + half]);
    }
    fragments[broadcast.getResult()] = std::move(f);
    return success();
  }
  bool tileResult = llvm::any_of(op->getResultTypes(), isTile);
  if (!tileResult) {
    if (op->getNumRegions() != 0)
      return op->emitOpError() << "is not supported by the attention lowering";
    emitScalarOp(op, map);
    return success();
  }
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  if (type.getDimSize(0) != plan.bm || type.getRank() > 2 ||
      (type.getRank() == 2 && type.getDimSize(1) % 8 != 0))
    return op->emitOpError()
           << "tiles must be BLOCK_M rows (x a multiple of 8 columns) in the "
              "attention lowering, not " << type;
  if (isa<IntegerType, IndexType>(type.getElementType()) &&
      (isa<SplatOp, IotaOp>(op) || op->hasTrait<OpTrait::Elementwise>()))
    return success(); // computed where used
  if (auto splat = dyn_cast<SplatOp>(op)) {
    Fragment f;
    f.cols = colsOf(splat.getResult());
    f.elems.assign(count(f.cols), map.lookup(splat.getValue()));
    fragments[splat.getResult()] = std::move(f);
    return success();
  }
  if (auto select = dyn_cast<arith::SelectOp>(op))
    return emitSelect(select);
  if (op->hasTrait<OpTrait::Elementwise>())
    return emitElementwise(op);
  return op->emitOpError() << "is not supported by the attention lowering";
}

LogicalResult AttentionEmitter::emitLoop() {
  scf::ForOp loop = plan.loop;
  numBlocks = arith::CeilDivUIOp::create(b, map.lookup(loop.getUpperBound()),
                                         idx(plan.bn));
  // Blocks 0 .. STAGES-2 in flight before the loop.
  Value prologueEnd =
      arith::MinUIOp::create(b, numBlocks, idx(std::max<int64_t>(plan.stages - 1, 1)));
  auto prologue = scf::ForOp::create(b, idx(0), prologueEnd, idx(1));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(prologue.getBody()->getTerminator());
    ifThen(isThread0, [&] { issueKV(prologue.getInductionVar()); });
  }
  waitBarrier(qFull, idx(0), idx(0));

  // Loop-carried tiles travel as their elements.
  SmallVector<Value> inits;
  SmallVector<int64_t> sizesCarried;
  for (Value init : loop.getInitArgs()) {
    if (!isTile(init.getType())) {
      inits.push_back(map.lookup(init));
      sizesCarried.push_back(-1);
      continue;
    }
    auto elems = elementsOf(init);
    if (failed(elems))
      return loop.emitOpError()
             << "carries a tile the attention lowering holds no fragment of "
                "(a loaded tile, or one computed by an unsupported op): "
                "carry values computed from the dots and splats";
    inits.append(elems->begin(), elems->end());
    sizesCarried.push_back(elems->size());
  }
  auto forOp = scf::ForOp::create(b, idx(0), numBlocks, idx(1), inits);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forOp.getBody());
    block = forOp.getInductionVar();
    map.map(loop.getInductionVar(), mul(block, idx(plan.bn)));
    inLoop = true;
    unsigned next = 0;
    for (auto [arg, size] : llvm::zip(loop.getRegionIterArgs(), sizesCarried)) {
      if (size < 0) {
        map.map(arg, forOp.getRegionIterArgs()[next++]);
        continue;
      }
      Fragment f;
      f.cols = colsOf(arg);
      for (int64_t i = 0; i < size; ++i)
        f.elems.push_back(forOp.getRegionIterArgs()[next++]);
      fragments[arg] = std::move(f);
    }
    stage = rem(block, idx(plan.stages));
    phase = div(block, idx(plan.stages));

    // Refill: block + STAGES - 1 goes into the stage block - 1 used, once
    // every warpgroup has released it.
    if (plan.stages > 1) {
      Value refill = add(block, idx(plan.stages - 1));
      ifThen(andi(isThread0, ult(refill, numBlocks)), [&] {
        Value notFirst = arith::CmpIOp::create(b, arith::CmpIPredicate::uge,
                                               block, idx(1));
        ifThen(notFirst, [&] {
          waitBarrier(empty, rem(refill, idx(plan.stages)),
                      sub(div(refill, idx(plan.stages)), idx(1)));
        });
        issueKV(refill);
      });
    }
    // On failure the half-built function is discarded with the pass.
    for (Operation &op : loop.getBody()->without_terminator())
      if (failed(emitOp(&op)))
        return failure();
    ifThen(isWgLeader, [&] {
      nvgpu::MBarrierArriveOp::create(b, nvgpu::MBarrierTokenType::get(ctx),
                                      empty, stage);
    });
    if (plan.stages == 1) {
      // One stage: the next block waits until every warpgroup is done.
      Value refill = add(block, idx(1));
      ifThen(andi(isThread0, ult(refill, numBlocks)), [&] {
        waitBarrier(empty, idx(0), block);
        issueKV(refill);
      });
    }
    SmallVector<Value> yields;
    for (Value yielded : loop.getYieldedValues()) {
      if (!isTile(yielded.getType())) {
        yields.push_back(map.lookup(yielded));
        continue;
      }
      auto elems = elementsOf(yielded);
      if (failed(elems))
        return loop.emitOpError() << "yields a tile that is not available as "
                                     "a fragment";
      yields.append(elems->begin(), elems->end());
    }
    scf::YieldOp::create(b, yields);
  }
  // Values computed in the body are not visible after the loop.
  inLoop = false;
  for (Value tile : materializedInLoop)
    fragments.erase(tile);
  materializedInLoop.clear();
  lazyCache.clear();
  unsigned next = 0;
  for (auto [result, size] : llvm::zip(loop.getResults(), sizesCarried)) {
    if (size < 0) {
      map.map(result, forOp.getResult(next++));
      continue;
    }
    Fragment f;
    f.cols = colsOf(result);
    for (int64_t i = 0; i < size; ++i)
      f.elems.push_back(forOp.getResult(next++));
    fragments[result] = std::move(f);
  }
  return success();
}

LogicalResult AttentionEmitter::emit() {
  llvm::MapVector<Value, nvgpu::TensorMapDescriptorType> tensorMaps;
  for (auto [load, rows] :
       {std::make_pair(plan.q, plan.bm), std::make_pair(plan.k, plan.bn),
        std::make_pair(plan.v, plan.bn)}) {
    int64_t rank = load.getIndices().size();
    SmallVector<int64_t> box(rank, 1);
    box[rank - 2] = rows;
    box[rank - 1] = plan.chunkCols();
    tensorMaps[load.getSource()] =
        tensorMapType(box, plan.operandType, plan.rowSwizzle());
  }
  if (tensorMaps.size() != 3)
    return plan.scoreDot.emitOpError()
           << "Q, K and V must be three different tensor arguments";
  createFunction(tensorMaps, plan.threads());
  wg = div(tid, idx(128));
  isThread0 = eq(tid, idx(0));
  isWgLeader = eq(rem(tid, idx(128)), idx(0));
  accLayout = WgmmaAccLayoutAttr::get(ctx, plan.warpgroups);
  rowLayout = SliceLayoutAttr::get(ctx, 1, accLayout);
  // Every register tile (not Q, K, V: shared memory) is a fragment in the
  // accumulator layout or its row slice; tile-assign-layouts must agree.
  WalkResult mismatch = kernel.walk([&](Operation *op) {
    if (op == plan.q || op == plan.k || op == plan.v)
      return WalkResult::advance();
    for (Value result : op->getResults()) {
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type)
        continue;
      LayoutAttrInterface expected =
          type.getRank() == 1 ? LayoutAttrInterface(rowLayout)
                              : LayoutAttrInterface(accLayout);
      if (failed(checkLayout(result, expected, "attention lowering")))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  if (mismatch.wasInterrupted())
    return failure();

  allocateSharedMemory();
  auto group = [&](int64_t n) {
    return nvgpu::MBarrierCreateOp::create(
        b, nvgpu::MBarrierGroupType::get(ctx, smemSpace(), n));
  };
  qFull = group(1);
  kFull = group(plan.stages);
  vFull = group(plan.stages);
  empty = group(plan.stages);
  nvgpu::MBarrierInitOp::create(b, qFull, idx(1), idx(0), isThread0);
  if (plan.fp8()) {
    vtFull = group(2);
    for (int64_t s = 0; s < 2; ++s)
      nvgpu::MBarrierInitOp::create(b, vtFull, idx(plan.threads()), idx(s),
                                    isThread0);
  }
  for (int64_t s = 0; s < plan.stages; ++s) {
    nvgpu::MBarrierInitOp::create(b, kFull, idx(1), idx(s), isThread0);
    nvgpu::MBarrierInitOp::create(b, vFull, idx(1), idx(s), isThread0);
    nvgpu::MBarrierInitOp::create(b, empty, idx(plan.warpgroups), idx(s),
                                  isThread0);
  }
  for (auto &entry : descriptors)
    nvgpu::TmaPrefetchOp::create(b, entry.second, isThread0);
  publishBarrierInits();

  Block &body = kernel.getBody().front();
  for (Operation &op : body) {
    if (isa<ReturnOp>(op))
      continue;
    if (&op == plan.loop.getOperation()) {
      if (failed(emitLoop()))
        return failure();
      continue;
    }
    if (failed(emitOp(&op)))
      return failure();
  }
  gpu::ReturnOp::create(b);
  func->setAttr("tile.launch",
                launchAttr(plan.threads(), plan.sharedMemoryBytes()));
  return success();
}

} // namespace

LogicalResult mlir::tile::lowerAttentionKernel(KernelOp kernel,
                                               gpu::GPUModuleOp gpuModule,
                                               const LoweringOptions &options) {
  auto plan = analyzeAttention(kernel);
  if (failed(plan))
    return failure();
  return AttentionEmitter(*plan, gpuModule, options).emit();
}
