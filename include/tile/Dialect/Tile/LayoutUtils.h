//===- LayoutUtils.h - questions about register layouts ---------*- C++ -*-===//
//
// What both tile-assign-layouts and the register lowering ask of a layout
// (LayoutAttrInterface) with constant threads and elements.
//
//===----------------------------------------------------------------------===//

#ifndef TILE_DIALECT_TILE_LAYOUTUTILS_H
#define TILE_DIALECT_TILE_LAYOUTUTILS_H

#include "tile/Dialect/Tile/TileOps.h"

namespace mlir::tile {

/// The widest access of one thread to global or shared memory:
/// ld/st.v4.b32.
constexpr int64_t kMaxVectorBytes = 16;

/// Elements of one tile a thread may hold (registers; ptxas spills long
/// before this: a thread has 255): the register lowering refuses larger
/// tiles, and layout questions are only asked of tiles within it (the
/// lowering walks every element of every thread; docs/fuzzing.md,
/// session 17).
constexpr int64_t kMaxElementsPerThread = 512;

/// Whether `type` is a tile staged in shared memory (#tile.shared).
inline bool isShared(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && isa_and_nonnull<SharedLayoutAttr>(tensor.getEncoding());
}

/// Whether a stored row of `columns` elements of `elementBytes` bytes
/// fills whole `span`-byte swizzle spans (#tile.shared's rule): columns a
/// multiple of the elements a span holds, with no product that could
/// overflow.
inline bool rowFillsSpans(int64_t columns, int64_t elementBytes,
                          int64_t span) {
  return elementBytes > 0 && span % elementBytes == 0 &&
         columns % (span / elementBytes) == 0;
}

/// The widest swizzle span (128, 64 or 32 bytes) that a row of `columns`
/// elements fills (rowFillsSpans); 32 when a narrower one does not, 128
/// for elements no span holds whole numbers of (the layout's verifier
/// then says why).
inline int64_t widestSwizzle(int64_t columns, int64_t elementBytes) {
  if (elementBytes <= 0 || 128 % elementBytes != 0)
    return 128;
  for (int64_t span : {128, 64})
    if (rowFillsSpans(columns, elementBytes, span))
      return span;
  return 32;
}

/// Coordinates of element `e` of thread `t` under `map`, a layout's
/// (thread, element) -> coordinates.
SmallVector<int64_t> coordsAt(AffineMap map, int64_t t, int64_t e);

/// The longest run (a power of two, at most kMaxVectorBytes) of a thread's
/// elements of a tile of `shape` that are adjacent along the last
/// dimension, start at element indices that are multiples of the run and
/// at aligned columns: how many elements one vector access moves.
int64_t contiguousRun(LayoutAttrInterface layout, ArrayRef<int64_t> shape,
                      int64_t elementBytes);

/// Whether a tile.dot reads its A (of type `lhs`) from registers, laid out
/// as the dot's accumulator (`accLayout`): 16-bit elements with K a
/// multiple of 16 (wgmma's m64k16 register-A fragment is the accumulator's
/// fragment of 16 columns: attention's P from the scores), or 8-bit ones
/// with K a multiple of 32 (m64k32; B's K index then stored in
/// #tile.shared's acc_order).
/// tile-assign-layouts leaves such an A unstaged; the register lowering
/// reads it from registers.
bool readsRegisterA(RankedTensorType lhs, Attribute accLayout);

} // namespace mlir::tile

#endif // TILE_DIALECT_TILE_LAYOUTUTILS_H
