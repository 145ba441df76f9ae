//===- InvariantDivisions.cpp - divide by loop invariants, multiplying ----===//
//
// A 32-bit division by a register is a twenty-instruction sequence on
// NVIDIA GPUs, with a reciprocal on the SFU. A persistent kernel divides
// its loop's iteration by loop invariants every iteration to find its tile;
// the multiplier that replaces each division is computed once, before the
// loop (the pass's description in Passes.td has the formulas).
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/InvariantDivisions.h"
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

// createOrFold throughout: with constant operands the whole computation
// folds (unittests/InvariantDivisionsTest.cpp compares it with n / d).
DivisionMagic mlir::tile::buildDivisionMagic(OpBuilder &b, Location loc,
                                             Value divisor, bool floorOnly) {
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
  Value isZero = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                               divisor, c32(0));
  Value d = b.createOrFold<arith::SelectOp>(loc, isZero, c32(1), divisor);
  // l = ceil(log2 d) = 32 - ctlz(d - 1): 0 for d = 1, 32 above 2^31.
  Value dMinus1 = b.createOrFold<arith::SubIOp>(loc, d, c32(1));
  Value leading = b.createOrFold<math::CountLeadingZerosOp>(loc, dMinus1);
  Value l = b.createOrFold<arith::SubIOp>(loc, c32(32), leading);
  // m = floor(2^32 (2^l - d) / d) + 1 < 2^32 (2^l < 2d), in 64 bits.
  Value l64 = b.createOrFold<arith::ExtUIOp>(loc, i64, l);
  Value d64 = b.createOrFold<arith::ExtUIOp>(loc, i64, d);
  Value pow = b.createOrFold<arith::ShLIOp>(loc, c64(1), l64);
  Value excess = b.createOrFold<arith::SubIOp>(loc, pow, d64);
  Value scaled = b.createOrFold<arith::ShLIOp>(loc, excess, c64(32));
  Value quotient = b.createOrFold<arith::DivUIOp>(loc, scaled, d64);
  // test-mutation=divide-floor: the multiplier without its + 1.
  Value m64 = floorOnly ? quotient
                        : b.createOrFold<arith::AddIOp>(loc, quotient, c64(1));
  Value m = b.createOrFold<arith::TruncIOp>(loc, i32, m64);
  Value shift1 = b.createOrFold<arith::MinUIOp>(loc, l, c32(1));
  Value lMax1 = b.createOrFold<arith::MaxUIOp>(loc, l, c32(1));
  Value shift2 = b.createOrFold<arith::SubIOp>(loc, lMax1, c32(1));
  return {m, shift1, shift2};
}

Value mlir::tile::buildMagicDivide(OpBuilder &b, Location loc, Value n,
                                   const DivisionMagic &magic) {
  SmallVector<Value, 2> product; // low and high halves
  b.createOrFold<arith::MulUIExtendedOp>(product, loc, n, magic.multiplier);
  Value t = product[1];
  Value rest = b.createOrFold<arith::SubIOp>(loc, n, t);
  Value half = b.createOrFold<arith::ShRUIOp>(loc, rest, magic.shift1);
  Value sum = b.createOrFold<arith::AddIOp>(loc, t, half);
  return b.createOrFold<arith::ShRUIOp>(loc, sum, magic.shift2);
}

namespace {

/// The outermost loop around `op` that `value` is defined outside of, or
/// null when the innermost loop around `op` defines it (or there is none):
/// a division outside every loop, or by a value its loop makes, is left
/// alone.
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
  using TileInvariantDivisionsBase::TileInvariantDivisionsBase;

  void runOnOperation() override {
    KernelOp kernel = getOperation();
    if (!testMutation.empty() && testMutation != "divide-floor") {
      kernel.emitOpError() << "unknown test-mutation '" << testMutation
                           << "' for tile-invariant-divisions (known: "
                              "divide-floor)";
      return signalPassFailure();
    }
    SmallVector<Operation *> divisions;
    kernel.walk([&](Operation *op) {
      if (isa<arith::DivUIOp, arith::RemUIOp>(op) &&
          op->getResult(0).getType().isInteger(32) &&
          !matchPattern(op->getOperand(1), m_Constant()))
        divisions.push_back(op);
    });
    // One multiplier a divisor and loop, computed before the outermost
    // loop the divisor is invariant in. Computing it once right after the
    // divisor instead (shared by a ring's prologue loop and its loop) kept
    // it live through the prologue: ptxas then spilled 172 bytes of the
    // persistent attention's best D = 64 config instead of 148, and it ran
    // ~2.5% slower (bench/RESULTS.md, session 22, call 5).
    llvm::DenseMap<std::pair<Value, Operation *>, DivisionMagic> magics;
    for (Operation *op : divisions) {
      Value n = op->getOperand(0), d = op->getOperand(1);
      Operation *loop = outermostInvariantLoop(op, d, kernel);
      if (!loop)
        continue;
      auto [it, inserted] = magics.try_emplace({d, loop});
      if (inserted) {
        OpBuilder before(loop);
        it->second = buildDivisionMagic(before, op->getLoc(), d,
                                        testMutation == "divide-floor");
      }
      OpBuilder b(op);
      Value q = buildMagicDivide(b, op->getLoc(), n, it->second);
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
