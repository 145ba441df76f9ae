//===- InvariantDivisions.cpp - divide by loop invariants, multiplying ----===//
//
// A 32-bit division by a register is a twenty-instruction sequence on
// NVIDIA GPUs, with a reciprocal on the SFU. A persistent kernel divides
// its loop's iteration by loop invariants every iteration to find its tile;
// the multiplier that replaces each division is computed once, before the
// loop (the pass's description in Passes.td has the formulas).
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::tile {
#define GEN_PASS_DEF_TILEINVARIANTDIVISIONS
#include "tile/Transforms/Passes.h.inc"
} // namespace mlir::tile

using namespace mlir;
using namespace mlir::tile;

namespace {

/// n / d = (t + ((n - t) >> shift1)) >> shift2 with t = mulhi(n, multiplier).
struct Magic {
  Value multiplier, shift1, shift2;
};

Magic buildMagic(OpBuilder &b, Location loc, Value divisor) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
  };
  auto c64 = [&](int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i64, v).getResult();
  };
  // A zero divisor is undefined in arith; 1 keeps the hoisted 64-bit
  // division below from trapping (on the CPU) where the loop, perhaps never
  // run, would not have divided.
  Value isZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       divisor, c32(0));
  Value d = arith::SelectOp::create(b, loc, isZero, c32(1), divisor);
  // l = ceil(log2 d) = 32 - ctlz(d - 1): 0 for d = 1, 32 above 2^31.
  Value dMinus1 = arith::SubIOp::create(b, loc, d, c32(1));
  Value leading = math::CountLeadingZerosOp::create(b, loc, dMinus1);
  Value l = arith::SubIOp::create(b, loc, c32(32), leading);
  // m = floor(2^32 (2^l - d) / d) + 1 < 2^32 (2^l < 2d), in 64 bits.
  Value l64 = arith::ExtUIOp::create(b, loc, i64, l);
  Value d64 = arith::ExtUIOp::create(b, loc, i64, d);
  Value pow = arith::ShLIOp::create(b, loc, c64(1), l64);
  Value excess = arith::SubIOp::create(b, loc, pow, d64);
  Value scaled = arith::ShLIOp::create(b, loc, excess, c64(32));
  Value quotient = arith::DivUIOp::create(b, loc, scaled, d64);
  Value m64 = arith::AddIOp::create(b, loc, quotient, c64(1));
  Value m = arith::TruncIOp::create(b, loc, i32, m64);
  Value shift1 = arith::MinUIOp::create(b, loc, l, c32(1));
  Value lMax1 = arith::MaxUIOp::create(b, loc, l, c32(1));
  Value shift2 = arith::SubIOp::create(b, loc, lMax1, c32(1));
  return {m, shift1, shift2};
}

Value divide(OpBuilder &b, Location loc, Value n, const Magic &magic) {
  Value t = arith::MulUIExtendedOp::create(b, loc, n, magic.multiplier)
                .getHigh();
  Value rest = arith::SubIOp::create(b, loc, n, t);
  Value half = arith::ShRUIOp::create(b, loc, rest, magic.shift1);
  Value sum = arith::AddIOp::create(b, loc, t, half);
  return arith::ShRUIOp::create(b, loc, sum, magic.shift2);
}

/// The outermost loop around `op` that `value` is defined outside of, or
/// null when the innermost loop around `op` defines it (or there is none).
Operation *outermostInvariantLoop(Operation *op, Value value,
                                  Operation *kernel) {
  Operation *found = nullptr;
  for (Operation *parent = op->getParentOp(); parent && parent != kernel;
       parent = parent->getParentOp()) {
    auto loop = dyn_cast<LoopLikeOpInterface>(parent);
    if (!loop)
      continue;
    if (!loop.isDefinedOutsideOfLoop(value))
      break;
    found = parent;
  }
  return found;
}

struct TileInvariantDivisionsPass
    : public mlir::tile::impl::TileInvariantDivisionsBase<
          TileInvariantDivisionsPass> {
  void runOnOperation() override {
    KernelOp kernel = getOperation();
    SmallVector<Operation *> divisions;
    kernel.walk([&](Operation *op) {
      if (isa<arith::DivUIOp, arith::RemUIOp>(op) &&
          op->getResult(0).getType().isInteger(32) &&
          !matchPattern(op->getOperand(1), m_Constant()))
        divisions.push_back(op);
    });
    // One multiplier a divisor and loop: divisions by the same invariant
    // (a tile's block and key step) share it.
    llvm::DenseMap<std::pair<Value, Operation *>, Magic> magics;
    for (Operation *op : divisions) {
      Value n = op->getOperand(0), d = op->getOperand(1);
      Operation *loop = outermostInvariantLoop(op, d, kernel);
      if (!loop)
        continue;
      auto [it, inserted] = magics.try_emplace({d, loop});
      if (inserted) {
        OpBuilder before(loop);
        it->second = buildMagic(before, op->getLoc(), d);
      }
      OpBuilder b(op);
      Value q = divide(b, op->getLoc(), n, it->second);
      Value result = q;
      if (isa<arith::RemUIOp>(op)) {
        Value product = arith::MulIOp::create(b, op->getLoc(), q, d);
        result = arith::SubIOp::create(b, op->getLoc(), n, product);
      }
      op->getResult(0).replaceAllUsesWith(result);
      op->erase();
    }
  }
};

} // namespace
