//===- AsyncDots.cpp - what lets tile.dots run async ----------------------===//

#include "tile/Dialect/Tile/AsyncDots.h"

#include "tile/Dialect/Tile/LayoutUtils.h"
#include "tile/Dialect/Tile/TileOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

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
  if (!isShared(dot.getLhs().getType()))
    return Value();
  return dot.getAccZeroedIf();
}

bool mlir::tile::transpositionAlternates(ConvertLayoutOp convert) {
  auto loop = dyn_cast<scf::ForOp>(convert->getParentOp());
  return loop && isa<KernelOp>(loop->getParentOp()) &&
         isShared(convert.getType()) &&
         isShared(convert.getInput().getType()) &&
         llvm::all_of(convert->getUsers(), [&](Operation *user) {
           return isa<DotOp>(user) && user->getBlock() == convert->getBlock() &&
                  convert->isBeforeInBlock(user);
         });
}
