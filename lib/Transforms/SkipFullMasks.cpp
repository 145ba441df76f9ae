//===- SkipFullMasks.cpp - selects that skip masks known all true ---------===//
//
// A bounds or causal mask is an affine function of the element coordinates
// compared with run-time scalars; over a block it is usually true
// everywhere (every key block but the last and the diagonal). Here a
// select on such a mask asks first, with a few scalar ops, whether the
// whole mask holds, and computes the mask per element only where it does
// not (the attention emitter of sessions 1-12 did this inside itself); as a
// tile-to-tile rewrite it serves every kernel.
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/Passes.h"

#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

#include <optional>

namespace mlir::tile {
#define GEN_PASS_DEF_TILESKIPFULLMASKS
#include "tile/Transforms/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

namespace {

/// An integer tile as sum_d coeffs[d] * i_d + offset over its element
/// coordinates i; offset an i64 scalar (null: 0).
struct AffineIndex {
  SmallVector<int64_t> coeffs;
  Value offset;
};

class MaskAnalysis {
public:
  MaskAnalysis(OpBuilder &b, Location loc, bool cornerOnly)
      : b(b), loc(loc), cornerOnly(cornerOnly) {}

  /// Whether `mask` is built only of ops the check understands; collects
  /// them (tile ops of the mask, in any order) into `ops`.
  bool understood(Value mask, SetVector<Operation *> &ops);
  /// An i1 scalar, true only if every element of `mask` is true.
  Value allTrue(Value mask) { return bounds(mask).first; }

private:
  bool understoodIndex(Value tile, SetVector<Operation *> &ops);
  /// (every element true, every element false) as i1 scalars.
  std::pair<Value, Value> bounds(Value mask);
  AffineIndex affine(Value tile);
  Value i64(Value scalar);
  Value constI64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }
  Value constI1(bool v) {
    return arith::ConstantIntOp::create(b, loc, b.getI1Type(), v);
  }
  Value notI1(Value v) {
    return b.createOrFold<arith::XOrIOp>(loc, v, constI1(true));
  }

  OpBuilder &b;
  Location loc;
  bool cornerOnly;
};

using Pred = arith::CmpIPredicate;

bool isStaticTile(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape();
}

bool MaskAnalysis::understoodIndex(Value tile, SetVector<Operation *> &ops) {
  Operation *def = tile.getDefiningOp();
  if (!def || !isStaticTile(tile))
    return false;
  if (isa<SplatOp, IotaOp>(def)) {
    ops.insert(def);
    return true;
  }
  if (isa<arith::AddIOp, arith::SubIOp>(def) &&
      understoodIndex(def->getOperand(0), ops) &&
      understoodIndex(def->getOperand(1), ops)) {
    ops.insert(def);
    return true;
  }
  return false;
}

bool MaskAnalysis::understood(Value mask, SetVector<Operation *> &ops) {
  Operation *def = mask.getDefiningOp();
  if (!def || !isStaticTile(mask))
    return false;
  if (isa<SplatOp>(def)) {
    ops.insert(def);
    return true;
  }
  if (isa<arith::AndIOp, arith::OrIOp, arith::XOrIOp>(def) &&
      understood(def->getOperand(0), ops) &&
      understood(def->getOperand(1), ops)) {
    ops.insert(def);
    return true;
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(def);
      cmp &&
      llvm::is_contained({Pred::slt, Pred::sle, Pred::sgt, Pred::sge},
                         cmp.getPredicate()) &&
      understoodIndex(cmp.getLhs(), ops) &&
      understoodIndex(cmp.getRhs(), ops)) {
    ops.insert(def);
    return true;
  }
  return false;
}

Value MaskAnalysis::i64(Value scalar) {
  Type type = scalar.getType();
  if (type.isIndex())
    return b.createOrFold<arith::IndexCastOp>(loc, b.getI64Type(), scalar);
  if (type.getIntOrFloatBitWidth() < 64)
    return b.createOrFold<arith::ExtSIOp>(loc, b.getI64Type(), scalar);
  return scalar;
}

AffineIndex MaskAnalysis::affine(Value tile) {
  auto type = cast<RankedTensorType>(tile.getType());
  AffineIndex result{SmallVector<int64_t>(type.getRank(), 0), Value()};
  Operation *def = tile.getDefiningOp();
  if (auto splat = dyn_cast<SplatOp>(def)) {
    result.offset = i64(splat.getValue());
    return result;
  }
  if (auto iota = dyn_cast<IotaOp>(def)) {
    result.coeffs[iota.getDim()] = 1;
    return result;
  }
  // addi or subi (understoodIndex checked).
  AffineIndex lhs = affine(def->getOperand(0));
  AffineIndex rhs = affine(def->getOperand(1));
  int64_t sign = isa<arith::SubIOp>(def) ? -1 : 1;
  for (auto [r, l, x] : llvm::zip(result.coeffs, lhs.coeffs, rhs.coeffs))
    r = l + sign * x;
  if (!rhs.offset)
    result.offset = lhs.offset;
  else if (sign < 0)
    result.offset = b.createOrFold<arith::SubIOp>(
        loc, lhs.offset ? lhs.offset : constI64(0), rhs.offset);
  else
    result.offset =
        lhs.offset ? b.createOrFold<arith::AddIOp>(loc, lhs.offset, rhs.offset)
                   : rhs.offset;
  return result;
}

std::pair<Value, Value> MaskAnalysis::bounds(Value mask) {
  Operation *def = mask.getDefiningOp();
  if (auto splat = dyn_cast<SplatOp>(def)) {
    Value c = splat.getValue();
    return {c, notI1(c)};
  }
  if (auto cmp = dyn_cast<arith::CmpIOp>(def)) {
    // lhs - rhs = sum_d c_d * i_d + base; its extremes over the tile are
    // at corners: base plus the negative (or positive) terms at i_d = n - 1.
    AffineIndex lhs = affine(cmp.getLhs()), rhs = affine(cmp.getRhs());
    Value base = b.createOrFold<arith::SubIOp>(
        loc, lhs.offset ? lhs.offset : constI64(0),
        rhs.offset ? rhs.offset : constI64(0));
    ArrayRef<int64_t> shape = cast<RankedTensorType>(mask.getType()).getShape();
    int64_t lo = 0, hi = 0;
    for (auto [d, n] : llvm::enumerate(shape)) {
      // test-mutation=mask-check-corner: only the tile's first element
      // (every index 0) is examined, so a block whose first key or column
      // is unmasked passes as full (a bug of the kind min/max mix-ups
      // make).
      int64_t last = cornerOnly ? 0 : n - 1;
      int64_t c = lhs.coeffs[d] - rhs.coeffs[d];
      lo += std::min<int64_t>(0, c * last);
      hi += std::max<int64_t>(0, c * last);
    }
    Value minDiff = b.createOrFold<arith::AddIOp>(loc, base, constI64(lo));
    Value maxDiff = b.createOrFold<arith::AddIOp>(loc, base, constI64(hi));
    auto holds = [&](Pred p, Value diff) -> Value {
      return b.createOrFold<arith::CmpIOp>(loc, p, diff, constI64(0));
    };
    switch (cmp.getPredicate()) {
    case Pred::slt: // every diff < 0; none if the smallest is >= 0
      return {holds(Pred::slt, maxDiff), holds(Pred::sge, minDiff)};
    case Pred::sle:
      return {holds(Pred::sle, maxDiff), holds(Pred::sgt, minDiff)};
    case Pred::sgt:
      return {holds(Pred::sgt, minDiff), holds(Pred::sle, maxDiff)};
    default: // sge (understood() admits no other predicate)
      return {holds(Pred::sge, minDiff), holds(Pred::slt, maxDiff)};
    }
  }
  auto x = bounds(def->getOperand(0)), y = bounds(def->getOperand(1));
  if (isa<arith::AndIOp>(def))
    return {b.createOrFold<arith::AndIOp>(loc, x.first, y.first),
            b.createOrFold<arith::OrIOp>(loc, x.second, y.second)};
  if (isa<arith::OrIOp>(def))
    return {b.createOrFold<arith::OrIOp>(loc, x.first, y.first),
            b.createOrFold<arith::AndIOp>(loc, x.second, y.second)};
  // xori: all true when one side is all true and the other all false.
  Value tf = b.createOrFold<arith::AndIOp>(loc, x.first, y.second);
  Value ft = b.createOrFold<arith::AndIOp>(loc, x.second, y.first);
  Value tt = b.createOrFold<arith::AndIOp>(loc, x.first, y.first);
  Value ff = b.createOrFold<arith::AndIOp>(loc, x.second, y.second);
  return {b.createOrFold<arith::OrIOp>(loc, tf, ft),
          b.createOrFold<arith::OrIOp>(loc, tt, ff)};
}

/// Rewrites `select` into an scf.if on the mask's all-true check and moves
/// the mask's ops that only the select needed into the else branch.
void skipFullMask(arith::SelectOp select, bool cornerOnly) {
  OpBuilder b(select);
  Location loc = select.getLoc();
  MaskAnalysis analysis(b, loc, cornerOnly);
  SetVector<Operation *> maskOps;
  if (!analysis.understood(select.getCondition(), maskOps))
    return;
  Value full = analysis.allTrue(select.getCondition());
  Type type = select.getType();
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, full,
                                /*withElseRegion=*/true);
  b.setInsertionPointToStart(ifOp.thenBlock());
  scf::YieldOp::create(b, loc, select.getTrueValue());
  b.setInsertionPointToStart(ifOp.elseBlock());
  auto yield = scf::YieldOp::create(b, loc, select.getResult());
  select.getResult().replaceAllUsesExcept(ifOp.getResult(0), yield);
  select->moveBefore(yield);

  // Sink, latest first, each mask op of this block whose users all are in
  // the else branch now (ops used elsewhere too stay where they are).
  Block *block = ifOp->getBlock();
  SmallVector<Operation *> local;
  for (Operation *op : maskOps)
    if (op->getBlock() == block)
      local.push_back(op);
  llvm::sort(local,
             [](Operation *x, Operation *y) { return y->isBeforeInBlock(x); });
  Region &elseRegion = ifOp.getElseRegion();
  for (Operation *op : local) {
    bool onlyElse = llvm::all_of(op->getUsers(), [&](Operation *user) {
      return elseRegion.isAncestor(user->getParentRegion());
    });
    if (onlyElse)
      op->moveBefore(&ifOp.elseBlock()->front());
  }
}

struct TileSkipFullMasksPass
    : public mlir::tile::impl::TileSkipFullMasksBase<TileSkipFullMasksPass> {
  using TileSkipFullMasksBase::TileSkipFullMasksBase;

  void runOnOperation() override {
    KernelOp kernel = getOperation();
    if (!testMutation.empty() && testMutation != "mask-check-corner") {
      kernel.emitOpError() << "unknown test-mutation '" << testMutation
                           << "' for tile-skip-full-masks (known: "
                              "mask-check-corner)";
      return signalPassFailure();
    }
    SmallVector<arith::SelectOp> selects;
    kernel.walk([&](arith::SelectOp select) {
      if (isStaticTile(select.getCondition()))
        selects.push_back(select);
    });
    for (arith::SelectOp select : selects)
      skipFullMask(select, testMutation == "mask-check-corner");
  }
};

} // namespace
