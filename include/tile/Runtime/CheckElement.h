//===- CheckElement.h - the per-element check, host and device --*- C++ -*-===//
//
// The arithmetic of the verifier's element check and of its per-tile
// statistics, written once for the host checker (Verify.cpp) and the device
// checker (cuda/ReferenceKernels.cu, compiled by nvcc): both must reach the
// same verdict on the same data, and the GPU-free tests run the device code
// under a CPU emulation against the host code. Plain C++ with fixed-size
// types; no standard library, so nvcc takes it as it is.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_CHECKELEMENT_H
#define TILE_RUNTIME_CHECKELEMENT_H

#if defined(__CUDACC__)
#define TILE_HD __host__ __device__ __forceinline__
#else
#define TILE_HD inline
#endif

namespace tile {
namespace runtime {

/// What one tile of an output (or one thread's share of it) holds after the
/// check. Element indices are row * cols + col over the whole output.
struct TileStats {
  double sumRatio2;   // sum of (|out - ref| / bound)^2 over finite pairs
  double maxRatio;    // the largest ratio (-1 when none), at worstIndex
  double diff2, ref2; // sum (out - ref)^2 and sum ref^2 over finite pairs
  double worstBound;
  float worstGot, worstExpected;
  float firstGot, firstExpected; // at firstNonFinite
  long long worstIndex;           // -1 when none
  long long firstNonFinite;       // first non-finite output or ref, or -1
  unsigned long long count;       // elements seen
  unsigned long long overBound, nanCount, infCount, refNonFinite;
};

TILE_HD void tileStatsInit(TileStats &s) {
  s.sumRatio2 = 0;
  s.maxRatio = -1;
  s.diff2 = s.ref2 = 0;
  s.worstBound = 0;
  s.worstGot = s.worstExpected = s.firstGot = s.firstExpected = 0;
  s.worstIndex = s.firstNonFinite = -1;
  s.count = s.overBound = s.nanCount = s.infCount = s.refNonFinite = 0;
}

/// The bound of one element: scale * (rtol |ref| + atol rowScale colScale
/// + floor), evaluated in this order on both sides.
TILE_HD double elementBound(double rtol, double atol, double floor,
                            double scale, float rowScale, float colScale,
                            float ref) {
  double a = atol * rowScale;
  a = a * colScale;
  double r = ref < 0 ? -static_cast<double>(ref) : static_cast<double>(ref);
  return scale * (rtol * r + a + floor);
}

TILE_HD bool isNaNFloat(float x) { return x != x; }
TILE_HD bool isInfFloat(float x) {
  return !isNaNFloat(x) && (x - x != 0.0f);
}

/// A sentinel that keeps non-finite ratios (a zero bound) in the tile sums
/// far above any real tile.
constexpr double kInfiniteRatio2 = 1e300;

/// Adds element `index` with output `o`, reference `x` and bound `bound`.
TILE_HD void tileStatsAdd(TileStats &s, float o, float x, double bound,
                          long long index) {
  ++s.count;
  // A reference that is not finite, or whose bound is not (a row scale of
  // NaN), can judge nothing.
  bool refBad = isNaNFloat(x) || isInfFloat(x) || !(bound >= 0) ||
                bound - bound != 0.0;
  bool outNaN = isNaNFloat(o), outInf = isInfFloat(o);
  if (refBad || outNaN || outInf) {
    s.refNonFinite += refBad;
    s.nanCount += outNaN;
    s.infCount += outInf;
    if (s.firstNonFinite < 0 || index < s.firstNonFinite) {
      s.firstNonFinite = index;
      s.firstGot = o;
      s.firstExpected = x;
    }
    return;
  }
  double d = static_cast<double>(o) - static_cast<double>(x);
  double ad = d < 0 ? -d : d;
  double ratio;
  if (bound > 0)
    ratio = ad / bound;
  else
    ratio = ad > 0 ? 1.0 / 0.0 : 0.0;
  if (ad > bound)
    ++s.overBound;
  if (ratio > s.maxRatio ||
      (ratio == s.maxRatio && s.worstIndex >= 0 && index < s.worstIndex)) {
    s.maxRatio = ratio;
    s.worstIndex = index;
    s.worstGot = o;
    s.worstExpected = x;
    s.worstBound = bound;
  }
  s.diff2 += d * d;
  s.ref2 += static_cast<double>(x) * static_cast<double>(x);
  s.sumRatio2 += ratio <= 1e150 ? ratio * ratio : kInfiniteRatio2;
}

/// Adds everything `b` saw to `a`; ties keep the smaller index.
TILE_HD void tileStatsMerge(TileStats &a, const TileStats &b) {
  a.sumRatio2 += b.sumRatio2;
  a.diff2 += b.diff2;
  a.ref2 += b.ref2;
  a.count += b.count;
  a.overBound += b.overBound;
  a.nanCount += b.nanCount;
  a.infCount += b.infCount;
  a.refNonFinite += b.refNonFinite;
  if (b.worstIndex >= 0 &&
      (a.worstIndex < 0 || b.maxRatio > a.maxRatio ||
       (b.maxRatio == a.maxRatio && b.worstIndex < a.worstIndex))) {
    a.maxRatio = b.maxRatio;
    a.worstIndex = b.worstIndex;
    a.worstGot = b.worstGot;
    a.worstExpected = b.worstExpected;
    a.worstBound = b.worstBound;
  }
  if (b.firstNonFinite >= 0 &&
      (a.firstNonFinite < 0 || b.firstNonFinite < a.firstNonFinite)) {
    a.firstNonFinite = b.firstNonFinite;
    a.firstGot = b.firstGot;
    a.firstExpected = b.firstExpected;
  }
}

/// The mixing step of the buffer hash (splitmix64's finaliser).
TILE_HD unsigned long long hashMix(unsigned long long z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
/// The hash's term for 64-bit word `i` holding `w`: the hash of a buffer is
/// the sum of its words' terms (so it can be computed in any order).
TILE_HD unsigned long long hashWordTerm(unsigned long long w,
                                        unsigned long long i) {
  return hashMix(w ^ (i * 0x9E3779B97F4A7C15ull));
}

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_CHECKELEMENT_H
