//===- HostData.h - host-side tensor data helpers ---------------*- C++ -*-===//
//
// Element conversions (round to nearest even), seeded random fills, a poison
// pattern and the comparison of a result against a reference. No GPU needed.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_HOSTDATA_H
#define TILE_RUNTIME_HOSTDATA_H

#include "tile/Compiler/LaunchInfo.h"

#include "llvm/ADT/StringRef.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace tile {
namespace runtime {

/// Parses "bf16", "f16", "f32", "f8e4m3", "f8e5m2", "i32", "i64", "index",
/// "i1" (the names elementTypeName prints).
std::optional<ElementType> parseElementType(llvm::StringRef name);

/// Whether the type is a floating-point type.
bool isFloatType(ElementType type);

// Conversions. float -> narrow rounds to nearest, ties to even; NaN stays NaN.
uint16_t floatToBF16(float value);
float bf16ToFloat(uint16_t bits);
uint16_t floatToF16(float value);
float f16ToFloat(uint16_t bits);
/// E4M3FN (no infinities): finite overflow and +-Inf saturate to +-448
/// (like PTX cvt.satfinite); NaN becomes 0x7F (sign kept).
uint8_t floatToF8E4M3(float value);
float f8E4M3ToFloat(uint8_t bits);
/// E5M2 (IEEE-like): overflow rounds to +-Inf, NaN becomes a quiet NaN.
uint8_t floatToF8E5M2(float value);
float f8E5M2ToFloat(uint8_t bits);

/// Element `index` of `data` (of `type`) as a double. I1 is one byte.
double loadElement(const void *data, ElementType type, size_t index);
/// Stores `value` converted (rounded to nearest even for floats; for integers
/// truncated toward zero and clamped to the type's range; I1 is value != 0).
void storeElement(void *data, ElementType type, size_t index, double value);

/// Converts `count` elements of `srcType` to `dstType`.
void convertElements(const void *src, ElementType srcType, void *dst,
                     ElementType dstType, size_t count);

/// Fills `count` elements with values uniform in [lo, hi) (default [-1, 1)),
/// rounded to the type and kept below `hi`; integer types get
/// floor(uniform), I1 gets 0/1. Element i depends only on (seed, i), so the
/// data is the same for any thread count. `threads` = 0 picks the hardware
/// concurrency for large buffers.
void fillRandom(void *data, ElementType type, size_t count, uint64_t seed,
                double lo = -1.0, double hi = 1.0, unsigned threads = 0);

/// Sets every byte to 0xFF: NaN for bf16, f16, f32 (and f8), -1 for ints.
void fillPoison(void *data, ElementType type, size_t count);

/// The 2-norm of each row of a rows x cols packed matrix of `type` (as
/// floats), on up to `threads` threads (0: all cores for large matrices).
std::vector<float> rowNorms(const void *data, ElementType type, size_t rows,
                            size_t cols, unsigned threads = 0);
/// The 2-norm of each column.
std::vector<float> columnNorms(const void *data, ElementType type, size_t rows,
                               size_t cols, unsigned threads = 0);
/// max |x| over `count` elements (NaN if any element is NaN).
double maxAbs(const void *data, ElementType type, size_t count);

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_HOSTDATA_H
