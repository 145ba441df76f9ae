//===- HostData.cpp - host-side tensor data helpers -----------------------===//

#include "tile/Runtime/HostData.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

using namespace tile;
using namespace tile::runtime;

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

std::optional<ElementType> tile::runtime::parseElementType(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ElementType>>(name)
      .Case("bf16", ElementType::BF16)
      .Case("f16", ElementType::F16)
      .Case("f32", ElementType::F32)
      .Case("f8e4m3", ElementType::F8E4M3)
      .Case("f8E4M3FN", ElementType::F8E4M3)
      .Case("f8e5m2", ElementType::F8E5M2)
      .Case("f8E5M2", ElementType::F8E5M2)
      .Case("i32", ElementType::I32)
      .Case("i64", ElementType::I64)
      .Case("index", ElementType::Index)
      .Case("i1", ElementType::I1)
      .Default(std::nullopt);
}

bool tile::runtime::isFloatType(ElementType type) {
  switch (type) {
  case ElementType::BF16:
  case ElementType::F16:
  case ElementType::F32:
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
    return true;
  default:
    return false;
  }
}

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

namespace {
uint32_t floatBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  return x;
}
float bitsFloat(uint32_t x) {
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

/// A small binary float format: `ebits` exponent bits, `mbits` mantissa bits.
/// `finiteOnly`: E4M3FN-style (no infinities; all-ones is the NaN), else
/// IEEE-style (all-ones exponent holds Inf and NaN).
struct SmallFormat {
  int ebits;
  int mbits;
  bool finiteOnly;
  uint32_t nanBits;
  uint32_t maxFiniteBits;
};

constexpr SmallFormat kE5M2{2 + 3, 2, false, 0x7E, 0x7B};
constexpr SmallFormat kE4M3{4, 3, true, 0x7F, 0x7E};

/// float -> small format, round to nearest even. Overflow gives Inf
/// (IEEE-style) or the largest finite value (finite-only, saturating).
uint32_t encodeSmall(float value, const SmallFormat &fmt) {
  uint32_t x = floatBits(value);
  uint32_t sign = (x >> 31) << (fmt.ebits + fmt.mbits);
  uint32_t absx = x & 0x7FFFFFFFu;
  uint32_t expAllOnes = (1u << fmt.ebits) - 1;
  uint32_t infBits = expAllOnes << fmt.mbits;
  if (absx > 0x7F800000u)
    return sign | fmt.nanBits;
  if (absx == 0x7F800000u)
    return sign | (fmt.finiteOnly ? fmt.maxFiniteBits : infBits);
  if (absx == 0)
    return sign;

  int bias = (1 << (fmt.ebits - 1)) - 1;
  int emin = 1 - bias;
  int e;
  uint32_t sig;
  if ((absx >> 23) == 0) { // float subnormal: sig * 2^(-126-23)
    e = -126;
    sig = absx;
  } else {
    e = static_cast<int>(absx >> 23) - 127;
    sig = (absx & 0x7FFFFFu) | 0x800000u;
  }
  // value = sig * 2^(e - 23); keep mbits fraction bits at exponent max(e,emin).
  int shift = 23 - fmt.mbits + (e < emin ? emin - e : 0);
  uint32_t m;
  if (shift >= 26) {
    m = 0; // below half of the smallest subnormal
  } else {
    m = sig >> shift;
    uint32_t rem = sig & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (m & 1)))
      ++m;
  }
  int eres = std::max(e, emin);
  if (m >= (2u << fmt.mbits)) { // rounding carried into the next binade
    m >>= 1;
    ++eres;
  }
  uint32_t bits;
  if (m < (1u << fmt.mbits)) {
    bits = m; // subnormal (or zero)
  } else {
    int expField = eres + bias;
    if (expField >= static_cast<int>(expAllOnes) + (fmt.finiteOnly ? 1 : 0))
      return sign | (fmt.finiteOnly ? fmt.maxFiniteBits : infBits);
    bits = (static_cast<uint32_t>(expField) << fmt.mbits) |
           (m - (1u << fmt.mbits));
  }
  if (fmt.finiteOnly && bits > fmt.maxFiniteBits)
    return sign | fmt.maxFiniteBits; // satfinite
  return sign | bits;
}

float decodeSmall(uint32_t bits, const SmallFormat &fmt) {
  uint32_t expAllOnes = (1u << fmt.ebits) - 1;
  bool negative = (bits >> (fmt.ebits + fmt.mbits)) & 1;
  uint32_t expField = (bits >> fmt.mbits) & expAllOnes;
  uint32_t mant = bits & ((1u << fmt.mbits) - 1);
  int bias = (1 << (fmt.ebits - 1)) - 1;
  float value;
  if (fmt.finiteOnly && expField == expAllOnes &&
      mant == (1u << fmt.mbits) - 1)
    value = std::numeric_limits<float>::quiet_NaN();
  else if (!fmt.finiteOnly && expField == expAllOnes)
    value = mant ? std::numeric_limits<float>::quiet_NaN()
                 : std::numeric_limits<float>::infinity();
  else if (expField == 0)
    value = std::ldexp(static_cast<float>(mant), 1 - bias - fmt.mbits);
  else
    value = std::ldexp(static_cast<float>((1u << fmt.mbits) | mant),
                       static_cast<int>(expField) - bias - fmt.mbits);
  return negative ? -value : value;
}

template <size_t N> struct DecodeTable {
  float values[N];
  explicit DecodeTable(const SmallFormat &fmt) {
    for (size_t i = 0; i < N; ++i)
      values[i] = decodeSmall(static_cast<uint32_t>(i), fmt);
  }
};

const DecodeTable<256> &e4m3Table() {
  static const DecodeTable<256> table(kE4M3);
  return table;
}
const DecodeTable<256> &e5m2Table() {
  static const DecodeTable<256> table(kE5M2);
  return table;
}
} // namespace

uint16_t tile::runtime::floatToBF16(float value) {
  uint32_t x = floatBits(value);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep sign and payload, quiet
    return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t lsb = (x >> 16) & 1;
  x += 0x7FFFu + lsb;
  return static_cast<uint16_t>(x >> 16);
}

float tile::runtime::bf16ToFloat(uint16_t bits) {
  return bitsFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t tile::runtime::floatToF16(float value) {
  // Bit manipulation as in F. Giesen's float_to_half (round to nearest
  // even); the unit tests compare it with the compiler's _Float16.
  uint32_t x = floatBits(value);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t a = x & 0x7FFFFFFFu;
  if (a >= 0x7F800000u) // Inf or NaN (quiet)
    return static_cast<uint16_t>(sign | (a > 0x7F800000u ? 0x7E00u : 0x7C00u));
  if (a >= 0x477FF000u) // >= 65520 rounds to Inf
    return static_cast<uint16_t>(sign | 0x7C00u);
  if (a >= 0x38800000u) { // a normal half: rebias, round, shift
    uint32_t r = a + 0xC8000FFFu + ((a >> 13) & 1);
    return static_cast<uint16_t>(sign | (r >> 13));
  }
  // Subnormal or zero: adding 0.5 makes the FPU round to a multiple of
  // 2^-24, the half subnormal quantum, in the low mantissa bits.
  float t = bitsFloat(a) + 0.5f;
  return static_cast<uint16_t>(sign | (floatBits(t) - 0x3F000000u));
}
float tile::runtime::f16ToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t e = (bits >> 10) & 0x1Fu, m = bits & 0x3FFu;
  if (e == 0x1F) // Inf, NaN (payload kept)
    return bitsFloat(sign | 0x7F800000u | (m << 13));
  if (e == 0) { // subnormal: m * 2^-24
    float v = static_cast<float>(m) * 0x1p-24f;
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((e + 112) << 23) | (m << 13));
}
uint8_t tile::runtime::floatToF8E4M3(float value) {
  return static_cast<uint8_t>(encodeSmall(value, kE4M3));
}
float tile::runtime::f8E4M3ToFloat(uint8_t bits) {
  return e4m3Table().values[bits];
}
uint8_t tile::runtime::floatToF8E5M2(float value) {
  return static_cast<uint8_t>(encodeSmall(value, kE5M2));
}
float tile::runtime::f8E5M2ToFloat(uint8_t bits) {
  return e5m2Table().values[bits];
}

//===----------------------------------------------------------------------===//
// Element access
//===----------------------------------------------------------------------===//

namespace {
template <typename T> T loadRaw(const void *data, size_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T),
              sizeof(T));
  return value;
}
template <typename T> void storeRaw(void *data, size_t index, T value) {
  std::memcpy(static_cast<char *>(data) + index * sizeof(T), &value,
              sizeof(T));
}
template <typename T> T clampToInt(double value) {
  if (std::isnan(value))
    return 0;
  double lo = static_cast<double>(std::numeric_limits<T>::min());
  double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (value <= lo)
    return std::numeric_limits<T>::min();
  if (value >= hi)
    return std::numeric_limits<T>::max();
  return static_cast<T>(value);
}
} // namespace

double tile::runtime::loadElement(const void *data, ElementType type,
                                  size_t index) {
  switch (type) {
  case ElementType::BF16:
    return bf16ToFloat(loadRaw<uint16_t>(data, index));
  case ElementType::F16:
    return f16ToFloat(loadRaw<uint16_t>(data, index));
  case ElementType::F32:
    return loadRaw<float>(data, index);
  case ElementType::F8E4M3:
    return f8E4M3ToFloat(loadRaw<uint8_t>(data, index));
  case ElementType::F8E5M2:
    return f8E5M2ToFloat(loadRaw<uint8_t>(data, index));
  case ElementType::I32:
    return loadRaw<int32_t>(data, index);
  case ElementType::I64:
  case ElementType::Index:
    return static_cast<double>(loadRaw<int64_t>(data, index));
  case ElementType::I1:
    return loadRaw<uint8_t>(data, index) ? 1.0 : 0.0;
  }
  return 0;
}

void tile::runtime::storeElement(void *data, ElementType type, size_t index,
                                 double value) {
  switch (type) {
  case ElementType::BF16:
    // Round double -> float first: exact for every value we produce here,
    // and the second rounding to bf16 only matters for doubles that are not
    // floats, which callers pass through float anyway.
    storeRaw<uint16_t>(data, index, floatToBF16(static_cast<float>(value)));
    return;
  case ElementType::F16:
    storeRaw<uint16_t>(data, index, floatToF16(static_cast<float>(value)));
    return;
  case ElementType::F32:
    storeRaw<float>(data, index, static_cast<float>(value));
    return;
  case ElementType::F8E4M3:
    storeRaw<uint8_t>(data, index, floatToF8E4M3(static_cast<float>(value)));
    return;
  case ElementType::F8E5M2:
    storeRaw<uint8_t>(data, index, floatToF8E5M2(static_cast<float>(value)));
    return;
  case ElementType::I32:
    storeRaw<int32_t>(data, index, clampToInt<int32_t>(value));
    return;
  case ElementType::I64:
  case ElementType::Index:
    storeRaw<int64_t>(data, index, clampToInt<int64_t>(value));
    return;
  case ElementType::I1:
    storeRaw<uint8_t>(data, index, value != 0 ? 1 : 0);
    return;
  }
}

void tile::runtime::convertElements(const void *src, ElementType srcType,
                                    void *dst, ElementType dstType,
                                    size_t count) {
  if (srcType == dstType) {
    std::memmove(dst, src, count * elementSize(srcType));
    return;
  }
  for (size_t i = 0; i < count; ++i)
    storeElement(dst, dstType, i, loadElement(src, srcType, i));
}

//===----------------------------------------------------------------------===//
// Fills
//===----------------------------------------------------------------------===//

namespace {
/// The splitmix64 output for step `index` of the stream seeded with `seed`:
/// counter-based, so any element can be computed independently.
inline uint64_t splitmix64(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Runs fn(begin, end) over [0, count) in `threads` contiguous chunks.
template <typename Fn>
void parallelChunks(size_t count, unsigned threads, Fn fn) {
  if (threads == 0) {
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    threads = count >= (1u << 20) ? hw : 1;
  }
  threads = static_cast<unsigned>(
      std::min<size_t>(threads, std::max<size_t>(1, count / 4096)));
  if (threads <= 1) {
    fn(size_t(0), count);
    return;
  }
  std::vector<std::thread> workers;
  workers.reserve(threads);
  size_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    size_t begin = std::min(count, t * chunk);
    size_t end = std::min(count, begin + chunk);
    if (begin == end)
      break;
    workers.emplace_back([=] { fn(begin, end); });
  }
  for (auto &w : workers)
    w.join();
}

/// The bits just below `bits` toward -inf in a sign-magnitude format
/// (`signBit` set means negative), for a nonzero finite value.
template <typename T> T stepDown(T bits, T signBit) {
  if (bits & signBit)
    return static_cast<T>(bits + 1); // more negative
  if (bits == 0)
    return static_cast<T>(signBit | 1); // 0 -> smallest negative
  return static_cast<T>(bits - 1);
}
} // namespace

void tile::runtime::fillRandom(void *data, ElementType type, size_t count,
                               uint64_t seed, double lo, double hi,
                               unsigned threads) {
  if (count == 0)
    return;
  if (!(hi > lo))
    hi = lo; // degenerate range: everything becomes lo (rounded)
  const double span = hi - lo;
  const uint64_t mixedSeed = splitmix64(seed, ~0ull);
  auto uniform = [=](size_t i) {
    uint64_t x = splitmix64(mixedSeed, i);
    return lo + span * (static_cast<double>(x >> 11) * 0x1.0p-53);
  };
  // Round `v` with `encode`; if that reached `hi`, take the value below.
  auto body = [&](size_t begin, size_t end) {
    switch (type) {
    case ElementType::BF16:
    case ElementType::F16: {
      auto *out = static_cast<uint16_t *>(data);
      bool bf = type == ElementType::BF16;
      for (size_t i = begin; i < end; ++i) {
        float v = static_cast<float>(uniform(i));
        uint16_t b = bf ? floatToBF16(v) : floatToF16(v);
        float back = bf ? bf16ToFloat(b) : f16ToFloat(b);
        if (span > 0 && back >= hi)
          b = stepDown<uint16_t>(b, 0x8000);
        out[i] = b;
      }
      return;
    }
    case ElementType::F8E4M3:
    case ElementType::F8E5M2: {
      auto *out = static_cast<uint8_t *>(data);
      bool e4 = type == ElementType::F8E4M3;
      for (size_t i = begin; i < end; ++i) {
        float v = static_cast<float>(uniform(i));
        uint8_t b = e4 ? floatToF8E4M3(v) : floatToF8E5M2(v);
        float back = e4 ? f8E4M3ToFloat(b) : f8E5M2ToFloat(b);
        if (span > 0 && back >= hi)
          b = stepDown<uint8_t>(b, 0x80);
        out[i] = b;
      }
      return;
    }
    case ElementType::F32: {
      auto *out = static_cast<float *>(data);
      for (size_t i = begin; i < end; ++i) {
        float v = static_cast<float>(uniform(i));
        if (span > 0 && v >= hi)
          v = std::nextafter(v, -std::numeric_limits<float>::infinity());
        out[i] = v;
      }
      return;
    }
    case ElementType::I32:
    case ElementType::I64:
    case ElementType::Index:
      for (size_t i = begin; i < end; ++i)
        storeElement(data, type, i, std::floor(uniform(i)));
      return;
    case ElementType::I1: {
      auto *out = static_cast<uint8_t *>(data);
      for (size_t i = begin; i < end; ++i)
        out[i] = static_cast<uint8_t>(splitmix64(mixedSeed, i) >> 63);
      return;
    }
    }
  };
  parallelChunks(count, threads, body);
}

void tile::runtime::fillPoison(void *data, ElementType type, size_t count) {
  std::memset(data, 0xFF, count * elementSize(type));
}

//===----------------------------------------------------------------------===//
// Norms
//===----------------------------------------------------------------------===//

namespace {
/// Runs work(w, begin, end) over `workers` bands of [0, rows).
template <typename Fn>
void forBands(size_t rows, size_t elements, unsigned threads, Fn work) {
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  unsigned workers = threads ? threads : (elements >= (1u << 22) ? hw : 1);
  workers = static_cast<unsigned>(
      std::max<size_t>(1, std::min<size_t>(workers, rows)));
  size_t band = (rows + workers - 1) / workers;
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < workers; ++w)
    pool.emplace_back(work, w, std::min(rows, w * band),
                      std::min(rows, (w + 1) * band));
  work(0u, size_t(0), std::min(rows, band));
  for (auto &t : pool)
    t.join();
}
} // namespace

std::vector<float> tile::runtime::rowNorms(const void *data, ElementType type,
                                           size_t rows, size_t cols,
                                           unsigned threads) {
  std::vector<float> norms(rows);
  size_t e = elementSize(type);
  forBands(rows, rows * cols, threads, [&](unsigned, size_t begin, size_t end) {
    std::vector<float> row(cols);
    for (size_t r = begin; r < end; ++r) {
      convertElements(static_cast<const char *>(data) + r * cols * e, type,
                      row.data(), ElementType::F32, cols);
      double sum = 0;
      for (float x : row)
        sum += static_cast<double>(x) * x;
      norms[r] = static_cast<float>(std::sqrt(sum));
    }
  });
  return norms;
}

std::vector<float> tile::runtime::columnNorms(const void *data,
                                              ElementType type, size_t rows,
                                              size_t cols, unsigned threads) {
  // Each worker sums the squares of a band of rows; the bands are added.
  unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::vector<double>> sums(std::max(threads, hw),
                                        std::vector<double>(cols, 0));
  size_t e = elementSize(type);
  forBands(rows, rows * cols, threads,
           [&](unsigned w, size_t begin, size_t end) {
             std::vector<float> row(cols);
             for (size_t r = begin; r < end; ++r) {
               convertElements(static_cast<const char *>(data) + r * cols * e,
                               type, row.data(), ElementType::F32, cols);
               for (size_t c = 0; c < cols; ++c)
                 sums[w][c] += static_cast<double>(row[c]) * row[c];
             }
           });
  std::vector<float> norms(cols);
  for (size_t c = 0; c < cols; ++c) {
    double sum = 0;
    for (const std::vector<double> &band : sums)
      sum += band[c];
    norms[c] = static_cast<float>(std::sqrt(sum));
  }
  return norms;
}

double tile::runtime::maxAbs(const void *data, ElementType type,
                             size_t count) {
  double m = 0;
  for (size_t i = 0; i < count; ++i) {
    double x = loadElement(data, type, i);
    if (std::isnan(x))
      return x;
    m = std::max(m, std::fabs(x));
  }
  return m;
}
