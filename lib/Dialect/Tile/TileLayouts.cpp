//===- TileLayouts.cpp - register layouts of tiles -------------------------===//
//
// #tile.wgmma_acc, #tile.blocked and #tile.slice: where element i of thread
// t of a tile lives, as affine maps (thread, element) -> coordinates. The
// descriptions in TileAttrs.td draw them.
//
//===----------------------------------------------------------------------===//

#include "tile/Dialect/Tile/LayoutUtils.h"
#include "tile/Dialect/Tile/TileDialect.h"

#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/TypeSwitch.h"

#include <numeric>

using namespace mlir;
using namespace mlir::tile;

#include "tile/Dialect/Tile/TileAttrInterfaces.cpp.inc"

namespace {
constexpr int64_t kWarpgroupThreads = 128;
constexpr int64_t kWgmmaRows = 64; // rows of one wgmma

int64_t product(ArrayRef<int64_t> values) {
  return std::accumulate(values.begin(), values.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// The product of positive `values`, or `cap + 1` once it passes `cap`
/// (unverified attributes can hold any number of any values: no overflow).
int64_t productUpTo(ArrayRef<int64_t> values, int64_t cap) {
  int64_t p = 1;
  for (int64_t v : values) {
    if (v > cap || p > cap / v)
      return cap + 1;
    p *= v;
  }
  return p;
}

/// (thread, element) maps: d0 is the thread, d1 the element.
struct Dims {
  AffineExpr thread, element;
  explicit Dims(MLIRContext *ctx)
      : thread(getAffineDimExpr(0, ctx)), element(getAffineDimExpr(1, ctx)) {}
};
} // namespace

/// As a tensor encoding, a layout checks the tensor's static shape.
static LogicalResult
verifyLayoutEncoding(LayoutAttrInterface layout, ArrayRef<int64_t> shape,
                     function_ref<InFlightDiagnostic()> emitError) {
  if (ShapedType::isDynamicShape(shape))
    return emitError() << "a tensor laid out as " << layout
                       << " needs a static shape";
  return layout.verifyShape(shape, emitError);
}

LogicalResult WgmmaAccLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyLayoutEncoding(*this, shape, emitError);
}

LogicalResult BlockedLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyLayoutEncoding(*this, shape, emitError);
}

LogicalResult SliceLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type,
    function_ref<InFlightDiagnostic()> emitError) const {
  return verifyLayoutEncoding(*this, shape, emitError);
}

SmallVector<int64_t> mlir::tile::getElementCoords(LayoutAttrInterface layout,
                                                  ArrayRef<int64_t> shape,
                                                  int64_t thread,
                                                  int64_t element) {
  return llvm::to_vector(
      layout.getCoordinates(shape).compose({thread, element}));
}

//===----------------------------------------------------------------------===//
// #tile.wgmma_acc
//===----------------------------------------------------------------------===//

LogicalResult
WgmmaAccLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           int64_t warpgroups) {
  if (warpgroups < 1 || warpgroups > 8)
    return emitError() << "#tile.wgmma_acc needs 1 to 8 warpgroups, not "
                       << warpgroups;
  return success();
}

int64_t WgmmaAccLayoutAttr::getNumThreads() const {
  return getWarpgroups() * kWarpgroupThreads;
}

int64_t WgmmaAccLayoutAttr::getRank() const { return 2; }

LogicalResult WgmmaAccLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (shape.size() != 2)
    return emitError() << "#tile.wgmma_acc lays out 2-d tiles, not rank "
                       << shape.size();
  int64_t w = getWarpgroups();
  if (shape[0] % (kWgmmaRows * w) != 0 || shape[0] / w > 2 * kWgmmaRows)
    return emitError() << "#tile.wgmma_acc<warpgroups = " << w
                       << "> needs 64 or 128 rows a warpgroup, not "
                       << shape[0] << " rows";
  if (shape[1] % 8 != 0 || shape[1] <= 0)
    return emitError() << "#tile.wgmma_acc needs a positive multiple of 8 "
                          "columns, not "
                       << shape[1];
  return success();
}

int64_t
WgmmaAccLayoutAttr::getElementsPerThread(ArrayRef<int64_t> shape) const {
  return shape[0] / getWarpgroups() / kWgmmaRows * shape[1] / 2;
}

/// The row of (thread, slice s, half h): w M/W + 64 s + 16 k + l/4 + 8 h.
static AffineExpr wgmmaRow(AffineExpr thread, AffineExpr slice,
                           AffineExpr half, int64_t rowsPerWarpgroup) {
  return thread.floorDiv(kWarpgroupThreads) * rowsPerWarpgroup +
         slice * kWgmmaRows + (thread.floorDiv(32) % 4) * 16 +
         (thread % 32).floorDiv(4) + half * 8;
}

AffineMap WgmmaAccLayoutAttr::getCoordinates(ArrayRef<int64_t> shape) const {
  Dims d(getContext());
  int64_t perSlice = shape[1] / 2;
  AffineExpr r = d.element % perSlice;
  AffineExpr row = wgmmaRow(d.thread, d.element.floorDiv(perSlice),
                            r.floorDiv(2) % 2, shape[0] / getWarpgroups());
  AffineExpr col = r.floorDiv(4) * 8 + (d.thread % 4) * 2 + r % 2;
  return AffineMap::get(2, 0, {row, col}, getContext());
}

int64_t WgmmaAccLayoutAttr::getSliceElementsPerThread(
    int64_t dim, ArrayRef<int64_t> shape) const {
  // dim 1 (rows): two rows a slice; dim 0 (columns): two a group of 8.
  return dim == 1 ? shape[0] / getWarpgroups() / kWgmmaRows * 2
                  : shape[0] / 4;
}

AffineMap WgmmaAccLayoutAttr::getSliceCoordinates(
    int64_t dim, ArrayRef<int64_t> shape) const {
  Dims d(getContext());
  AffineExpr coord =
      dim == 1 ? wgmmaRow(d.thread, d.element.floorDiv(2), d.element % 2,
                          shape[0] / getWarpgroups())
               : d.element.floorDiv(2) * 8 + (d.thread % 4) * 2 +
                     d.element % 2;
  return AffineMap::get(2, 0, {coord}, getContext());
}

//===----------------------------------------------------------------------===//
// #tile.blocked
//===----------------------------------------------------------------------===//

LogicalResult
BlockedLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                          ArrayRef<int64_t> sizePerThread,
                          ArrayRef<int64_t> threadsPerWarp,
                          ArrayRef<int64_t> warps, ArrayRef<int64_t> order) {
  size_t rank = sizePerThread.size();
  if (rank == 0 || threadsPerWarp.size() != rank || warps.size() != rank ||
      order.size() != rank)
    return emitError() << "#tile.blocked needs size_per_thread, "
                          "threads_per_warp, warps and order of one rank (at "
                          "least 1)";
  for (ArrayRef<int64_t> list : {sizePerThread, threadsPerWarp, warps})
    if (llvm::any_of(list, [](int64_t v) { return v < 1; }))
      return emitError() << "#tile.blocked sizes must be positive";
  // Bounded so that no extent a layout computes can overflow: a block has
  // at most 32 warps, and a thread at most 255 registers.
  if (llvm::any_of(sizePerThread, [](int64_t v) { return v > 1024; }) ||
      productUpTo(warps, 32) > 32)
    return emitError() << "#tile.blocked holds at most 1024 elements a "
                          "thread along a dimension and 32 warps in all";
  if (int64_t lanes = productUpTo(threadsPerWarp, 32); lanes != 32) {
    InFlightDiagnostic diag = emitError()
                              << "#tile.blocked threads_per_warp must "
                                 "multiply to 32 (a warp), not ";
    if (lanes > 32)
      diag << "more";
    else
      diag << lanes;
    return diag;
  }
  SmallVector<int64_t> sorted(order);
  llvm::sort(sorted);
  for (size_t i = 0; i < rank; ++i)
    if (sorted[i] != static_cast<int64_t>(i))
      return emitError() << "#tile.blocked order must be a permutation of "
                            "the dimensions 0.."
                         << rank - 1;
  return success();
}

int64_t BlockedLayoutAttr::getNumThreads() const {
  return 32 * product(getWarps());
}

int64_t BlockedLayoutAttr::getRank() const {
  return getSizePerThread().size();
}

/// Elements a (thread, warp, block) pattern covers along dimension `i`.
static int64_t blockedSpan(BlockedLayoutAttr layout, int64_t i) {
  return layout.getSizePerThread()[i] * layout.getThreadsPerWarp()[i] *
         layout.getWarps()[i];
}

LogicalResult BlockedLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (static_cast<int64_t>(shape.size()) != getRank())
    return emitError() << "#tile.blocked of rank " << getRank()
                       << " does not lay out a tile of rank " << shape.size();
  for (int64_t i = 0; i < getRank(); ++i)
    if (shape[i] % blockedSpan(*this, i) != 0)
      return emitError() << "#tile.blocked covers " << blockedSpan(*this, i)
                         << " elements a repetition along dimension " << i
                         << ", which does not divide " << shape[i];
  return success();
}

/// Elements a thread holds, and their coordinates, leaving out dimension
/// `skip` (-1: none; a slice: the threads along it hold the same values).
static int64_t blockedElements(BlockedLayoutAttr layout,
                               ArrayRef<int64_t> shape, int64_t skip) {
  int64_t n = 1;
  for (int64_t i = 0, j = 0; i < layout.getRank(); ++i) {
    if (i == skip)
      continue;
    n *= shape[j++] / blockedSpan(layout, i) * layout.getSizePerThread()[i];
  }
  return n;
}

static AffineMap blockedCoordinates(BlockedLayoutAttr layout,
                                    ArrayRef<int64_t> shape, int64_t skip) {
  Dims d(layout.getContext());
  int64_t rank = layout.getRank();
  // Shape index of each layout dimension (-1 for the skipped one).
  SmallVector<int64_t> shapeIndex(rank, -1);
  for (int64_t i = 0, j = 0; i < rank; ++i)
    if (i != skip)
      shapeIndex[i] = j++;
  AffineExpr lane = d.thread % 32, warp = d.thread.floorDiv(32);
  SmallVector<AffineExpr> coords(shape.size());
  int64_t laneStride = 1, warpStride = 1, elemStride = 1;
  // Within a thread's block first, then the repetitions.
  SmallVector<std::pair<int64_t, int64_t>> reps; // (dim, count)
  for (int64_t i : layout.getOrder()) {
    int64_t spt = layout.getSizePerThread()[i];
    int64_t tpw = layout.getThreadsPerWarp()[i];
    int64_t w = layout.getWarps()[i];
    AffineExpr laneCoord = lane.floorDiv(laneStride) % tpw;
    AffineExpr warpCoord = warp.floorDiv(warpStride) % w;
    laneStride *= tpw;
    warpStride *= w;
    if (i == skip)
      continue;
    AffineExpr within = d.element.floorDiv(elemStride) % spt;
    elemStride *= spt;
    coords[shapeIndex[i]] = warpCoord * (spt * tpw) + laneCoord * spt + within;
    reps.push_back({i, shape[shapeIndex[i]] / blockedSpan(layout, i)});
  }
  for (auto [i, count] : reps) {
    coords[shapeIndex[i]] = coords[shapeIndex[i]] +
                            (d.element.floorDiv(elemStride) % count) *
                                blockedSpan(layout, i);
    elemStride *= count;
  }
  return AffineMap::get(2, 0, coords, layout.getContext());
}

int64_t BlockedLayoutAttr::getElementsPerThread(ArrayRef<int64_t> shape) const {
  return blockedElements(*this, shape, -1);
}

AffineMap BlockedLayoutAttr::getCoordinates(ArrayRef<int64_t> shape) const {
  return blockedCoordinates(*this, shape, -1);
}

int64_t BlockedLayoutAttr::getSliceElementsPerThread(
    int64_t dim, ArrayRef<int64_t> shape) const {
  return blockedElements(*this, shape, dim);
}

AffineMap BlockedLayoutAttr::getSliceCoordinates(
    int64_t dim, ArrayRef<int64_t> shape) const {
  return blockedCoordinates(*this, shape, dim);
}

//===----------------------------------------------------------------------===//
// #tile.slice
//===----------------------------------------------------------------------===//

LogicalResult
SliceLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        int64_t dim, LayoutAttrInterface parent) {
  if (!parent)
    return emitError() << "#tile.slice needs a layout as its parent";
  if (isa<SliceLayoutAttr>(parent))
    return emitError() << "#tile.slice of a slice is not supported; slice "
                          "the parent layout along both dimensions instead";
  if (dim < 0 || dim >= parent.getRank())
    return emitError() << "#tile.slice dimension " << dim
                       << " is not a dimension of its rank-"
                       << parent.getRank() << " parent";
  return success();
}

int64_t SliceLayoutAttr::getNumThreads() const {
  return getParent().getNumThreads();
}

int64_t SliceLayoutAttr::getRank() const { return getParent().getRank() - 1; }

LogicalResult SliceLayoutAttr::verifyShape(
    ArrayRef<int64_t> shape,
    function_ref<InFlightDiagnostic()> emitError) const {
  if (static_cast<int64_t>(shape.size()) != getRank())
    return emitError() << "#tile.slice of rank " << getRank()
                       << " does not lay out a tile of rank " << shape.size();
  // The parent's shape with the sliced dimension at its smallest extent.
  int64_t extent =
      TypeSwitch<Attribute, int64_t>(getParent())
          .Case([&](WgmmaAccLayoutAttr wgmma) {
            return getDim() == 1 ? 8 : kWgmmaRows * wgmma.getWarpgroups();
          })
          .Case([&](BlockedLayoutAttr blocked) {
            return blockedSpan(blocked, getDim());
          })
          .Default([](Attribute) { return int64_t(1); });
  SmallVector<int64_t> parentShape(shape);
  parentShape.insert(parentShape.begin() + getDim(), extent);
  return getParent().verifyShape(parentShape, emitError);
}

int64_t SliceLayoutAttr::getElementsPerThread(ArrayRef<int64_t> shape) const {
  return getParent().getSliceElementsPerThread(getDim(), shape);
}

AffineMap SliceLayoutAttr::getCoordinates(ArrayRef<int64_t> shape) const {
  return getParent().getSliceCoordinates(getDim(), shape);
}

int64_t SliceLayoutAttr::getSliceElementsPerThread(int64_t,
                                                   ArrayRef<int64_t>) const {
  return 0; // rejected by verify: no slice of a slice
}

AffineMap SliceLayoutAttr::getSliceCoordinates(int64_t,
                                               ArrayRef<int64_t>) const {
  return AffineMap();
}

//===----------------------------------------------------------------------===//
// #tile.shared
//===----------------------------------------------------------------------===//

LogicalResult
SharedLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t swizzle, bool transposed, bool accOrder) {
  if (swizzle != 32 && swizzle != 64 && swizzle != 128)
    return emitError() << "#tile.shared: swizzle = " << swizzle
                       << " is not supported; use 32, 64 or 128 (bytes, as "
                          "TMA and wgmma swizzle)";
  if (accOrder && !transposed)
    return emitError() << "#tile.shared: acc_order orders a transposed "
                          "tile's K index (an fp8 B); add transposed = true";
  return success();
}

LogicalResult SharedLayoutAttr::verifyEncoding(
    ArrayRef<int64_t> shape, Type elementType,
    function_ref<InFlightDiagnostic()> emitError) const {
  // MLIR's tensor parser calls this even when the element type failed to
  // parse (e.g. `!f16`, an undefined alias), with a null type; it has
  // reported that error already (found by tile-fuzz-lowering).
  if (!elementType)
    return failure();
  if (shape.size() != 2 || ShapedType::isDynamicShape(shape) ||
      shape[0] <= 0 || shape[1] <= 0)
    return emitError() << "a tensor laid out as " << *this
                       << " needs a static 2-d shape of positive extents";
  int64_t bits =
      elementType.isIntOrFloat() ? elementType.getIntOrFloatBitWidth() : 0;
  if (bits % 8 || bits == 0 || getSwizzle() % (bits / 8) != 0)
    return emitError() << "a tensor laid out as " << *this
                       << " needs elements of 1, 2, 4 ... bytes that divide "
                          "the swizzle, got "
                       << elementType;
  // A row fills whole swizzle spans.
  int64_t rows = storedRows(shape), columns = storedColumns(shape);
  if (!rowFillsSpans(columns, bits / 8, getSwizzle()) || rows % 8 != 0)
    return emitError() << "a " << shape[0] << " x " << shape[1] << " tile of "
                       << elementType << " does not fill whole " << getSwizzle()
                       << "-byte swizzle atoms (" << *this
                       << "): rows a multiple of 8, a row a multiple of "
                       << getSwizzle() << " bytes"
                       << (getTransposed() ? " (rows of the transpose)" : "");
  if (getAccOrder() && (bits != 8 || columns % 16 != 0))
    return emitError() << "a tensor laid out as " << *this
                       << " needs 8-bit elements in whole groups of 16 along "
                          "K (acc_order serves fp8 wgmma's register A), got "
                       << shape[0] << " x " << shape[1] << " of "
                       << elementType;
  return success();
}
