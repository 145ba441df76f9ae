//===- AssignLayouts.cpp - a register layout for every tile ---------------===//
//
// Union-find over the tiles that must share a layout, then a fixpoint that
// moves layouts across reductions and broadcasts (as slices) and
// transposes (dimensions swapped), defaults for groups nothing fixes, the
// layouts written into the tensor types, and tile.convert_layout where a
// load or store would otherwise run across its contiguous dimension (or
// move a wgmma accumulator a register pair at a time), and tile.dot
// operands staged in #tile.shared (except attention's two dots).
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/Passes.h"

#include "tile/Dialect/Tile/KernelConfig.h"
#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::tile {
#define GEN_PASS_DEF_TILEASSIGNLAYOUTS
#include "tile/Transforms/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

namespace {

/// A tile held in registers: a ranked tensor with no encoding yet or a
/// register layout. A tile already in shared memory (#tile.shared, e.g. a
/// tile.ring_get written in the program) keeps its type.
bool isTileValue(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && (!type.getEncoding() ||
                  isa<LayoutAttrInterface>(type.getEncoding()));
}

/// Bits of a tile's elements (index: 64).
int64_t elementBits(Type tile) {
  Type elt = cast<RankedTensorType>(tile).getElementType();
  return elt.isIndex() ? 64 : elt.getIntOrFloatBitWidth();
}

class LayoutAssignment {
public:
  LayoutAssignment(KernelOp kernel, int64_t warps)
      : kernel(kernel), ctx(kernel.getContext()), warps(warps) {}

  LogicalResult run();

private:
  void join(Value a, Value b) {
    if (isTileValue(a) && isTileValue(b))
      groups.unionSets(a, b);
  }
  Value leader(Value v) { return groups.getLeaderValue(v); }
  LayoutAttrInterface layoutOf(Value v) { return layouts.lookup(leader(v)); }
  /// Fixes `v`'s group to `layout`; fails at `op` if it had another.
  LogicalResult require(Value v, LayoutAttrInterface layout, Operation *op,
                        bool &changed);
  LayoutAttrInterface defaultLayout(RankedTensorType type, int64_t bits);
  void coalesceMemoryAccesses();
  bool narrowAccumulatorAccess(RankedTensorType type);
  LogicalResult reconcileTransposes();
  LogicalResult stageDotOperands();

  KernelOp kernel;
  MLIRContext *ctx;
  int64_t warps;
  llvm::EquivalenceClasses<Value> groups;
  DenseMap<Value, LayoutAttrInterface> layouts; // by group leader
  SmallVector<Value> tiles;
};

LogicalResult LayoutAssignment::require(Value v, LayoutAttrInterface layout,
                                        Operation *op, bool &changed) {
  Value l = leader(v);
  LayoutAttrInterface &slot = layouts[l];
  if (!slot) {
    slot = layout;
    changed = true;
    return success();
  }
  if (slot == layout)
    return success();
  return op->emitOpError() << "needs " << v.getType() << " laid out as "
                           << layout << " and as " << slot
                           << " in one group of tiles that share a layout; "
                              "tile-assign-layouts converts only across "
                              "tile.transpose and at loads and stores: "
                              "insert a tile.convert_layout";
}

/// `layout` with dimensions 0 and 1 swapped: what tile.transpose leaves
/// (each thread keeps its elements), or null for a layout that is not
/// blocked.
BlockedLayoutAttr transposed(LayoutAttrInterface layout) {
  auto blocked = dyn_cast_or_null<BlockedLayoutAttr>(layout);
  if (!blocked || blocked.getSizePerThread().size() != 2)
    return {};
  auto swap = [](ArrayRef<int64_t> v) {
    return SmallVector<int64_t>{v[1], v[0]};
  };
  SmallVector<int64_t> order;
  for (int64_t d : blocked.getOrder())
    order.push_back(1 - d);
  return BlockedLayoutAttr::get(
      blocked.getContext(), swap(blocked.getSizePerThread()),
      swap(blocked.getThreadsPerWarp()), swap(blocked.getWarps()), order);
}

/// Whether a thread's adjacent elements of `type` (laid out blocked) run
/// along its last dimension, the one contiguous in memory; else a load or
/// store of it would move an element at a time across rows.
bool runsAlongLastDim(RankedTensorType type) {
  auto blocked = dyn_cast_or_null<BlockedLayoutAttr>(type.getEncoding());
  if (!blocked || type.getRank() < 2 || type.getShape().back() == 1)
    return true;
  return blocked.getOrder().front() == type.getRank() - 1;
}

/// 16 bytes a thread (of `bits`-bit elements, the narrowest the group moves
/// to or from memory) along the last dimension, a warp across it (or as
/// much of it as there is), the warps down the first dimension where they
/// fit and along the last for the rest; fewer bytes a thread when the
/// warps would not fit otherwise (a short row over many warps).
LayoutAttrInterface LayoutAssignment::defaultLayout(RankedTensorType type,
                                                    int64_t bits) {
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  // A 0-d tile has no dimension to spread: only a reduction's slice
  // layout describes it. Dynamic extents are not laid out either.
  if (rank == 0 || ShapedType::isDynamicShape(shape) ||
      llvm::any_of(shape, [](int64_t d) { return d <= 0; }))
    return {};
  bits = std::max<int64_t>(bits, 8);
  int64_t inner = shape.back();
  for (int64_t vec = std::max<int64_t>(1, std::min<int64_t>(inner, 128 / bits));
       vec >= 1; vec /= 2) {
    if (inner % vec)
      continue;
    int64_t lanesInner = std::min<int64_t>(32, inner / vec);
    while (32 % lanesInner)
      --lanesInner;
    SmallVector<int64_t> spt(rank, 1), tpw(rank, 1), wpb(rank, 1), order;
    spt.back() = vec;
    tpw.back() = lanesInner;
    if (rank > 1)
      tpw.front() *= 32 / lanesInner;
    else
      tpw.back() = 32;
    // Every warp down the rows where they fit (12 warps too), else the
    // largest power of two of them.
    int64_t down = 1;
    if (rank > 1 && shape.front() % (tpw.front() * warps) == 0)
      down = warps;
    else if (rank > 1)
      while (down * 2 <= warps && warps % (down * 2) == 0 &&
             shape.front() % (tpw.front() * down * 2) == 0)
        down *= 2;
    wpb.front() = rank > 1 ? down : warps;
    if (rank > 1)
      wpb.back() *= warps / down;
    for (int64_t d = rank - 1; d >= 0; --d)
      order.push_back(d);
    // Valid by construction but for the shape, which the caller's error
    // names (verifyShape would emit a second diagnostic).
    bool covers = true;
    for (int64_t d = 0; d < rank; ++d)
      if (shape[d] % (spt[d] * tpw[d] * wpb[d]) != 0)
        covers = false;
    if (covers)
      return BlockedLayoutAttr::get(ctx, spt, tpw, wpb, order);
  }
  return {};
}

LogicalResult LayoutAssignment::run() {
  // Layouts count elements in bits: a tile of anything else (a vector, a
  // memref) has none, and no lowering takes it.
  WalkResult scalars = kernel.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto tile = dyn_cast<RankedTensorType>(t);
          tile && !tile.getElementType().isIntOrIndexOrFloat()) {
        op->emitOpError() << "makes a tile of " << tile.getElementType()
                          << " elements; tiles hold integers, floats or "
                             "index values";
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (scalars.wasInterrupted())
    return failure();
  // A load whose tile nothing reads does nothing (loads are masked at the
  // source's edges): it is dropped rather than given a layout.
  kernel.walk([&](LoadOp load) {
    if (load->use_empty())
      load.erase();
  });
  // Groups of tiles that must share a layout.
  kernel.walk([&](Operation *op) {
    for (Value r : op->getResults())
      if (isTileValue(r)) {
        groups.insert(r);
        tiles.push_back(r);
      }
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          if (isTileValue(arg)) {
            groups.insert(arg);
            tiles.push_back(arg);
          }
    if (op->hasTrait<OpTrait::Elementwise>()) {
      Value first;
      for (Value v : llvm::concat<Value>(op->getOperands(), op->getResults()))
        if (isTileValue(v)) {
          if (first)
            join(first, v);
          else
            first = v;
        }
    }
    if (auto loop = dyn_cast<scf::ForOp>(op))
      for (auto [init, arg, yielded, result] :
           llvm::zip(loop.getInitArgs(), loop.getRegionIterArgs(),
                     loop.getYieldedValues(), loop.getResults())) {
        join(init, arg);
        join(arg, yielded);
        join(yielded, result);
      }
    if (auto ifOp = dyn_cast<scf::IfOp>(op))
      for (Region *region : {&ifOp.getThenRegion(), &ifOp.getElseRegion()})
        if (!region->empty())
          for (auto [yielded, result] :
               llvm::zip(region->front().getTerminator()->getOperands(),
                         ifOp.getResults()))
            join(yielded, result);
    if (auto dot = dyn_cast<DotOp>(op))
      join(dot.getAcc(), dot.getResult());
  });

  // Fixed layouts, then the flow across reductions and broadcasts. A
  // layout written in the program is kept (and one it conflicts with is an
  // error at the op); a wgmma accumulator is spread over whole warpgroups
  // of 4 warps.
  auto accumulator = WgmmaAccLayoutAttr::get(ctx, std::max<int64_t>(1, warps / 4));
  bool changed = true, failedAny = false;
  for (Value v : tiles)
    if (auto written = dyn_cast_or_null<LayoutAttrInterface>(
            cast<RankedTensorType>(v.getType()).getEncoding())) {
      Operation *where = v.getDefiningOp() ? v.getDefiningOp()
                                           : kernel.getOperation();
      if (failed(require(v, written, where, changed)))
        return failure();
    }
  kernel.walk([&](DotOp dot) {
    if (warps % 4 != 0) {
      dot.emitOpError() << "runs on warpgroups of 4 warps (wgmma), but the "
                           "kernel has num_warps = "
                        << warps << ": use a multiple of 4";
      failedAny = true;
      return WalkResult::interrupt();
    }
    if (failed(require(dot.getResult(), accumulator, dot, changed)))
      failedAny = true;
    return WalkResult::advance();
  });
  auto propagate = [&]() -> LogicalResult {
    WalkResult result = kernel.walk([&](Operation *op) {
      LogicalResult ok = success();
      if (auto reduce = dyn_cast<ReduceOp>(op)) {
        if (isa_and_nonnull<SliceLayoutAttr>(layoutOf(reduce.getInput()))) {
          op->emitOpError()
              << "reduces a tile that is itself a reduction's result; "
                 "reducing twice is not supported yet: reduce the 2-d tile "
                 "along one dimension into a 1-d tile of one element "
                 "instead, or store the 1-d result and reduce it again";
          return WalkResult::interrupt();
        }
        if (auto in = layoutOf(reduce.getInput()))
          ok = require(reduce.getResult(),
                       SliceLayoutAttr::get(ctx, reduce.getDim(), in), op,
                       changed);
      } else if (auto transpose = dyn_cast<TransposeOp>(op)) {
        for (auto [from, to] :
             {std::make_pair(transpose.getInput(), transpose.getResult()),
              std::make_pair(transpose.getResult(), transpose.getInput())}) {
          LayoutAttrInterface known = layoutOf(from);
          if (!known || layoutOf(to))
            continue;
          BlockedLayoutAttr swapped = transposed(known);
          if (!swapped) {
            op->emitOpError()
                << "transposes a tile laid out as " << known
                << ": only blocked layouts transpose in registers; transpose "
                   "a tile loaded from memory or computed element-wise";
            return WalkResult::interrupt();
          }
          ok = require(to, swapped, op, changed);
          break;
        }
      } else if (auto broadcast = dyn_cast<BroadcastOp>(op)) {
        if (auto out = layoutOf(broadcast.getResult()))
          ok = require(broadcast.getInput(),
                       SliceLayoutAttr::get(ctx, broadcast.getDim(), out), op,
                       changed);
        else if (auto slice = dyn_cast_or_null<SliceLayoutAttr>(
                     layoutOf(broadcast.getInput())))
          if (slice.getDim() == static_cast<int64_t>(broadcast.getDim()))
            ok = require(broadcast.getResult(), slice.getParent(), op,
                         changed);
      }
      return failed(ok) ? WalkResult::interrupt() : WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  };
  if (failedAny)
    return failure();
  // Fixpoint; then a default for the largest group nothing fixed, and
  // again, until every tile that needs registers has a layout.
  while (true) {
    while (changed) {
      changed = false;
      if (failed(propagate()))
        return failure();
    }
    // A tile.load whose tile only feeds tile.dot operands lives in shared
    // memory.
    auto sharedOnly = [&](Value v) {
      if (!v.getDefiningOp<LoadOp>())
        return false;
      return llvm::all_of(v.getUsers(), [&](Operation *user) {
        auto dot = dyn_cast<DotOp>(user);
        return dot && dot.getAcc() != v;
      });
    };
    Value pick;
    for (Value v : tiles) {
      if (layoutOf(v) || sharedOnly(v))
        continue;
      auto type = cast<RankedTensorType>(v.getType());
      if (!pick || type.getRank() >
                       cast<RankedTensorType>(pick.getType()).getRank())
        pick = v;
    }
    if (!pick)
      break;
    auto type = cast<RankedTensorType>(pick.getType());
    // Vectors as wide as the memory accesses of the group allow: its
    // narrowest loaded or stored element type (bf16 loads of a tile
    // computed in f32: 8 a thread, not 4).
    int64_t bits = 0;
    for (Value v : tiles) {
      if (leader(v) != leader(pick))
        continue;
      bool moved = v.getDefiningOp<LoadOp>() ||
                   llvm::any_of(v.getUsers(), [&](Operation *user) {
                     auto store = dyn_cast<StoreOp>(user);
                     return store && store.getValue() == v;
                   });
      if (moved) {
        int64_t width = elementBits(v.getType());
        bits = bits ? std::min(bits, width) : width;
      }
    }
    if (!bits) // nothing in the group touches memory
      bits = elementBits(type);
    LayoutAttrInterface layout = defaultLayout(type, bits);
    if (!layout) {
      Operation *where = pick.getDefiningOp() ? pick.getDefiningOp()
                                              : kernel.getOperation();
      return where->emitOpError()
             << "has a " << type << " that no blocked layout of " << warps
             << " warps covers; use a tile size that is a multiple of the "
                "threads";
    }
    if (failed(require(pick, layout, kernel, changed)))
      return failure();
  }

  // Write the layouts into the types.
  for (Value v : tiles) {
    LayoutAttrInterface layout = layoutOf(v);
    if (!layout)
      continue;
    auto type = cast<RankedTensorType>(v.getType());
    v.setType(RankedTensorType::get(type.getShape(), type.getElementType(),
                                    layout));
  }
  if (failed(reconcileTransposes()))
    return failure();
  // A conversion whose two sides got one layout (one written in the
  // program, say) moves nothing.
  kernel.walk([&](ConvertLayoutOp op) {
    if (op.getInput().getType() == op.getType()) {
      op.getResult().replaceAllUsesWith(op.getInput());
      op.erase();
    }
  });
  coalesceMemoryAccesses();
  return stageDotOperands();
}

/// A transpose whose input and result groups were fixed apart (e.g. x +
/// transpose(x): both sides in one group) keeps each thread's elements:
/// its result takes the input's layout transposed, and a
/// tile.convert_layout goes to the layout the result's group has.
LogicalResult LayoutAssignment::reconcileTransposes() {
  WalkResult result = kernel.walk([&](TransposeOp op) {
    auto in = cast<RankedTensorType>(op.getInput().getType());
    auto out = cast<RankedTensorType>(op.getType());
    BlockedLayoutAttr swapped =
        transposed(dyn_cast_or_null<LayoutAttrInterface>(in.getEncoding()));
    if (!swapped) {
      op.emitOpError() << "transposes a tile laid out as " << in.getEncoding()
                       << ": only blocked layouts transpose in registers; "
                          "transpose a tile loaded from memory or computed "
                          "element-wise";
      return WalkResult::interrupt();
    }
    if (out.getEncoding() == swapped)
      return WalkResult::advance();
    OpBuilder b(op);
    b.setInsertionPointAfter(op);
    op.getResult().setType(
        RankedTensorType::get(out.getShape(), out.getElementType(), swapped));
    auto convert = ConvertLayoutOp::create(b, op.getLoc(), out, op.getResult());
    op.getResult().replaceAllUsesExcept(convert.getResult(), convert);
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Each tile.dot operand loaded from memory is loaded in the
/// default blocked layout and converted to #tile.shared, which the register
/// lowering's tile.dot reads: A and an N x K B (transpose_rhs) K-major, a
/// K x N B MN-major (16-bit types), or for fp8 (which wgmma reads K-major
/// only) staged as loaded and converted to #tile.shared<transposed>.
LogicalResult LayoutAssignment::stageDotOperands() {
  // A load that several dots read in the same role (a rotated loop's Q:
  // S of the peeled first block and of the loop) is staged once, at the
  // first of them in program order or right after the load: the walk
  // visits them in that order.
  struct Role {
    unsigned operand;
    bool transposeRhs, transposeB, registerA;
    bool operator==(const Role &o) const {
      return operand == o.operand && transposeRhs == o.transposeRhs &&
             transposeB == o.transposeB && registerA == o.registerA;
    }
  };
  SmallVector<std::tuple<Value, Role, Value>> stagedForDots;
  WalkResult result = kernel.walk([&](DotOp dot) {
    // A load that feeds both operands of the dot (x·xᵀ) is staged once.
    DenseMap<Value, Value> stagedLoads;
    Type elt = dot.getLhs().getType().getElementType();
    // fp8 wgmma reads B K-major only: a K x N B is staged as TMA loads it,
    // then transposed in shared memory (a shared-to-shared conversion).
    bool transposeB = !dot.getTransposeRhs() &&
                      isa<Float8E4M3FNType, Float8E5M2Type>(elt);
    bool registerA =
        readsRegisterA(dot.getLhs().getType(), dot.getType().getEncoding());
    if (registerA && elt.getIntOrFloatBitWidth() == 8 && !transposeB) {
      dot.emitOpError()
          << "reads an fp8 A from registers with B as N x K "
             "(transpose_rhs); fp8 register A needs B's K index in the "
             "accumulator's order, which only a K x N B gets (transposed "
             "in shared memory): drop transpose_rhs and pass B as K x N, or "
             "load A from memory";
      return WalkResult::interrupt();
    }
    for (OpOperand *operand : {&dot.getLhsMutable(), &dot.getRhsMutable()}) {
      if (Value staged = stagedLoads.lookup(operand->get())) {
        // x·x with an fp8 B: B is the transposition of A's staging.
        if (transposeB && operand->getOperandNumber() == 1) {
          auto type = cast<RankedTensorType>(staged.getType());
          auto transposed = SharedLayoutAttr::get(
              ctx, widestSwizzle(type.getShape()[0], elementBits(type) / 8),
              /*transposed=*/true, /*accOrder=*/false);
          if (failed(transposed.verifyEncoding(
                  type.getShape(), type.getElementType(),
                  [&] { return dot.emitOpError(); })))
            return WalkResult::interrupt();
          OpBuilder b(dot);
          staged = ConvertLayoutOp::create(
              b, dot.getLoc(),
              RankedTensorType::get(type.getShape(), type.getElementType(),
                                    transposed),
              staged);
        }
        operand->set(staged);
        continue;
      }
      auto load = operand->get().getDefiningOp<LoadOp>();
      auto type = cast<RankedTensorType>(operand->get().getType());
      // A computed in the accumulator layout (attention's P from the
      // scores) is read from registers.
      if (operand->getOperandNumber() == 0 && registerA)
        continue;
      Role role{operand->getOperandNumber(), dot.getTransposeRhs(),
                transposeB, registerA};
      if (load) {
        auto it = llvm::find_if(stagedForDots, [&](const auto &entry) {
          return std::get<0>(entry) == load.getResult() &&
                 std::get<1>(entry) == role;
        });
        if (it != stagedForDots.end()) {
          stagedLoads[load.getResult()] = std::get<2>(*it);
          operand->set(std::get<2>(*it));
          continue;
        }
      }
      if (!load || type.getEncoding()) {
        dot.emitOpError()
            << "operand #" << operand->getOperandNumber()
            << " is not a tile loaded from memory for the dot alone; "
               "the register lowering's tile.dot reads its operands from "
               "shared memory, staged from a tile.load each (or A, of 16 "
               "bits and K a multiple of 16, from registers in the "
               "accumulator's layout): load the operand right before the "
               "dot";
        return WalkResult::interrupt();
      }
      // A K-major operand takes the widest swizzle its rows fill (TMA's
      // and wgmma's 128, 64 or 32 bytes): 64 bf16 columns or 128 fp8 take
      // 128 bytes; 32 bf16 or 64 fp8 (fp8 attention's D = 64), 64. An
      // MN-major B (K x N) keeps 128 (narrower MN-major spans are not
      // lowered), but one transposed next (fp8) is only read by the
      // transposition: as K-major.
      bool kMajor = operand->getOperandNumber() == 0 ||
                    dot.getTransposeRhs() || transposeB;
      int64_t eltBytes = elementBits(type) / 8;
      // (An MN-major B keeps 128: narrower MN-major spans are not lowered.)
      int64_t swizzle =
          kMajor ? widestSwizzle(type.getShape().back(), eltBytes) : 128;
      auto shared = SharedLayoutAttr::get(ctx, swizzle);
      auto staged =
          RankedTensorType::get(type.getShape(), type.getElementType(), shared);
      if (failed(shared.verifyEncoding(type.getShape(), type.getElementType(),
                                       [&] { return dot.emitOpError(); })))
        return WalkResult::interrupt();
      LayoutAttrInterface blocked =
          defaultLayout(type, elementBits(type));
      // A load in a loop or at the kernel's top level that no blocked
      // layout covers (a 128-row K tile over 12 warps) is staged without
      // one: tile-pipeline-loads makes it a TMA load into a ring, which
      // moves no registers. If it does not, the register lowering says so
      // at the load.
      bool ringable = isa<scf::ForOp>(load->getParentOp()) ||
                      load->getParentOp() == kernel.getOperation();
      if (!blocked && !ringable) {
        dot.emitOpError() << "operand #" << operand->getOperandNumber()
                          << " " << type << " has no blocked layout of "
                          << warps << " warps";
        return WalkResult::interrupt();
      }
      // Staged at the dot, or right after a load made outside the dot's
      // block (attention's Q before the loop: staged once, not each
      // iteration). A B transposed in shared memory is staged and
      // transposed right after its load: the transposition then comes
      // before the dots in between (fp8 attention's S = Q Kᵀ), which
      // tile-pipeline-loads issues ahead of it, so that it overlaps them.
      bool transposing = transposeB && operand->getOperandNumber() == 1;
      OpBuilder b(dot);
      if (load->getBlock() != dot->getBlock() || transposing)
        b.setInsertionPointAfter(load);
      if (blocked)
        load.getResult().setType(RankedTensorType::get(
            type.getShape(), type.getElementType(), blocked));
      auto convert =
          ConvertLayoutOp::create(b, dot.getLoc(), staged, load.getResult());
      Value operandValue = convert.getResult();
      if (transposing) {
        // Vᵀ: K x N stored N rows of K, the span K's bytes fill; with an
        // fp8 A from registers, K in the accumulator's order.
        auto transposed = SharedLayoutAttr::get(
            ctx, widestSwizzle(type.getShape()[0], eltBytes),
            /*transposed=*/true, /*accOrder=*/registerA);
        if (failed(transposed.verifyEncoding(type.getShape(),
                                             type.getElementType(),
                                             [&] { return dot.emitOpError(); })))
          return WalkResult::interrupt();
        operandValue = ConvertLayoutOp::create(
            b, dot.getLoc(),
            RankedTensorType::get(type.getShape(), type.getElementType(),
                                  transposed),
            operandValue);
      }
      stagedLoads[load.getResult()] = operandValue;
      stagedForDots.emplace_back(load.getResult(), role, operandValue);
      operand->set(operandValue);
    }
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Whether loading or storing a tile of `type` in the wgmma accumulator
/// layout would move fewer bytes an access than the default layout: a
/// thread holds pairs of adjacent columns (4 bytes of bf16), so a warp
/// moves 16 bytes of each of 8 rows an instruction. Converted through
/// shared memory instead, each thread moves 16 bytes and a warp whole rows.
bool LayoutAssignment::narrowAccumulatorAccess(RankedTensorType type) {
  auto acc = dyn_cast_or_null<WgmmaAccLayoutAttr>(type.getEncoding());
  if (!acc)
    return false;
  // Only tiles the threads can hold (the register lowering refuses the
  // others with its own error): no overflow in the layouts' element
  // counts, and contiguousRun walks few elements.
  int64_t total = 1;
  for (int64_t extent : type.getShape())
    if (extent <= 0 || llvm::MulOverflow(total, extent, total))
      return false;
  if (total > kMaxElementsPerThread * warps * 32)
    return false;
  int64_t bytes = std::max<int64_t>(1, elementBits(type) / 8);
  auto coalesced = defaultLayout(type, elementBits(type));
  return coalesced &&
         contiguousRun(acc, type.getShape(), bytes) <
             contiguousRun(coalesced, type.getShape(), bytes);
}

/// A load or store whose tile's layout runs across the contiguous
/// dimension (a transposed tile) moves it in the default layout instead,
/// converted through shared memory: one conversion instead of an access
/// per element. So does a load or store of a wgmma accumulator
/// (narrowAccumulatorAccess).
void LayoutAssignment::coalesceMemoryAccesses() {
  auto coalesced = [&](RankedTensorType type) {
    auto layout = defaultLayout(type, elementBits(type));
    return layout ? RankedTensorType::get(type.getShape(),
                                          type.getElementType(), layout)
                  : RankedTensorType();
  };
  kernel.walk([&](Operation *op) {
    OpBuilder b(op);
    if (auto store = dyn_cast<StoreOp>(op)) {
      auto type = cast<RankedTensorType>(store.getValue().getType());
      bool narrow = narrowAccumulatorAccess(type);
      // An accumulator stored inside a loop (a persistent GEMM's epilogue
      // at each block's last k-step) goes from registers: a conversion's
      // buffer would live beside the loop's rings and take the shared
      // memory of a stage, which the main loop needs more (bench/
      // RESULTS.md, session 15).
      if (narrow && op->getParentOfType<scf::ForOp>())
        return;
      if (runsAlongLastDim(type) && !narrow)
        return;
      if (RankedTensorType target = coalesced(type))
        store.getValueMutable().assign(ConvertLayoutOp::create(
            b, store.getLoc(), target, store.getValue()));
    } else if (auto load = dyn_cast<LoadOp>(op)) {
      auto type = cast<RankedTensorType>(load.getType());
      if (runsAlongLastDim(type) && !narrowAccumulatorAccess(type))
        return;
      RankedTensorType source = coalesced(type);
      if (!source)
        return;
      b.setInsertionPointAfter(load);
      load.getResult().setType(source);
      auto convert = ConvertLayoutOp::create(b, load.getLoc(), type,
                                             load.getResult());
      load.getResult().replaceAllUsesExcept(convert.getResult(), convert);
    }
  });
}

struct TileAssignLayoutsPass
    : public mlir::tile::impl::TileAssignLayoutsBase<TileAssignLayoutsPass> {
  using TileAssignLayoutsBase::TileAssignLayoutsBase;
  void runOnOperation() override {
    KernelOp kernel = getOperation();
    if (!kernel.isSpecialized()) {
      kernel.emitOpError() << "has unbound parameters; run tile-specialize "
                              "before tile-assign-layouts";
      return signalPassFailure();
    }
    ::tile::Bindings config = configBindings(kernel);
    int64_t warps = 4;
    if (ExprAttr numWarps = kernel.getNumWarpsAttr()) {
      auto value = numWarps.evaluate(config);
      if (!value) {
        kernel.emitOpError() << "num_warps: "
                             << llvm::toString(value.takeError());
        return signalPassFailure();
      }
      warps = *value;
    }
    // CUDA's 1024 threads a block; layouts multiply warps by threads.
    if (warps < 1 || warps > 32) {
      kernel.emitOpError() << "num_warps = " << warps
                           << " must be between 1 and 32 (1024 threads a "
                              "block)";
      return signalPassFailure();
    }
    if (failed(LayoutAssignment(kernel, warps).run()))
      signalPassFailure();
  }
};

} // namespace
