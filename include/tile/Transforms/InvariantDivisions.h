//===- InvariantDivisions.h - division by a multiplier ----------*- C++ -*-===//
//
// The arithmetic of tile-invariant-divisions (Passes.td), exposed so that a
// test can fold it with constants and compare it with the division.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TRANSFORMS_INVARIANTDIVISIONS_H
#define TILE_TRANSFORMS_INVARIANTDIVISIONS_H

#include "mlir/IR/Builders.h"

namespace mlir::tile {

/// n / d = (t + ((n - t) >> shift1)) >> shift2 with t = mulhi(n, multiplier),
/// for every i32 n and the i32 divisor d the multiplier was made for.
struct DivisionMagic {
  Value multiplier, shift1, shift2;
};

/// The multiplier and shifts of the i32 `divisor` (1 if it is 0). With
/// `floorOnly` (test-mutation=divide-floor) the multiplier lacks its + 1,
/// a planted bug.
DivisionMagic buildDivisionMagic(OpBuilder &b, Location loc, Value divisor,
                                 bool floorOnly = false);

/// The i32 quotient n / d by `magic` (buildDivisionMagic of d).
Value buildMagicDivide(OpBuilder &b, Location loc, Value n,
                       const DivisionMagic &magic);

} // namespace mlir::tile

#endif // TILE_TRANSFORMS_INVARIANTDIVISIONS_H
