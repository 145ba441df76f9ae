//===- AttentionReferenceTest.cpp - the host attention reference ----------===//
//
// tile-run's check of attention kernels without a GPU: exact rows against
// hand-computed softmaxes, causal windows, row and head sampling, and the
// comparison with an output streamed in chunks.
//
//===----------------------------------------------------------------------===//

#include "tile/Runtime/AttentionReference.h"

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

  void feed(AttentionChecker &check) const {
    check.setInput(AttentionChecker::Q, q.data(), ElementType::BF16);
    check.setInput(AttentionChecker::K, k.data(), ElementType::BF16);
    check.setInput(AttentionChecker::V, v.data(), ElementType::BF16);
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
};

/// Scans `out` in chunks of `chunkRows` rows.
CompareResult scan(AttentionChecker &check, const std::vector<uint16_t> &out,
                   int64_t pitch, int64_t chunkRows) {
  const AttentionProblem &p = check.problem();
  int64_t rows = p.headCount() * p.queryLen;
  check.beginOutput();
  for (int64_t first = 0; first < rows; first += chunkRows)
    check.scanOutput(&out[first * pitch], ElementType::BF16, first,
                     std::min(chunkRows, rows - first), pitch);
  return check.result();
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

TEST(AttentionChecker, MatchesTheDefinition) {
  // S_Q > S_KV and S_Q < S_KV, with and without the causal mask.
  for (bool causal : {false, true})
    for (auto [queryLen, keyLen] : {std::pair<int, int>{9, 5}, {5, 9}}) {
      SCOPED_TRACE(testing::Message() << "causal " << causal << " S_Q "
                                      << queryLen << " S_KV " << keyLen);
      CheckerCase c(smallProblem(causal, queryLen, keyLen));
      AttentionChecker check(c.problem, 1);
      ASSERT_EQ(check.sampledHeads().size(), 4u); // of 6
      ASSERT_EQ(check.sampledRows().size(), 4u * queryLen);
      c.feed(check);
      check.computeExpected(3);
      for (size_t i = 0; i < check.sampledRows().size(); ++i)
        for (int64_t d = 0; d < c.problem.headDim; ++d)
          ASSERT_NEAR(check.expectedRow(i)[d],
                      c.o[check.sampledRows()[i] * c.problem.headDim + d],
                      1e-12);
      // The kernel's bf16 output passes, whatever the chunking and pitch.
      for (int64_t pitch : {12, 16})
        for (int64_t chunk : {1, 4, 1000}) {
          CompareResult r = scan(check, c.output(pitch), pitch, chunk);
          EXPECT_EQ(r.nonFinite(), 0u);
          EXPECT_EQ(r.count, size_t(6 * queryLen * 12));
          EXPECT_GT(r.relativeError, 0);
          EXPECT_LT(r.relativeError, 1e-2);
        }
    }
}

TEST(AttentionChecker, CausalRowZeroIsTheFirstValue) {
  CheckerCase c(smallProblem(true, 4, 4));
  AttentionChecker check(c.problem, 1);
  c.feed(check);
  check.computeExpected();
  // Sampled row 0 is row 0 of head sampledHeads()[0]: it sees key 0 only.
  int64_t bh = check.sampledHeads()[0];
  ASSERT_EQ(check.sampledRows()[0], bh * 4);
  for (int64_t d = 0; d < 12; ++d)
    EXPECT_EQ(check.expectedRow(0)[d], bf16ToFloat(c.v[bh * 4 * 12 + d]));
}

TEST(AttentionChecker, FindsWrongAndUnwrittenOutputs) {
  CheckerCase causal(smallProblem(true, 6, 6));
  AttentionChecker check(causal.problem, 1);
  causal.feed(check);
  check.computeExpected();

  // An output computed without the mask is wrong.
  AttentionProblem open = causal.problem;
  open.causal = false;
  std::vector<double> saved = causal.o;
  causal.o = naiveAttention(open, causal.q, causal.k, causal.v);
  EXPECT_GT(scan(check, causal.output(12), 12, 5).relativeError, 1e-1);
  causal.o = saved;

  // A poisoned (unwritten) element is counted in any row, sampled or not;
  // the padding is not looked at.
  std::vector<uint16_t> out = causal.output(16);
  for (int64_t r = 0; r < 36; ++r)
    out[r * 16 + 13] = 0xFFFF;
  EXPECT_EQ(scan(check, out, 16, 7).nonFinite(), 0u);
  std::set<int64_t> sampled(check.sampledRows().begin(),
                            check.sampledRows().end());
  int64_t unsampled = 0;
  while (sampled.count(unsampled))
    ++unsampled;
  out[unsampled * 16 + 3] = 0xFFFF; // NaN
  out[35 * 16 + 0] = 0x7F80;        // +Inf
  CompareResult r = scan(check, out, 16, 7);
  EXPECT_EQ(r.nanCount, 1u);
  EXPECT_EQ(r.infCount, 1u);
  EXPECT_LT(r.relativeError, 1e-2);
}

TEST(AttentionChecker, SamplesLongSequences) {
  AttentionProblem p;
  p.batch = 1;
  p.heads = 1;
  p.queryLen = 600;
  p.keyLen = 700;
  p.headDim = 8;
  p.scale = 0.35f;
  p.causal = true;
  CheckerCase c(p);
  AttentionChecker check(p, 4);
  ASSERT_EQ(check.sampledRows().size(), 256u);
  c.feed(check);
  check.computeExpected();
  for (size_t i = 0; i < check.sampledRows().size(); ++i)
    for (int64_t d = 0; d < 8; ++d)
      ASSERT_NEAR(check.expectedRow(i)[d], c.o[check.sampledRows()[i] * 8 + d],
                  1e-12);
  // Only sampled rows enter the error: damage an unsampled one.
  std::vector<uint16_t> out = c.output(8);
  std::set<int64_t> sampled(check.sampledRows().begin(),
                            check.sampledRows().end());
  int64_t unsampled = 64;
  while (sampled.count(unsampled))
    ++unsampled;
  out[unsampled * 8] = floatToBF16(100.0f);
  CompareResult r = scan(check, out, 8, 100);
  EXPECT_EQ(r.nonFinite(), 0u);
  EXPECT_LT(r.relativeError, 1e-2);
}

} // namespace
