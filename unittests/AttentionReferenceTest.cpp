//===- AttentionReferenceTest.cpp - the host attention reference ----------===//
//
// tile-run's check of attention kernels without a GPU: exact rows against
// hand-computed softmaxes, causal windows, row and head sampling, and the
// comparison with an output streamed in chunks.
//
//===----------------------------------------------------------------------===//

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/Verify.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

TEST(AttentionRow, HandComputedSoftmax) {
  // Scores scale * q.k = 0.5 * (2, 0, -2) = (1, 0, -1).
  float q[] = {1, 1};
  float k[] = {1, 1, 0, 0, -1, -1};
  float v[] = {1, 2, 3, -1, 0, 4};
  double out[2];
  attentionRow(q, k, v, 3, 2, 0.5, out);
  double e1 = std::exp(1.0), e0 = 1.0, em1 = std::exp(-1.0);
  double sum = e1 + e0 + em1;
  EXPECT_NEAR(out[0], (e1 * 1 + e0 * 3 + em1 * 0) / sum, 1e-12);
  EXPECT_NEAR(out[1], (e1 * 2 + e0 * -1 + em1 * 4) / sum, 1e-12);
}

TEST(AttentionRow, LargeScoresDoNotOverflow) {
  // exp(1000) overflows a double: the row maximum must be subtracted first.
  float q[] = {1000};
  float k[] = {1, 1};
  float v[] = {2, 4};
  double out[1];
  attentionRow(q, k, v, 2, 1, 1.0, out);
  EXPECT_DOUBLE_EQ(out[0], 3.0);
}

TEST(AttentionRow, SingleVisibleKeyIsItsValue) {
  // Only the first key is visible (the causal window of query row 0): its
  // value row comes out exactly, whatever the other keys hold.
  float q[] = {0.3f, -2};
  float k[] = {5, 7, 100, 100};
  float v[] = {0.25f, -3, 9, 9};
  double out[2];
  attentionRow(q, k, v, 1, 2, 0.125, out);
  EXPECT_EQ(out[0], 0.25);
  EXPECT_EQ(out[1], -3.0);
}

TEST(AttentionProblem, VisibleKeysAndFlops) {
  AttentionProblem p;
  p.batch = 2;
  p.heads = 3;
  p.queryLen = 8;
  p.keyLen = 5;
  p.headDim = 64;
  EXPECT_EQ(p.visibleKeys(0), 5);
  EXPECT_EQ(p.visibleKeys(7), 5);
  EXPECT_DOUBLE_EQ(p.flops(), 4.0 * 2 * 3 * 8 * 5 * 64);
  p.causal = true;
  // Top-left aligned: row i sees keys 0..i; past S_KV, all of them.
  EXPECT_EQ(p.visibleKeys(0), 1);
  EXPECT_EQ(p.visibleKeys(3), 4);
  EXPECT_EQ(p.visibleKeys(4), 5);
  EXPECT_EQ(p.visibleKeys(7), 5);
  // Halved even though S_Q != S_KV, as the peers count it.
  EXPECT_DOUBLE_EQ(p.flops(), 2.0 * 2 * 3 * 8 * 5 * 64);
}

TEST(AttentionSampling, Heads) {
  EXPECT_EQ(sampleAttentionHeads(1, 7), (std::vector<int64_t>{0}));
  EXPECT_EQ(sampleAttentionHeads(4, 7), (std::vector<int64_t>{0, 1, 2, 3}));
  for (uint64_t seed : {1, 2, 3, 99}) {
    std::vector<int64_t> heads = sampleAttentionHeads(192, seed);
    ASSERT_EQ(heads.size(), 4u);
    EXPECT_EQ(heads.front(), 0);
    EXPECT_EQ(heads.back(), 191);
    EXPECT_TRUE(std::is_sorted(heads.begin(), heads.end()));
    EXPECT_EQ(std::set<int64_t>(heads.begin(), heads.end()).size(), 4u);
    EXPECT_EQ(heads, sampleAttentionHeads(192, seed)); // deterministic
  }
  // Past 4 heads: the first, the last and 2 between.
  std::vector<int64_t> five = sampleAttentionHeads(5, 1);
  ASSERT_EQ(five.size(), 4u);
  EXPECT_EQ(five.front(), 0);
  EXPECT_EQ(five.back(), 4);
}

TEST(AttentionSampling, Rows) {
  std::vector<int64_t> small = sampleAttentionRows(512, 3);
  ASSERT_EQ(small.size(), 512u);
  for (int64_t i = 0; i < 512; ++i)
    EXPECT_EQ(small[i], i);

  for (int64_t queryLen : {513, 1000, 16384}) {
    std::vector<int64_t> rows = sampleAttentionRows(queryLen, 5);
    ASSERT_EQ(rows.size(), 256u) << queryLen;
    EXPECT_TRUE(std::is_sorted(rows.begin(), rows.end()));
    EXPECT_EQ(std::set<int64_t>(rows.begin(), rows.end()).size(), 256u);
    for (int64_t i = 0; i < 64; ++i) {
      EXPECT_EQ(rows[i], i);                       // the first block
      EXPECT_EQ(rows[192 + i], queryLen - 64 + i); // the (partial) last
    }
    EXPECT_EQ(rows, sampleAttentionRows(queryLen, 5));
  }
  EXPECT_NE(sampleAttentionRows(16384, 5), sampleAttentionRows(16384, 6));
}

/// Random packed bf16 data, as tile-run uploads it.
std::vector<uint16_t> randomBF16(size_t count, uint64_t seed, double range) {
  std::vector<uint16_t> data(count);
  fillRandom(data.data(), ElementType::BF16, count, seed, -range, range);
  return data;
}

/// O for every row, straight from the definition: the full score matrix of
/// each head, in double (only for tiny problems).
std::vector<double> naiveAttention(const AttentionProblem &p,
                                   const std::vector<uint16_t> &q,
                                   const std::vector<uint16_t> &k,
                                   const std::vector<uint16_t> &v) {
  int64_t D = p.headDim;
  std::vector<double> o(p.headCount() * p.queryLen * D);
  for (int64_t bh = 0; bh < p.headCount(); ++bh) {
    for (int64_t i = 0; i < p.queryLen; ++i) {
      std::vector<double> s(p.keyLen, -INFINITY);
      double m = -INFINITY;
      for (int64_t j = 0; j < p.keyLen; ++j) {
        if (p.causal && j > i)
          continue;
        double dot = 0;
        for (int64_t d = 0; d < D; ++d)
          dot += bf16ToFloat(q[(bh * p.queryLen + i) * D + d]) *
                 (double)bf16ToFloat(k[(bh * p.keyLen + j) * D + d]);
        s[j] = p.scale * dot;
        m = std::max(m, s[j]);
      }
      double l = 0;
      for (int64_t j = 0; j < p.keyLen; ++j)
        l += std::exp(s[j] - m);
      for (int64_t d = 0; d < D; ++d) {
        double acc = 0;
        for (int64_t j = 0; j < p.keyLen; ++j)
          acc += std::exp(s[j] - m) / l *
                 bf16ToFloat(v[(bh * p.keyLen + j) * D + d]);
        o[(bh * p.queryLen + i) * D + d] = acc;
      }
    }
  }
  return o;
}

struct CheckerCase {
  AttentionProblem problem;
  std::vector<uint16_t> q, k, v;
  std::vector<double> o;

  explicit CheckerCase(const AttentionProblem &p) : problem(p) {
    q = randomBF16(p.headCount() * p.queryLen * p.headDim, 1, 1.7);
    k = randomBF16(p.headCount() * p.keyLen * p.headDim, 2, 1.7);
    v = randomBF16(p.headCount() * p.keyLen * p.headDim, 3, 1.0);
    o = naiveAttention(p, q, k, v);
  }

  void feed(ExactAttentionRows &check) const {
    check.setInput(ExactAttentionRows::Q, q.data(), ElementType::BF16);
    check.setInput(ExactAttentionRows::K, k.data(), ElementType::BF16);
    check.setInput(ExactAttentionRows::V, v.data(), ElementType::BF16);
  }

  /// `o` in bf16, rows `pitch` elements apart (the padding left at 0).
  std::vector<uint16_t> output(int64_t pitch) const {
    int64_t rows = problem.headCount() * problem.queryLen;
    std::vector<uint16_t> out(rows * pitch, 0);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t d = 0; d < problem.headDim; ++d)
        out[r * pitch + d] = floatToBF16(o[r * problem.headDim + d]);
    return out;
  }

  OutputView view(const std::vector<uint16_t> &out, int64_t pitch) const {
    return {out.data(), ElementType::BF16,
            size_t(problem.headCount() * problem.queryLen),
            size_t(problem.headDim), size_t(pitch)};
  }
};

/// The exact sample's points under the attention bound of a bf16 kernel.
std::vector<ExpectedPoint> bf16Points(const ExactAttentionRows &check) {
  ErrorBound b = attentionErrorBound(ElementType::BF16, ElementType::BF16, 1.0,
                                     {});
  return check.points(b.rtol, b.atol, b.floor);
}

AttentionProblem smallProblem(bool causal, int64_t queryLen, int64_t keyLen) {
  AttentionProblem p;
  p.batch = 2;
  p.heads = 3;
  p.queryLen = queryLen;
  p.keyLen = keyLen;
  p.headDim = 12;
  p.scale = 1.0f / std::sqrt(12.0f);
  p.causal = causal;
  return p;
}

TEST(ExactAttentionRows, MatchesTheDefinition) {
  // S_Q > S_KV and S_Q < S_KV, with and without the causal mask.
  for (bool causal : {false, true})
    for (auto [queryLen, keyLen] : {std::pair<int, int>{9, 5}, {5, 9}}) {
      SCOPED_TRACE(testing::Message() << "causal " << causal << " S_Q "
                                      << queryLen << " S_KV " << keyLen);
      CheckerCase c(smallProblem(causal, queryLen, keyLen));
      ExactAttentionRows check(c.problem, 1);
      ASSERT_EQ(check.sampledHeads().size(), 4u); // of 6
      ASSERT_EQ(check.sampledRows().size(), 4u * queryLen);
      c.feed(check);
      check.computeExpected(3);
      for (size_t i = 0; i < check.sampledRows().size(); ++i) {
        for (int64_t d = 0; d < c.problem.headDim; ++d)
          ASSERT_NEAR(check.expectedRow(i)[d],
                      c.o[check.sampledRows()[i] * c.problem.headDim + d],
                      1e-12);
        // 1/sqrt(effective keys): 1 for one key, 1/sqrt(n) for n equal ones.
        EXPECT_GT(check.rowScale(i), 0);
        EXPECT_LE(check.rowScale(i), 1.0 + 1e-12);
      }
      // The kernel's bf16 output passes, whatever the pitch.
      std::vector<ExpectedPoint> points = bf16Points(check);
      EXPECT_EQ(points.size(), check.sampledRows().size() * 12);
      for (int64_t pitch : {12, 16}) {
        std::vector<uint16_t> out = c.output(pitch);
        CheckResult r = checkPoints(c.view(out, pitch), points);
        EXPECT_TRUE(r.ok()) << r.failure();
        EXPECT_GT(r.relativeError, 0);
        EXPECT_LT(r.maxRatio, 0.5);
      }
    }
}

TEST(ExactAttentionRows, CausalRowZeroIsTheFirstValue) {
  CheckerCase c(smallProblem(true, 4, 4));
  ExactAttentionRows check(c.problem, 1);
  c.feed(check);
  check.computeExpected();
  // Sampled row 0 is row 0 of head sampledHeads()[0]: it sees key 0 only.
  int64_t bh = check.sampledHeads()[0];
  ASSERT_EQ(check.sampledRows()[0], bh * 4);
  for (int64_t d = 0; d < 12; ++d)
    EXPECT_EQ(check.expectedRow(0)[d], bf16ToFloat(c.v[bh * 4 * 12 + d]));
  EXPECT_DOUBLE_EQ(check.rowScale(0), 1.0);
}

TEST(ExactAttentionRows, FindsWrongAndUnwrittenOutputs) {
  CheckerCase causal(smallProblem(true, 6, 6));
  ExactAttentionRows check(causal.problem, 1);
  causal.feed(check);
  check.computeExpected();
  std::vector<ExpectedPoint> points = bf16Points(check);

  // An output computed without the mask is wrong.
  AttentionProblem open = causal.problem;
  open.causal = false;
  std::vector<double> saved = causal.o;
  causal.o = naiveAttention(open, causal.q, causal.k, causal.v);
  std::vector<uint16_t> unmasked = causal.output(12);
  CheckResult r = checkPoints(causal.view(unmasked, 12), points);
  EXPECT_GT(r.overBound, 0u);
  EXPECT_GT(r.maxRatio, 10);
  causal.o = saved;

  // A poisoned element of a sampled row is found; the padding is not read.
  std::vector<uint16_t> out = causal.output(16);
  for (int64_t r = 0; r < 36; ++r)
    out[r * 16 + 13] = 0xFFFF;
  EXPECT_TRUE(checkPoints(causal.view(out, 16), points).ok());
  out[check.sampledRows()[3] * 16 + 3] = 0xFFFF; // NaN
  r = checkPoints(causal.view(out, 16), points);
  EXPECT_EQ(r.nanCount, 1u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.firstNonFinite.row, size_t(check.sampledRows()[3]));
  EXPECT_EQ(r.firstNonFinite.col, 3u);
}

TEST(ExactAttentionRows, SamplesLongSequences) {
  AttentionProblem p;
  p.batch = 1;
  p.heads = 1;
  p.queryLen = 600;
  p.keyLen = 700;
  p.headDim = 8;
  p.scale = 0.35f;
  p.causal = true;
  CheckerCase c(p);
  ExactAttentionRows check(p, 4);
  ASSERT_EQ(check.sampledRows().size(), 256u);
  c.feed(check);
  check.computeExpected();
  for (size_t i = 0; i < check.sampledRows().size(); ++i)
    for (int64_t d = 0; d < 8; ++d)
      ASSERT_NEAR(check.expectedRow(i)[d], c.o[check.sampledRows()[i] * 8 + d],
                  1e-12);
  // The sample sees only its rows: an unsampled row's damage is left to
  // the full check against the GPU reference (checkOutput).
  std::vector<uint16_t> out = c.output(8);
  std::set<int64_t> sampled(check.sampledRows().begin(),
                            check.sampledRows().end());
  int64_t unsampled = 64;
  while (sampled.count(unsampled))
    ++unsampled;
  out[unsampled * 8] = floatToBF16(100.0f);
  EXPECT_TRUE(checkPoints(c.view(out, 8), bf16Points(check)).ok());
  std::vector<float> full(c.o.begin(), c.o.end());
  ErrorBound b = attentionErrorBound(ElementType::BF16, ElementType::BF16, 1.0,
                                     std::vector<float>(600, 1.0f));
  CheckResult r = checkOutput(c.view(out, 8), full.data(), b);
  EXPECT_EQ(r.overBound, 1u);
  EXPECT_EQ(r.worst.row, size_t(unsampled));
}

} // namespace
