//===- InvariantDivisionsTest.cpp - the multiplier of a division ----------===//
//
// tile-invariant-divisions replaces n / d by a multiply-high and shifts.
// Built with constants, its arithmetic folds (arith's and math's folders):
// the folded quotient must equal n / d at the edges (d = 1, powers of two
// and their neighbours, d above 2^31, n = 0 and 2^32 - 1, multiples of d)
// and at random pairs; the planted bug (divide-floor) must not.
//
//===----------------------------------------------------------------------===//

#include "tile/Transforms/InvariantDivisions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

using namespace mlir;

namespace {

class InvariantDivisionsTest : public ::testing::Test {
protected:
  InvariantDivisionsTest() {
    context.loadDialect<arith::ArithDialect, math::MathDialect>();
    module = ModuleOp::create(UnknownLoc::get(&context));
  }
  ~InvariantDivisionsTest() override { module->erase(); }

  /// n / d through the pass's arithmetic, folded; nullopt if it did not
  /// fold to a constant.
  std::optional<uint32_t> quotient(uint32_t n, uint32_t d,
                                   bool floorOnly = false) {
    OpBuilder b(&context);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = b.getUnknownLoc();
    auto c32 = [&](uint32_t v) {
      return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v)
          .getResult();
    };
    tile::DivisionMagic magic =
        tile::buildDivisionMagic(b, loc, c32(d), floorOnly);
    Value q = tile::buildMagicDivide(b, loc, c32(n), magic);
    APInt value;
    if (!matchPattern(q, m_ConstantInt(&value)))
      return std::nullopt;
    return static_cast<uint32_t>(value.getZExtValue());
  }

  MLIRContext context;
  ModuleOp module;
};

std::vector<uint32_t> edgeDivisors() {
  std::vector<uint32_t> ds = {1, 3, 5, 6, 7, 18, 48, 132, 192, 1000, 65535,
                              65537, 0x7fffffffu, 0x80000001u, 0xfffffffeu,
                              0xffffffffu};
  for (int k = 1; k < 32; ++k) {
    uint32_t p = 1u << k;
    ds.insert(ds.end(), {p - 1, p, p + 1});
  }
  return ds;
}

TEST_F(InvariantDivisionsTest, FoldsToTheQuotientAtTheEdges) {
  for (uint32_t d : edgeDivisors()) {
    std::vector<uint64_t> ns = {0, 1, d - 1ull, d, d + 1ull, 2ull * d - 1,
                                2ull * d, 0xffffffffull, 0xfffffffeull,
                                0x80000000ull, 0x7fffffffull};
    for (uint64_t k : {3ull, 1000ull, 123457ull})
      ns.push_back(k * d);
    for (uint64_t n : ns) {
      if (n > 0xffffffffull)
        continue;
      std::optional<uint32_t> q = quotient(n, d);
      ASSERT_TRUE(q.has_value()) << n << " / " << d << " did not fold";
      EXPECT_EQ(*q, static_cast<uint32_t>(n) / d) << n << " / " << d;
    }
  }
}

TEST_F(InvariantDivisionsTest, FoldsToTheQuotientAtRandomPairs) {
  std::mt19937 rng(22);
  std::uniform_int_distribution<uint32_t> any;
  for (int i = 0; i < 20000; ++i) {
    uint32_t n = any(rng);
    // Small divisors as often as large ones: d = any >> (0 ... 31), >= 1.
    uint32_t d = std::max<uint32_t>(1, any(rng) >> (any(rng) % 32));
    std::optional<uint32_t> q = quotient(n, d);
    ASSERT_TRUE(q.has_value());
    ASSERT_EQ(*q, n / d) << n << " / " << d;
  }
}

// The planted bug must be visible where a persistent kernel divides: a
// multiple of a divisor that is not a power of two (the first block of
// a row of tiles) comes out one short.
TEST_F(InvariantDivisionsTest, DivideFloorMutantIsWrongOnMultiples) {
  EXPECT_EQ(quotient(18, 18, /*floorOnly=*/true), 0u);
  EXPECT_EQ(quotient(18, 18), 1u);
  int wrong = 0;
  for (uint32_t d : {3u, 18u, 48u, 132u, 192u})
    for (uint32_t k = 1; k < 100; ++k)
      wrong += quotient(k * d, d, /*floorOnly=*/true) != k;
  EXPECT_GT(wrong, 0);
}

// A zero divisor is undefined in arith; the multiplier is made for 1, so
// nothing traps and the quotient is n.
TEST_F(InvariantDivisionsTest, ZeroDivisorComputesAsOne) {
  EXPECT_EQ(quotient(77, 0), 77u);
}

} // namespace
