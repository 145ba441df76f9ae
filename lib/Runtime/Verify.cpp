//===- Verify.cpp - checking a kernel's output against its reference ------===//

#include "tile/Runtime/Verify.h"

#include "tile/Runtime/HostData.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <thread>

using namespace tile;
using namespace tile::runtime;

double tile::runtime::unitRoundoff(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return std::ldexp(1.0, -8);
  case ElementType::F16:
    return std::ldexp(1.0, -11);
  case ElementType::F32:
    return std::ldexp(1.0, -24);
  case ElementType::F8E4M3:
    return std::ldexp(1.0, -4);
  case ElementType::F8E5M2:
    return std::ldexp(1.0, -3);
  default:
    return 0;
  }
}

/// The spacing of `type`'s subnormals: below the smallest normal, one
/// unit in the last place is this absolute step, not a relative one (e4m3
/// outputs reach it: |O| < 2^-6 is common in attention).
static double subnormalSpacing(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return std::ldexp(1.0, -133);
  case ElementType::F16:
    return std::ldexp(1.0, -24);
  case ElementType::F32:
    return std::ldexp(1.0, -149);
  case ElementType::F8E4M3:
    return std::ldexp(1.0, -9);
  case ElementType::F8E5M2:
    return std::ldexp(1.0, -16);
  default:
    return 0;
  }
}

/// The unit roundoff of the accumulator of the tensor cores for operands
/// of `type`: fp32's for 16-bit operands.
static double accumulationRoundoff(ElementType type) {
  switch (type) {
  case ElementType::F8E4M3:
  case ElementType::F8E5M2:
    // Hopper's fp8 wgmma keeps about 14 significant bits in its sums
    // (DeepSeek-V3 report); taken as 13 until measured here (issue 9).
    return std::ldexp(1.0, -13);
  default:
    return std::ldexp(1.0, -24);
  }
}

ErrorBound tile::runtime::gemmErrorBound(ElementType inType,
                                         ElementType outType, int64_t K,
                                         std::vector<float> rowNorms,
                                         std::vector<float> colNorms) {
  ErrorBound b;
  // One unit in the last place of the output: the kernel's rounding and
  // the reference's may land on two neighbours.
  b.rtol = 2 * unitRoundoff(outType);
  b.atol = kAccumulation * accumulationRoundoff(inType) *
           std::sqrt(static_cast<double>(std::max<int64_t>(K, 1)));
  b.floor = subnormalSpacing(outType);
  b.rowScale = std::move(rowNorms);
  b.colScale = std::move(colNorms);
  return b;
}

ErrorBound tile::runtime::gemmEpilogueErrorBound(
    ElementType inType, ElementType outType, int64_t K,
    llvm::ArrayRef<EpilogueOp> steps, llvm::ArrayRef<double> operandMaxAbs,
    std::vector<float> rowNorms, std::vector<float> colNorms) {
  const double u = std::ldexp(1.0, -24);
  // The error of the fp32 value after each step: R |y| + A ||a|| ||b|| + F.
  double R = 0, F = 0;
  double A = kAccumulation * accumulationRoundoff(inType) *
             std::sqrt(static_cast<double>(std::max<int64_t>(K, 1)));
  for (size_t s = 0; s < steps.size(); ++s) {
    switch (steps[s]) {
    case kEpilogueBias:
    case kEpilogueResidual: {
      double v = s < operandMaxAbs.size() ? std::fabs(operandMaxAbs[s]) : 0;
      F += R * v; // R |y - v| <= R |y| + R |v|
      R += u;     // the fp32 addition
      break;
    }
    case kEpilogueGelu:
    case kEpilogueSilu: {
      double L = steps[s] == kEpilogueGelu ? kGeluLipschitz : kSiluLipschitz;
      A *= L;
      F = L * F + kActivationLambda * R + kActivationEvalAbs * u;
      R = kActivationKappa * R + kActivationEvalRel * u;
      break;
    }
    }
  }
  ErrorBound b;
  // One unit in the last place of the output, the fp32 arithmetic relative
  // to the result, and the reference's own rounding to fp32.
  b.rtol = 2 * unitRoundoff(outType) + R + u;
  b.atol = A;
  b.floor = F + subnormalSpacing(outType);
  b.rowScale = std::move(rowNorms);
  b.colScale = std::move(colNorms);
  return b;
}

ErrorBound tile::runtime::attentionErrorBound(ElementType pType,
                                              ElementType outType, double vmax,
                                              std::vector<float> rowScale) {
  ErrorBound b;
  b.rtol = 2 * unitRoundoff(outType); // one unit in the last place
  b.atol = kSoftmax * unitRoundoff(pType) * vmax;
  // fp32 rounding of the sums in P V and of the exponentials.
  b.floor = 8 * std::ldexp(1.0, -24) * vmax + subnormalSpacing(outType);
  b.rowScale = std::move(rowScale);
  return b;
}

/// The fp32 arithmetic of a row kernel over `cols` values, relative to
/// the terms it works on (softmaxErrorBound, layerNormErrorBound).
static double rowArithmetic(int64_t cols) {
  double c = static_cast<double>(std::max<int64_t>(cols, 1));
  return (kRowOps + kRowSum * std::sqrt(c)) * std::ldexp(1.0, -24);
}

ErrorBound tile::runtime::softmaxErrorBound(ElementType outType,
                                            int64_t cols) {
  ErrorBound b;
  // One unit in the last place of the output, and the fp32 arithmetic:
  // every error of a softmax is relative to the element.
  b.rtol = 2 * unitRoundoff(outType) + rowArithmetic(cols);
  b.floor = subnormalSpacing(outType);
  return b;
}

ErrorBound tile::runtime::rmsNormErrorBound(ElementType outType,
                                            int64_t cols) {
  return softmaxErrorBound(outType, cols);
}

ErrorBound tile::runtime::layerNormErrorBound(ElementType outType,
                                              int64_t cols,
                                              std::vector<float> rowScale,
                                              std::vector<float> colScale) {
  ErrorBound b;
  b.rtol = 2 * unitRoundoff(outType); // one unit in the last place
  // The fp32 arithmetic, relative to |n w| + |b| (n w + b may cancel).
  b.atol = rowArithmetic(cols);
  b.floor = subnormalSpacing(outType);
  b.rowScale = std::move(rowScale);
  b.colScale = std::move(colScale);
  return b;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Decoders for the output types, so the loops below are specialised.
struct DecodeBF16 {
  float operator()(const void *p, size_t i) const {
    uint16_t b;
    std::memcpy(&b, static_cast<const char *>(p) + 2 * i, 2);
    return bf16ToFloat(b);
  }
};
struct DecodeF16 {
  float operator()(const void *p, size_t i) const {
    uint16_t b;
    std::memcpy(&b, static_cast<const char *>(p) + 2 * i, 2);
    return f16ToFloat(b);
  }
};
struct DecodeF32 {
  float operator()(const void *p, size_t i) const {
    float f;
    std::memcpy(&f, static_cast<const char *>(p) + 4 * i, 4);
    return f;
  }
};
struct DecodeAny {
  ElementType type;
  float operator()(const void *p, size_t i) const {
    return static_cast<float>(loadElement(p, type, i));
  }
};

/// Adds rows [rowBegin, rowEnd) (whole tile rows) to their tiles' stats.
template <typename Decode>
void checkRows(const OutputView &out, const float *ref,
               const ErrorBound &bound, const CheckOptions &opt,
               size_t rowBegin, size_t rowEnd, Decode decode,
               std::vector<TileStats> &tiles, size_t tileColsCount) {
  const size_t e = elementSize(out.type);
  const char *base = static_cast<const char *>(out.data);
  for (size_t r = rowBegin; r < rowEnd; ++r) {
    const char *row = base + r * out.pitch * e;
    const float *expected = ref + r * out.cols;
    TileStats *tileRow = &tiles[(r / opt.tileRows) * tileColsCount];
    for (size_t c = 0; c < out.cols; ++c) {
      float x = expected[c];
      tileStatsAdd(tileRow[c / opt.tileCols], decode(row, c), x,
                   bound.at(r, c, x), static_cast<long long>(r * out.cols + c));
    }
  }
}

/// Runs fn(begin, end) over row ranges that are whole tile rows, on up to
/// `threads` threads.
template <typename Fn>
void forTileRows(size_t rows, size_t tileRows, size_t work, unsigned threads,
                 Fn fn) {
  size_t tileRowsCount = (rows + tileRows - 1) / tileRows;
  if (threads == 0) {
    unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    threads = work >= (size_t(1) << 20) ? hw : 1;
  }
  threads = static_cast<unsigned>(
      std::max<size_t>(1, std::min<size_t>(threads, tileRowsCount)));
  if (threads == 1) {
    fn(0, rows);
    return;
  }
  size_t perThread = (tileRowsCount + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    size_t begin = std::min(rows, t * perThread * tileRows);
    size_t end = std::min(rows, (t + 1) * perThread * tileRows);
    if (begin >= end)
      break;
    pool.emplace_back([=] { fn(begin, end); });
  }
  for (auto &th : pool)
    th.join();
}

std::string formatValue(double v) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.6g", v);
  return text;
}

} // namespace

CheckResult tile::runtime::checkOutput(const OutputView &out, const float *ref,
                                       const ErrorBound &bound,
                                       const CheckOptions &options) {
  CheckOptions opt = options;
  opt.tileRows = std::max<size_t>(1, opt.tileRows);
  opt.tileCols = std::max<size_t>(1, opt.tileCols);
  size_t tileRowsCount = (out.rows + opt.tileRows - 1) / opt.tileRows;
  size_t tileColsCount = (out.cols + opt.tileCols - 1) / opt.tileCols;
  std::vector<TileStats> tiles(tileRowsCount * tileColsCount);
  for (TileStats &t : tiles)
    tileStatsInit(t);
  forTileRows(out.rows, opt.tileRows, out.rows * out.cols, opt.threads,
              [&](size_t begin, size_t end) {
                switch (out.type) {
                case ElementType::BF16:
                  return checkRows(out, ref, bound, opt, begin, end,
                                   DecodeBF16(), tiles, tileColsCount);
                case ElementType::F16:
                  return checkRows(out, ref, bound, opt, begin, end,
                                   DecodeF16(), tiles, tileColsCount);
                case ElementType::F32:
                  return checkRows(out, ref, bound, opt, begin, end,
                                   DecodeF32(), tiles, tileColsCount);
                default:
                  return checkRows(out, ref, bound, opt, begin, end,
                                   DecodeAny{out.type}, tiles, tileColsCount);
                }
              });
  return summarizeTiles(tiles, out.rows, out.cols, opt);
}

CheckResult tile::runtime::summarizeTiles(llvm::ArrayRef<TileStats> tiles,
                                          size_t rows, size_t cols,
                                          const CheckOptions &options) {
  CheckResult result;
  result.count = rows * cols;
  result.tileRows = std::max<size_t>(1, options.tileRows);
  result.tileCols = std::max<size_t>(1, options.tileCols);
  if (tiles.empty())
    return result;
  size_t tileColsCount = (cols + result.tileCols - 1) / result.tileCols;
  TileStats all;
  tileStatsInit(all);
  for (const TileStats &t : tiles)
    tileStatsMerge(all, t);
  result.overBound = all.overBound;
  result.nanCount = all.nanCount;
  result.infCount = all.infCount;
  result.refNonFinite = all.refNonFinite;
  result.maxRatio = std::max(0.0, all.maxRatio);
  auto at = [&](long long index) {
    return std::pair<size_t, size_t>(static_cast<size_t>(index) / cols,
                                     static_cast<size_t>(index) % cols);
  };
  if (all.worstIndex >= 0) {
    auto [r, c] = at(all.worstIndex);
    result.worst = {r, c, all.worstGot, all.worstExpected, all.worstBound};
  }
  if (all.firstNonFinite >= 0) {
    auto [r, c] = at(all.firstNonFinite);
    result.firstNonFinite = {r, c, all.firstGot, all.firstExpected, 0};
  }
  result.relativeError = all.ref2 > 0 ? std::sqrt(all.diff2 / all.ref2)
                                      : (all.diff2 > 0 ? kInf : 0.0);

  // Tiles: RMS of the ratios of each tile, against the median tile.
  std::vector<double> rms(tiles.size());
  for (size_t i = 0; i < tiles.size(); ++i) {
    rms[i] = tiles[i].count
                 ? std::sqrt(tiles[i].sumRatio2 / double(tiles[i].count))
                 : 0.0;
    if (i == 0 || rms[i] > result.worstTileRms) {
      result.worstTileRms = rms[i];
      result.worstTileRow = i / tileColsCount;
      result.worstTileCol = i % tileColsCount;
    }
  }
  std::vector<double> sorted = rms;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2,
                   sorted.end());
  result.medianTileRms = sorted[sorted.size() / 2];
  result.tileOutlier =
      rms.size() > 1 && result.worstTileRms > options.outlierFloor &&
      result.worstTileRms > options.outlierFactor * result.medianTileRms;
  return result;
}

CheckResult tile::runtime::checkPoints(const OutputView &out,
                                       llvm::ArrayRef<ExpectedPoint> points) {
  // The same element arithmetic as checkOutput, all points in one "tile".
  TileStats stats;
  tileStatsInit(stats);
  const size_t e = elementSize(out.type);
  for (const ExpectedPoint &p : points) {
    double o = loadElement(static_cast<const char *>(out.data) +
                               p.row * out.pitch * e,
                           out.type, p.col);
    tileStatsAdd(stats, static_cast<float>(o), static_cast<float>(p.value),
                 p.bound, static_cast<long long>(p.row * out.cols + p.col));
  }
  CheckResult result = summarizeTiles(stats, out.rows, out.cols, CheckOptions());
  result.count = points.size();
  return result;
}

std::string CheckResult::failure(
    const std::function<std::string(size_t, size_t)> &where) const {
  auto at = [&](size_t r, size_t c) {
    return where ? where(r, c) : llvm::formatv("[{0}, {1}]", r, c).str();
  };
  auto element = [&](const ElementReport &e) {
    return at(e.row, e.col) + ": " + formatValue(e.got) + " vs " +
           formatValue(e.expected) + ", bound " + formatValue(e.bound);
  };
  if (refNonFinite)
    return llvm::formatv("the reference has {0} non-finite element(s) (first "
                         "at {1}); nothing can be checked against it",
                         refNonFinite,
                         at(firstNonFinite.row, firstNonFinite.col))
        .str();
  std::string text;
  auto add = [&](const std::string &part) {
    text += (text.empty() ? "" : "; ") + part;
  };
  if (nonFinite())
    add(llvm::formatv("{0} of {1} element(s) not finite ({2} NaN: unwritten "
                      "or NaN, {3} Inf; first at {4})",
                      nonFinite(), count, nanCount, infCount,
                      at(firstNonFinite.row, firstNonFinite.col))
            .str());
  if (overBound)
    add(llvm::formatv("{0} of {1} element(s) over the bound (worst at {2})",
                      overBound, count, element(worst))
            .str());
  if (tileOutlier)
    add(llvm::formatv("the {0}x{1} tile at {2} has an RMS error of {3:F2} "
                      "bounds, {4:F1}x the median tile's",
                      tileRows, tileCols,
                      at(worstTileRow * tileRows, worstTileCol * tileCols),
                      worstTileRms,
                      medianTileRms > 0 ? worstTileRms / medianTileRms : kInf)
            .str());
  return text;
}

//===----------------------------------------------------------------------===//
// Canaries
//===----------------------------------------------------------------------===//

namespace {

/// The canary's bytes for one element of `type` (little-endian).
std::vector<uint8_t> canaryBytes(ElementType type) {
  switch (elementSize(type)) {
  case 1:
    return {0x7F};
  case 2:
    return {0xA5, 0x7F};
  case 4:
    return {0xA5, 0xA5, 0xA5, 0x7F};
  default: {
    std::vector<uint8_t> bytes(elementSize(type), 0xA5);
    bytes.back() = 0x7F;
    return bytes;
  }
  }
}

} // namespace

std::optional<GuardedLayout>
tile::runtime::makeGuardedLayout(ElementType type,
                                 llvm::ArrayRef<int64_t> extents, bool packed,
                                 size_t guardBytes) {
  GuardedLayout layout;
  layout.type = type;
  layout.guardBytes = guardBytes;
  uint64_t e = elementSize(type);
  uint64_t rows = 1, cols = 1;
  for (size_t i = 0; i < extents.size(); ++i) {
    if (extents[i] <= 0)
      return std::nullopt;
    if (i + 1 == extents.size())
      cols = static_cast<uint64_t>(extents[i]);
    else if (__builtin_mul_overflow(rows, static_cast<uint64_t>(extents[i]),
                                    &rows))
      return std::nullopt;
  }
  uint64_t align = std::max<uint64_t>(1, 16 / e);
  uint64_t pitch = packed ? cols : (cols + align - 1) / align * align;
  uint64_t bytes;
  if (pitch < cols || __builtin_mul_overflow(rows, pitch, &bytes) ||
      __builtin_mul_overflow(bytes, e, &bytes) ||
      bytes > (uint64_t(1) << 62) - 2 * uint64_t(guardBytes))
    return std::nullopt;
  layout.rows = rows;
  layout.cols = cols;
  layout.pitch = pitch;
  return layout;
}

uint64_t tile::runtime::canaryPattern(ElementType type) {
  std::vector<uint8_t> bytes = canaryBytes(type);
  uint64_t pattern = 0;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i)
    pattern |= uint64_t(bytes[i]) << (8 * i);
  return pattern;
}

void tile::runtime::fillCanary(void *data, ElementType type, size_t count) {
  std::vector<uint8_t> pattern = canaryBytes(type);
  auto *out = static_cast<uint8_t *>(data);
  for (size_t i = 0; i < count; ++i)
    std::memcpy(out + i * pattern.size(), pattern.data(), pattern.size());
}

std::vector<char> tile::runtime::makeGuardedImage(const GuardedLayout &layout,
                                                  const void *packed) {
  const size_t e = elementSize(layout.type);
  std::vector<char> image(layout.totalBytes());
  fillCanary(image.data(), layout.type, layout.guardBytes / e);
  fillCanary(image.data() + layout.guardBytes + layout.dataBytes(),
             layout.type, layout.guardBytes / e);
  char *data = image.data() + layout.guardBytes;
  for (size_t r = 0; r < layout.rows; ++r) {
    char *row = data + r * layout.pitch * e;
    if (packed)
      std::memcpy(row, static_cast<const char *>(packed) + r * layout.cols * e,
                  layout.cols * e);
    else
      std::memset(row, 0xFF, layout.cols * e);
    fillCanary(row + layout.cols * e, layout.type, layout.pitch - layout.cols);
  }
  return image;
}

CanaryReport tile::runtime::checkGuards(const GuardedLayout &layout,
                                        const char *before,
                                        const char *after) {
  CanaryReport report;
  std::vector<uint8_t> pattern = canaryBytes(layout.type);
  const size_t e = pattern.size();
  size_t slots = layout.guardBytes / e;
  // Before the data: count backwards from the start, so the nearest damage
  // is named.
  for (size_t i = slots; i-- > 0;)
    if (std::memcmp(before + i * e, pattern.data(), e) != 0) {
      if (!report.damaged)
        report.first = llvm::formatv("guard band, {0} bytes before the start",
                                     layout.guardBytes - i * e)
                           .str();
      ++report.damaged;
    }
  for (size_t i = 0; i < slots; ++i)
    if (std::memcmp(after + i * e, pattern.data(), e) != 0) {
      if (!report.damaged)
        report.first =
            llvm::formatv("guard band, {0} bytes after the end", i * e).str();
      ++report.damaged;
    }
  return report;
}

CanaryReport tile::runtime::checkCanaries(const GuardedLayout &layout,
                                          const char *image) {
  const char *data = image + layout.guardBytes;
  CanaryReport report =
      checkGuards(layout, image, data + layout.dataBytes());
  std::vector<uint8_t> pattern = canaryBytes(layout.type);
  const size_t e = pattern.size();
  std::string firstPadding;
  size_t paddingDamaged = 0;
  for (size_t r = 0; r < layout.rows; ++r) {
    const char *row = data + r * layout.pitch * e;
    for (size_t c = layout.cols; c < layout.pitch; ++c)
      if (std::memcmp(row + c * e, pattern.data(), e) != 0) {
        if (!paddingDamaged)
          firstPadding =
              llvm::formatv("padding of row {0}, column {1}", r, c).str();
        ++paddingDamaged;
      }
  }
  if (paddingDamaged) {
    report.first = report.damaged ? firstPadding + "; " + report.first
                                  : firstPadding;
    report.damaged += paddingDamaged;
  }
  return report;
}

uint64_t tile::runtime::finishHash(uint64_t wordSum, const void *tail,
                                   size_t bytes) {
  const auto *p = static_cast<const uint8_t *>(tail);
  size_t words = bytes / 8;
  for (size_t i = 0; i < bytes % 8; ++i)
    wordSum += hashMix(p[i] ^ ((words * 8 + i) << 8));
  return hashMix(wordSum ^ bytes);
}

uint64_t tile::runtime::hashBytes(const void *data, size_t bytes) {
  // Order-sensitive through the index in each word's term; the sum can be
  // taken in any order (the device sums in parallel).
  const char *p = static_cast<const char *>(data);
  size_t words = bytes / 8;
  auto range = [&](size_t begin, size_t end) {
    uint64_t h = 0;
    for (size_t i = begin; i < end; ++i) {
      uint64_t w;
      std::memcpy(&w, p + i * 8, 8);
      h += hashWordTerm(w, i);
    }
    return h;
  };
  uint64_t h = 0;
  unsigned threads =
      words >= (size_t(1) << 22)
          ? std::max(1u, std::min(16u, std::thread::hardware_concurrency()))
          : 1;
  if (threads == 1) {
    h = range(0, words);
  } else {
    std::vector<uint64_t> parts(threads);
    std::vector<std::thread> pool;
    size_t chunk = (words + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        parts[t] = range(std::min(words, t * chunk),
                         std::min(words, (t + 1) * chunk));
      });
    for (auto &th : pool)
      th.join();
    for (uint64_t part : parts)
      h += part;
  }
  return finishHash(h, p + words * 8, bytes);
}
