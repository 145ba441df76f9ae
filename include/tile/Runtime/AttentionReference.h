//===- AttentionReference.h - host reference for flash attention -*- C++
//-*-===//
//
// O = softmax(scale * Q K^T [causal mask]) V per (batch, head), computed on
// the host for a sample of (batch, head) pairs and query rows only: the full
// S_Q x S_KV score matrix of every head is far too large at the shapes we
// benchmark (B=4, H=48, S=16384). The causal mask hides key j > query i
// (top-left aligned, like torch's is_causal=True), so every row sees key 0.
//
// Everything here is plain host code (no GPU): tile-run feeds it the inputs
// it uploads and then the rows of the output it downloads.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_ATTENTIONREFERENCE_H
#define TILE_RUNTIME_ATTENTIONREFERENCE_H

#include "tile/Runtime/HostData.h"

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
/// entries.
void attentionRow(const float *query, const float *keys, const float *values,
                  int64_t visibleKeys, int64_t headDim, double scale,
                  double *out);

/// The expected rows of O for a sample of heads and rows, and their
/// comparison with the kernel's O:
///
///   AttentionChecker check(problem, seed);
///   check.setInput(AttentionChecker::Q, q, bf16);  // and K, V: packed data
///   check.computeExpected();                       // on all cores
///   check.beginOutput();
///   check.scanOutput(rows, bf16, firstRow, rowCount, pitch);  // any chunks
///   CompareResult r = check.result();
///
/// Only the sampled heads' K and V (as float) and the sampled rows of Q are
/// kept, so the caller can free its inputs after setInput.
class AttentionChecker {
public:
  enum Input { Q, K, V };

  AttentionChecker(const AttentionProblem &problem, uint64_t seed);

  const AttentionProblem &problem() const { return prob; }
  const std::vector<int64_t> &sampledHeads() const { return heads; }
  /// Sampled rows, as indices into the B*H*S_Q rows of O, sorted.
  const std::vector<int64_t> &sampledRows() const { return rows; }

  /// Keeps what the sample needs of input `which` (packed, of `type`).
  void setInput(Input which, const void *packed, ElementType type);
  /// Computes every sampled row on up to `threads` threads (0: the hardware
  /// concurrency). Needs all three inputs.
  void computeExpected(unsigned threads = 0);
  /// The expected values of sampled row i (headDim of them).
  const double *expectedRow(size_t i) const {
    return &expected[i * prob.headDim];
  }

  /// Starts a new comparison.
  void beginOutput();
  /// Takes rows [firstRow, firstRow + rowCount) of O (indices over all
  /// B*H*S_Q rows), row r at `data` + (r - firstRow) * pitch elements of
  /// `type`: counts non-finite elements of every row and compares the
  /// sampled ones with the expected values.
  void scanOutput(const void *data, ElementType type, int64_t firstRow,
                  int64_t rowCount, int64_t pitch);
  /// relativeError: ||O - ref||_F / ||ref||_F over the sampled rows' finite
  /// elements; nanCount, infCount: over every element scanned; count: the
  /// elements scanned; maxAbsIndex: an index into the packed O.
  CompareResult result() const;

private:
  AttentionProblem prob;
  std::vector<int64_t> heads;      // sorted b * heads + h
  std::vector<int64_t> rows;       // sorted global row indices
  std::vector<float> queries;      // the sampled rows of Q, rows.size() x D
  std::vector<float> keys, values; // sampled heads x S_KV x D
  std::vector<double> expected;    // rows.size() x D
  CompareResult current;
  double diff2 = 0, ref2 = 0;
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_ATTENTIONREFERENCE_H
