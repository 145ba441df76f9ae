//===- AsyncDots.cpp - what lets tile.dots run async ----------------------===//

#include "tile/Dialect/Tile/AsyncDots.h"

#include "tile/Dialect/Tile/TileOps.h"

using namespace mlir;

std::optional<int64_t> mlir::tile::asyncDotsBetween(Operation *dot,
                                                    Operation *wait) {
  int64_t younger = 0;
  for (Operation *op = dot->getNextNode(); op && op != wait;
       op = op->getNextNode()) {
    if (auto other = dyn_cast<DotOp>(op); other && other.getAsync()) {
      ++younger;
      continue;
    }
    bool issues = false;
    for (Region &region : op->getRegions())
      region.walk([&](DotOp) { issues = true; });
    if (issues)
      return std::nullopt;
  }
  return younger;
}

Value mlir::tile::foldedAccRestart(DotOp dot) {
  auto lhs = cast<RankedTensorType>(dot.getLhs().getType());
  if (!isa_and_nonnull<SharedLayoutAttr>(lhs.getEncoding()))
    return Value();
  return dot.getAccZeroedIf();
}
