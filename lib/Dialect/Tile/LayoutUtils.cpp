//===- LayoutUtils.cpp - questions about register layouts -----------------===//

#include "tile/Dialect/Tile/LayoutUtils.h"

#include "mlir/IR/AffineMap.h"

using namespace mlir;

SmallVector<int64_t> mlir::tile::coordsAt(AffineMap map, int64_t t,
                                          int64_t e) {
  return map.compose(ArrayRef<int64_t>{t, e});
}

int64_t mlir::tile::contiguousRun(LayoutAttrInterface layout,
                                  ArrayRef<int64_t> shape,
                                  int64_t elementBytes) {
  AffineMap map = layout.getCoordinates(shape);
  int64_t elements = layout.getElementsPerThread(shape);
  int64_t last = shape.size() - 1;
  int64_t run = std::max<int64_t>(1, kMaxVectorBytes / elementBytes);
  auto fits = [&](int64_t v) {
    if (elements % v)
      return false;
    for (int64_t e = 0; e < elements; e += v) {
      SmallVector<int64_t> first = coordsAt(map, 0, e);
      if (first[last] % v)
        return false;
      for (int64_t k = 1; k < v; ++k) {
        SmallVector<int64_t> c = coordsAt(map, 0, e + k);
        SmallVector<int64_t> expect = first;
        expect[last] += k;
        if (c != expect)
          return false;
      }
    }
    // The thread part of every column is a multiple of v too.
    for (int64_t t = 0, n = layout.getNumThreads(); t < n; ++t)
      if (coordsAt(map, t, 0)[last] % v)
        return false;
    return true;
  };
  while (run > 1 && !fits(run))
    run /= 2;
  return run;
}

bool mlir::tile::readsRegisterA(RankedTensorType lhs, Attribute accLayout) {
  return accLayout && isa<WgmmaAccLayoutAttr>(accLayout) &&
         lhs.getEncoding() == accLayout && lhs.getRank() == 2 &&
         ((lhs.getElementTypeBitWidth() == 16 && lhs.getShape()[1] % 16 == 0) ||
          (lhs.getElementTypeBitWidth() == 8 && lhs.getShape()[1] % 32 == 0));
}
