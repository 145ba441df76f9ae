//===- AttentionReference.cpp - host reference for flash attention --------===//

#include "tile/Runtime/AttentionReference.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <thread>

using namespace tile;
using namespace tile::runtime;

int64_t AttentionProblem::visibleKeys(int64_t row) const {
  return causal ? std::min(row + 1, keyLen) : keyLen;
}

double AttentionProblem::flops() const {
  double full = 4.0 * batch * heads * queryLen * keyLen * headDim;
  return causal ? full / 2 : full;
}

namespace {

/// A well-mixed 64-bit value from (seed, i): the picks depend on nothing else.
uint64_t mix(uint64_t seed, uint64_t i) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (i + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// `wanted` distinct values of [lo, hi) picked by `seed` (all of them if the
/// range is not larger), added to `picked`.
void pickDistinct(int64_t lo, int64_t hi, size_t wanted, uint64_t seed,
                  std::set<int64_t> &picked) {
  size_t before = picked.size();
  if (hi - lo <= static_cast<int64_t>(wanted)) {
    for (int64_t v = lo; v < hi; ++v)
      picked.insert(v);
    return;
  }
  for (uint64_t i = 0; picked.size() - before < wanted; ++i)
    picked.insert(lo + static_cast<int64_t>(mix(seed, i) %
                                            static_cast<uint64_t>(hi - lo)));
}

} // namespace

std::vector<int64_t> tile::runtime::sampleAttentionHeads(int64_t headCount,
                                                         uint64_t seed) {
  std::set<int64_t> picked;
  if (headCount <= 4) {
    pickDistinct(0, headCount, headCount, seed, picked);
  } else {
    picked = {0, headCount - 1};
    pickDistinct(1, headCount - 1, 2, mix(seed, ~0ull), picked);
  }
  return {picked.begin(), picked.end()};
}

std::vector<int64_t> tile::runtime::sampleAttentionRows(int64_t queryLen,
                                                        uint64_t seed) {
  constexpr int64_t allBelow = 512, edge = 64, middle = 128;
  std::set<int64_t> picked;
  if (queryLen <= allBelow) {
    pickDistinct(0, queryLen, queryLen, seed, picked);
  } else {
    pickDistinct(0, edge, edge, seed, picked);
    pickDistinct(queryLen - edge, queryLen, edge, seed, picked);
    pickDistinct(edge, queryLen - edge, middle, mix(seed, ~1ull), picked);
  }
  return {picked.begin(), picked.end()};
}

void tile::runtime::attentionRow(const float *query, const float *keys,
                                 const float *values, int64_t visibleKeys,
                                 int64_t headDim, double scale, double *out,
                                 double *rowScale) {
  std::vector<double> scores(visibleKeys);
  double maxScore = -std::numeric_limits<double>::infinity();
  for (int64_t j = 0; j < visibleKeys; ++j) {
    const float *key = keys + j * headDim;
    double dot = 0;
    for (int64_t d = 0; d < headDim; ++d)
      dot += static_cast<double>(query[d]) * key[d];
    scores[j] = scale * dot;
    maxScore = std::max(maxScore, scores[j]);
  }
  std::fill(out, out + headDim, 0.0);
  double sum = 0, sum2 = 0;
  for (int64_t j = 0; j < visibleKeys; ++j) {
    double p = std::exp(scores[j] - maxScore);
    sum += p;
    sum2 += p * p;
    const float *value = values + j * headDim;
    for (int64_t d = 0; d < headDim; ++d)
      out[d] += p * value[d];
  }
  for (int64_t d = 0; d < headDim; ++d)
    out[d] = sum > 0 ? out[d] / sum : std::numeric_limits<double>::quiet_NaN();
  if (rowScale)
    *rowScale = sum > 0 ? std::sqrt(sum2) / sum
                        : std::numeric_limits<double>::quiet_NaN();
}

ExactAttentionRows::ExactAttentionRows(const AttentionProblem &problem,
                                       uint64_t seed)
    : prob(problem) {
  heads = sampleAttentionHeads(prob.headCount(), seed);
  for (int64_t bh : heads)
    for (int64_t r : sampleAttentionRows(prob.queryLen, mix(seed, bh)))
      rows.push_back(bh * prob.queryLen + r); // sorted: heads are sorted
}

void ExactAttentionRows::setInput(Input which, const void *packed,
                                  ElementType type, float descale) {
  const char *bytes = static_cast<const char *>(packed);
  size_t e = elementSize(type);
  size_t D = prob.headDim;
  auto scaled = [&](float *dst, size_t count) {
    if (descale != 1.0f)
      for (size_t i = 0; i < count; ++i)
        dst[i] *= descale;
  };
  if (which == Q) {
    queries.resize(rows.size() * D);
    for (size_t i = 0; i < rows.size(); ++i)
      convertElements(bytes + rows[i] * D * e, type, &queries[i * D],
                      ElementType::F32, D);
    scaled(queries.data(), queries.size());
    return;
  }
  std::vector<float> &dst = which == K ? keys : values;
  size_t perHead = prob.keyLen * D;
  dst.resize(heads.size() * perHead);
  for (size_t i = 0; i < heads.size(); ++i)
    convertElements(bytes + heads[i] * perHead * e, type, &dst[i * perHead],
                    ElementType::F32, perHead);
  scaled(dst.data(), dst.size());
}

void ExactAttentionRows::computeExpected(unsigned threads) {
  size_t D = prob.headDim, perHead = prob.keyLen * D;
  expected.assign(rows.size() * D, 0.0);
  scales.assign(rows.size(), 0.0);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < rows.size();) {
      int64_t bh = rows[i] / prob.queryLen, row = rows[i] % prob.queryLen;
      size_t slot =
          std::lower_bound(heads.begin(), heads.end(), bh) - heads.begin();
      attentionRow(&queries[i * D], &keys[slot * perHead],
                   &values[slot * perHead], prob.visibleKeys(row), D,
                   static_cast<double>(prob.scale), &expected[i * D],
                   &scales[i]);
    }
  };
  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  threads = threads ? std::min(threads, hardware) : hardware;
  threads = static_cast<unsigned>(
      std::max<size_t>(1, std::min<size_t>(threads, rows.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(work);
  work();
  for (std::thread &t : pool)
    t.join();
}

std::vector<ExpectedPoint> ExactAttentionRows::points(double rtol, double atol,
                                                      double floor,
                                                      double scale) const {
  std::vector<ExpectedPoint> out;
  size_t D = prob.headDim;
  out.reserve(rows.size() * D);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t d = 0; d < D; ++d) {
      double x = expected[i * D + d];
      double bound =
          scale * (rtol * std::fabs(x) + atol * scales[i] + floor);
      out.push_back({static_cast<size_t>(rows[i]), d, x, bound});
    }
  return out;
}
