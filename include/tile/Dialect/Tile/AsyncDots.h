//===- AsyncDots.h - what lets tile.dots run async -------------*- C++ -*-===//
#ifndef TILE_DIALECT_TILE_ASYNCDOTS_H
#define TILE_DIALECT_TILE_ASYNCDOTS_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace mlir::tile {

/// The async tile.dots issued after `dot` and before `wait`, two ops of
/// one block (`dot` first); nullopt when an op in between holds a tile.dot
/// in a region (it might issue more). wgmma groups complete in the order
/// they are issued, so a tile.dot_wait with `pending` = N finishes `dot`
/// when this is at least N (tile-pipeline-loads sets `pending` to it; the
/// register lowering checks it).
std::optional<int64_t> asyncDotsBetween(Operation *dot, Operation *wait);

class ConvertLayoutOp;
class DotOp;

/// The i1 restarting `dot`'s sum (DotOp::getAccZeroedIf) when the register
/// lowering folds the select into wgmma's scale-d: A read from shared
/// memory (the register-A form takes scale-d as an immediate). Null
/// otherwise: the select is then computed element by element, reading the
/// accumulator, so tile-pipeline-loads must not leave the dot before it in
/// flight.
Value foldedAccRestart(DotOp dot);

/// Whether the register lowering may give the transposition in shared
/// memory `convert` buffers in turn (by iteration; LoweringState::
/// Transposition), as far as its place decides: in a loop of the kernel's
/// body (an inner loop restarts its iteration count while barrier phases
/// go on), from a tile in shared memory, read only by tile.dots after it
/// in that body. The lowering also needs each of those dots to complete
/// in the iteration or, carried, in the next one (three buffers then);
/// tile-pipeline-loads carries a dot over such an operand only.
bool transpositionAlternates(ConvertLayoutOp convert);

} // namespace mlir::tile

#endif // TILE_DIALECT_TILE_ASYNCDOTS_H
