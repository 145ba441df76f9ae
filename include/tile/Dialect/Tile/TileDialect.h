//===- TileDialect.h - the tile dialect -------------------------*- C++ -*-===//
#ifndef TILE_DIALECT_TILE_TILEDIALECT_H
#define TILE_DIALECT_TILE_TILEDIALECT_H

#include "tile/Support/SymbolicExpr.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/TensorEncoding.h"

#include "tile/Dialect/Tile/TileDialect.h.inc"
#include "tile/Dialect/Tile/TileEnums.h.inc"
#include "tile/Dialect/Tile/TileAttrInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "tile/Dialect/Tile/TileAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "tile/Dialect/Tile/TileTypes.h.inc"

namespace mlir::tile {

/// One dimension of a tile: a static extent or a symbol.
struct TileDim {
  int64_t extent = ShapedType::kDynamic; // static extent, or kDynamic
  StringRef symbol;                      // set where extent is kDynamic
  bool operator==(const TileDim &o) const {
    return extent == o.extent && symbol == o.symbol;
  }
  bool operator!=(const TileDim &o) const { return !(*this == o); }
  std::string str() const;
};

/// The dimensions of a tile type, symbolic where its #tile.shape says so.
/// Fails (without a diagnostic) for a dynamic dimension that names no symbol.
FailureOr<SmallVector<TileDim>> getTileDims(RankedTensorType type);

/// Renders dims as "BLOCK_M x 64".
std::string formatTileDims(ArrayRef<TileDim> dims);

/// Coordinates of element `element` of thread `thread` in a tile of `shape`
/// laid out as `layout` (its getCoordinates map, evaluated).
SmallVector<int64_t> getElementCoords(LayoutAttrInterface layout,
                                      ArrayRef<int64_t> shape, int64_t thread,
                                      int64_t element);

} // namespace mlir::tile

#endif // TILE_DIALECT_TILE_TILEDIALECT_H
