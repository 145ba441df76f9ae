//===- AttentionReference.h - exact attention rows on the host -*- C++ -*-===//
//
// O = softmax(scale * Q K^T [causal mask]) V per (batch, head), computed
// exactly (in double) on the host for a sample of (batch, head) pairs and
// query rows: the full S_Q x S_KV score matrix of every head is far too large
// for the CPU at the shapes we benchmark (B=4, H=48, S=16384); every element
// is checked against the GPU reference (ReferenceKernels.h), and this sample
// checks both the kernel and that reference. The causal mask hides key
// j > query i (top-left aligned, like torch's is_causal=True), so every row
// sees key 0.
//
// Everything here is plain host code (no GPU).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_ATTENTIONREFERENCE_H
#define TILE_RUNTIME_ATTENTIONREFERENCE_H

#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Verify.h"

#include <cstdint>
#include <vector>

namespace tile {
namespace runtime {

/// Sizes and scalars of one attention problem: Q and O are
/// (batch, heads, queryLen, headDim), K and V (batch, heads, keyLen, headDim),
/// all packed row-major.
struct AttentionProblem {
  int64_t batch = 1, heads = 1, queryLen = 1, keyLen = 1, headDim = 1;
  float scale = 1.0f;
  bool causal = false;

  int64_t headCount() const { return batch * heads; }
  /// Keys query row `row` attends to: [0, visibleKeys(row)).
  int64_t visibleKeys(int64_t row) const;
  /// 4 * B * H * S_Q * S_KV * D, halved when causal (as the peers count it,
  /// whatever S_Q and S_KV are).
  double flops() const;
};

/// The (batch, head) pairs to check, as b * heads + h: all of them when there
/// are at most 4, else the first, the last and 2 others picked by `seed`.
/// Sorted, distinct.
std::vector<int64_t> sampleAttentionHeads(int64_t headCount, uint64_t seed);

/// The query rows to check in one head: all of them when there are at most
/// 512, else the first 64, the last 64 (where a partial last block ends) and
/// 128 others picked by `seed`. Sorted, distinct.
std::vector<int64_t> sampleAttentionRows(int64_t queryLen, uint64_t seed);

/// One output row, exactly (double accumulation): out[d] = sum_j p_j v_j[d]
/// with p = softmax_j(scale * q . k_j) over the keys j < visibleKeys. `keys`
/// and `values` are visibleKeys x headDim (row-major); `out` has headDim
/// entries. `rowScale`, if given, receives sqrt(sum p_j^2) / sum p_j (the
/// inverse square root of the row's effective number of keys).
void attentionRow(const float *query, const float *keys, const float *values,
                  int64_t visibleKeys, int64_t headDim, double scale,
                  double *out, double *rowScale = nullptr);

/// Exact rows of O on the host CPU for a sample of heads and rows: the
/// second, independent reference next to the GPU one (it also checks the GPU
/// reference itself):
///
///   ExactAttentionRows exact(problem, seed);
///   exact.setInput(ExactAttentionRows::Q, q, bf16);  // and K, V: packed
///   exact.computeExpected();                         // on all cores
///   auto points = exact.points(bound);               // to checkPoints()
///
/// Only the sampled heads' K and V (as float) and the sampled rows of Q are
/// kept, so the caller can free its inputs after setInput.
class ExactAttentionRows {
public:
  enum Input { Q, K, V };

  ExactAttentionRows(const AttentionProblem &problem, uint64_t seed);

  const AttentionProblem &problem() const { return prob; }
  const std::vector<int64_t> &sampledHeads() const { return heads; }
  /// Sampled rows, as indices into the B*H*S_Q rows of O, sorted.
  const std::vector<int64_t> &sampledRows() const { return rows; }

  /// Keeps what the sample needs of input `which` (packed, of `type`), each
  /// element multiplied by `descale`.
  void setInput(Input which, const void *packed, ElementType type,
                float descale = 1.0f);
  /// Computes every sampled row on up to `threads` threads (0: the hardware
  /// concurrency). Needs all three inputs.
  void computeExpected(unsigned threads = 0);
  /// The expected values of sampled row i (headDim of them) and its
  /// sqrt(sum p^2) / sum p.
  const double *expectedRow(size_t i) const {
    return &expected[i * prob.headDim];
  }
  double rowScale(size_t i) const { return scales[i]; }

  /// Every element of the sampled rows with its bound
  /// scale * (rtol * |x| + atol * rowScale + floor), rows numbered over all
  /// B*H*S_Q rows of O.
  std::vector<ExpectedPoint> points(double rtol, double atol, double floor,
                                    double scale = 1) const;

private:
  AttentionProblem prob;
  std::vector<int64_t> heads;      // sorted b * heads + h
  std::vector<int64_t> rows;       // sorted global row indices
  std::vector<float> queries;      // the sampled rows of Q, rows.size() x D
  std::vector<float> keys, values; // sampled heads x S_KV x D
  std::vector<double> expected;    // rows.size() x D
  std::vector<double> scales;      // rows.size()
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_ATTENTIONREFERENCE_H
