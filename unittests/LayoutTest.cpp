//===- LayoutTest.cpp - the register layouts' coordinate maps --------------===//
//
// #tile.wgmma_acc, #tile.blocked and #tile.slice: every element of a tile is
// held (once, or by the replicating threads of a slice), the maps agree with
// the wgmma fragment figure of the PTX ISA and the examples drawn in
// TileAttrs.td.
//
//===----------------------------------------------------------------------===//

#include "tile/Dialect/Tile/TileDialect.h"

#include "mlir/IR/MLIRContext.h"
#include <gtest/gtest.h>

#include <map>

using namespace mlir;
using namespace mlir::tile;

namespace {

class LayoutTest : public ::testing::Test {
protected:
  LayoutTest() { ctx.loadDialect<TileDialect>(); }

  /// How many (thread, element) pairs hold each coordinate; fails the test
  /// for a coordinate outside the tile.
  std::map<SmallVector<int64_t>, int> holders(LayoutAttrInterface layout,
                                              ArrayRef<int64_t> shape) {
    std::map<SmallVector<int64_t>, int> count;
    AffineMap map = layout.getCoordinates(shape);
    EXPECT_EQ(map.getNumDims(), 2u);
    EXPECT_EQ(map.getNumResults(), shape.size());
    for (int64_t t = 0; t < layout.getNumThreads(); ++t)
      for (int64_t i = 0, n = layout.getElementsPerThread(shape); i < n; ++i) {
        SmallVector<int64_t> c = llvm::to_vector(map.compose({t, i}));
        for (size_t d = 0; d < shape.size(); ++d)
          EXPECT_TRUE(c[d] >= 0 && c[d] < shape[d])
              << "thread " << t << " element " << i << " dim " << d << " = "
              << c[d];
        ++count[c];
      }
    return count;
  }

  /// Every element of the tile held exactly `copies` times.
  void expectCovers(LayoutAttrInterface layout, ArrayRef<int64_t> shape,
                    int copies) {
    ASSERT_TRUE(succeeded(layout.verifyShape(
        shape, [&] { return emitError(UnknownLoc::get(&ctx)); })));
    auto count = holders(layout, shape);
    int64_t elements = 1;
    for (int64_t e : shape)
      elements *= e;
    EXPECT_EQ(static_cast<int64_t>(count.size()), elements);
    for (auto &[coord, n] : count)
      EXPECT_EQ(n, copies);
  }

  MLIRContext ctx;
};

TEST_F(LayoutTest, WgmmaAccumulatorHoldsEveryElementOnce) {
  for (int64_t w : {1, 2, 3})
    for (int64_t rows : {64, 128})
      for (int64_t n : {8, 64, 128, 256}) {
        SCOPED_TRACE(testing::Message() << w << " warpgroups, " << rows * w
                                        << " x " << n);
        expectCovers(WgmmaAccLayoutAttr::get(&ctx, w), {rows * w, n}, 1);
      }
}

TEST_F(LayoutTest, WgmmaAccumulatorMatchesThePtxFigure) {
  // Element 4j + 2h + e of lane l in warp k: row 16k + l/4 + 8h, column
  // 8j + 2(l%4) + e (PTX ISA, wgmma .m64nNk16 accumulator); warpgroup w
  // starts at row w * rows-per-warpgroup, the second 64-row slice at N/2.
  auto layout = WgmmaAccLayoutAttr::get(&ctx, 2);
  SmallVector<int64_t> shape = {256, 64}; // two slices a warpgroup
  for (int64_t t = 0; t < 256; ++t)
    for (int64_t i = 0; i < 64; ++i) {
      int64_t wg = t / 128, k = (t / 32) % 4, l = t % 32;
      int64_t slice = i / 32, r = i % 32;
      int64_t j = r / 4, h = (r / 2) % 2, e = r % 2;
      SmallVector<int64_t> expected = {
          128 * wg + 64 * slice + 16 * k + l / 4 + 8 * h, 8 * j + 2 * (l % 4) + e};
      ASSERT_EQ(getElementCoords(layout, shape, t, i), expected)
          << "thread " << t << " element " << i;
    }
  EXPECT_EQ(layout.getElementsPerThread(shape), 64);
  EXPECT_EQ(layout.getNumThreads(), 256);
}

TEST_F(LayoutTest, WgmmaRowSliceIsTheQuadsRows) {
  auto parent = WgmmaAccLayoutAttr::get(&ctx, 2);
  auto rows = SliceLayoutAttr::get(&ctx, 1, parent);
  // 2 rows a slice a thread, each held by the 4 lanes of a quad.
  expectCovers(rows, {256}, 4);
  EXPECT_EQ(rows.getElementsPerThread({256}), 4);
  // Element 2s + h of the slice is the row of the parent's elements of
  // slice s and half h.
  for (int64_t t = 0; t < 256; ++t)
    for (int64_t i = 0; i < 4; ++i)
      EXPECT_EQ(getElementCoords(rows, {256}, t, i)[0],
                getElementCoords(parent, {256, 64}, t, (i / 2) * 32 + (i % 2) * 2)[0]);
  // Columns: each held by the 32 threads with the same lane % 4 in every
  // warp... of the 256 threads, 64.
  expectCovers(SliceLayoutAttr::get(&ctx, 0, parent), {64}, 64);
}

TEST_F(LayoutTest, BlockedMatchesTheDrawnExample) {
  auto layout = BlockedLayoutAttr::get(&ctx, {1, 8}, {4, 8}, {4, 1}, {1, 0});
  EXPECT_EQ(layout.getNumThreads(), 128);
  SmallVector<int64_t> shape = {32, 64}; // two repetitions along rows
  expectCovers(layout, shape, 1);
  EXPECT_EQ(layout.getElementsPerThread(shape), 16);
  using C = SmallVector<int64_t>;
  EXPECT_EQ(getElementCoords(layout, shape, 0, 0), (C{0, 0}));
  EXPECT_EQ(getElementCoords(layout, shape, 0, 3), (C{0, 3}));
  EXPECT_EQ(getElementCoords(layout, shape, 1, 0), (C{0, 8}));
  EXPECT_EQ(getElementCoords(layout, shape, 8, 0), (C{1, 0}));
  EXPECT_EQ(getElementCoords(layout, shape, 31, 7), (C{3, 63}));
  EXPECT_EQ(getElementCoords(layout, shape, 32, 0), (C{4, 0}));
  EXPECT_EQ(getElementCoords(layout, shape, 0, 8), (C{16, 0}));
}

TEST_F(LayoutTest, BlockedCoversOtherOrdersAndRanks) {
  expectCovers(BlockedLayoutAttr::get(&ctx, {4, 1}, {8, 4}, {1, 2}, {0, 1}),
               {64, 16}, 1);
  expectCovers(BlockedLayoutAttr::get(&ctx, {4}, {32}, {4}, {0}), {1024}, 1);
  expectCovers(
      BlockedLayoutAttr::get(&ctx, {1, 2, 2}, {2, 4, 4}, {2, 1, 1}, {2, 1, 0}),
      {8, 16, 8}, 1);
}

TEST_F(LayoutTest, BlockedSliceReplicatesAlongTheReducedDimension) {
  auto parent = BlockedLayoutAttr::get(&ctx, {1, 8}, {4, 8}, {4, 1}, {1, 0});
  // Reducing the 64 columns: the 8 lanes along them hold the same rows.
  auto rows = SliceLayoutAttr::get(&ctx, 1, parent);
  expectCovers(rows, {32}, 8);
  for (int64_t t = 0; t < 128; ++t)
    EXPECT_EQ(getElementCoords(rows, {32}, t, 0)[0],
              getElementCoords(parent, {32, 64}, t, 0)[0]);
  // Reducing the rows: 16 threads (4 lanes x 4 warps) hold each column.
  expectCovers(SliceLayoutAttr::get(&ctx, 0, parent), {64}, 16);
}

} // namespace
