//===- RuntimeTest.cpp - GPU-free tests of the tile runtime ---------------===//
//
// Conversions, random fills, comparison, parameter packing, grids, TMA
// descriptor checks, and the driver's behaviour without a GPU.
//
//===----------------------------------------------------------------------===//

#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/Cublas.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Timer.h"

#include "ErrorText.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <limits>
#include <vector>

using namespace tile;
using namespace tile::runtime;

namespace {

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

using tile::test::errorText;

template <typename T> std::string errorText(llvm::Expected<T> &&value) {
  return errorText(value);
}

//===----------------------------------------------------------------------===//
// Element types and conversions
//===----------------------------------------------------------------------===//

TEST(RuntimeElementType, SizesAndNames) {
  EXPECT_EQ(elementSize(ElementType::BF16), 2u);
  EXPECT_EQ(elementSize(ElementType::F16), 2u);
  EXPECT_EQ(elementSize(ElementType::F32), 4u);
  EXPECT_EQ(elementSize(ElementType::F8E4M3), 1u);
  EXPECT_EQ(elementSize(ElementType::F8E5M2), 1u);
  EXPECT_EQ(elementSize(ElementType::I32), 4u);
  EXPECT_EQ(elementSize(ElementType::I64), 8u);
  EXPECT_EQ(elementSize(ElementType::Index), 8u);
  EXPECT_EQ(elementSize(ElementType::I1), 1u);
  for (ElementType t :
       {ElementType::BF16, ElementType::F16, ElementType::F32,
        ElementType::F8E4M3, ElementType::F8E5M2, ElementType::I32,
        ElementType::I64, ElementType::Index, ElementType::I1}) {
    auto parsed = parseElementType(elementTypeName(t));
    ASSERT_TRUE(parsed.has_value()) << elementTypeName(t);
    EXPECT_EQ(*parsed, t);
  }
  EXPECT_STREQ(elementTypeName(ElementType::F8E4M3), "f8e4m3");
  EXPECT_FALSE(parseElementType("f64").has_value());
}

TEST(RuntimeConvert, BF16) {
  EXPECT_EQ(floatToBF16(1.0f), 0x3F80);
  EXPECT_EQ(floatToBF16(-2.0f), 0xC000);
  EXPECT_EQ(floatToBF16(-0.0f), 0x8000);
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  // Ties go to even: 1 + 2^-8 lies halfway between 0x3F80 and 0x3F81.
  EXPECT_EQ(floatToBF16(bitsToFloat(0x3F808000)), 0x3F80);
  EXPECT_EQ(floatToBF16(bitsToFloat(0x3F818000)), 0x3F82);
  EXPECT_EQ(floatToBF16(bitsToFloat(0x3F808001)), 0x3F81);
  EXPECT_EQ(floatToBF16(bitsToFloat(0x3F807FFF)), 0x3F80);
  // Overflow to infinity; infinities and NaN preserved.
  EXPECT_EQ(floatToBF16(std::numeric_limits<float>::max()), 0x7F80);
  EXPECT_EQ(floatToBF16(-std::numeric_limits<float>::infinity()), 0xFF80);
  uint16_t nan = floatToBF16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(std::isnan(bf16ToFloat(nan)));
  // A signalling NaN whose payload is only in the low bits stays NaN.
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBF16(bitsToFloat(0x7F800001)))));
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBF16(bitsToFloat(0xFF800001)))));
}

TEST(RuntimeConvert, F16) {
  EXPECT_EQ(floatToF16(1.0f), 0x3C00);
  EXPECT_EQ(floatToF16(-2.5f), 0xC100);
  EXPECT_EQ(floatToF16(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToF16(65519.0f), 0x7BFF);
  EXPECT_EQ(floatToF16(65520.0f), 0x7C00); // tie at the top rounds to inf
  EXPECT_EQ(floatToF16(1e10f), 0x7C00);
  EXPECT_EQ(floatToF16(-std::numeric_limits<float>::infinity()), 0xFC00);
  // Ties to even: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
  EXPECT_EQ(floatToF16(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  EXPECT_EQ(floatToF16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  // Subnormals.
  EXPECT_EQ(floatToF16(std::ldexp(1.0f, -14)), 0x0400);
  EXPECT_EQ(floatToF16(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(floatToF16(std::ldexp(1.0f, -25)), 0x0000);      // tie -> even 0
  EXPECT_EQ(floatToF16(3 * std::ldexp(1.0f, -25)), 0x0002);  // tie -> even 2
  EXPECT_EQ(floatToF16(std::ldexp(1.0f, -26)), 0x0000);
  EXPECT_EQ(floatToF16(-std::ldexp(1.0f, -30)), 0x8000);
  EXPECT_EQ(f16ToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(f16ToFloat(0x3C00), 1.0f);
  EXPECT_EQ(f16ToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f16ToFloat(floatToF16(std::nanf("")))));
  // Every non-NaN half survives the round trip through float.
  for (uint32_t b = 0; b < 0x10000; ++b) {
    float f = f16ToFloat(static_cast<uint16_t>(b));
    if (std::isnan(f))
      continue;
    ASSERT_EQ(floatToF16(f), b) << "bits " << b;
  }
}

#ifdef __FLT16_MAX__
// The compiler's _Float16 conversion rounds to nearest even: floatToF16 must
// agree on every float near the half range and on random bit patterns.
TEST(RuntimeConvert, F16MatchesCompiler) {
  auto check = [](uint32_t bits) {
    float f = bitsToFloat(bits);
    _Float16 h = static_cast<_Float16>(f);
    uint16_t want;
    std::memcpy(&want, &h, 2);
    uint16_t got = floatToF16(f);
    if (std::isnan(f))
      return std::isnan(f16ToFloat(got)) && (got & 0x8000) == (want & 0x8000);
    return got == want;
  };
  // Floats with magnitude in [2^-26, 2^17), both signs, every 613th.
  for (uint32_t bits = 0x32800000u; bits < 0x48000000u; bits += 613) {
    ASSERT_TRUE(check(bits)) << std::hex << bits;
    ASSERT_TRUE(check(bits | 0x80000000u)) << std::hex << bits;
  }
  uint64_t state = 1;
  for (int i = 0; i < 200000; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    uint32_t bits = static_cast<uint32_t>(state >> 32);
    ASSERT_TRUE(check(bits)) << std::hex << bits;
  }
}
#endif

TEST(RuntimeConvert, F8E4M3) {
  EXPECT_EQ(floatToF8E4M3(1.0f), 0x38);
  EXPECT_EQ(floatToF8E4M3(-1.0f), 0xB8);
  EXPECT_EQ(floatToF8E4M3(448.0f), 0x7E);
  EXPECT_EQ(f8E4M3ToFloat(0x7E), 448.0f);
  // Saturation: finite overflow and infinities clamp to +-448.
  EXPECT_EQ(floatToF8E4M3(464.0f), 0x7E); // tie between 448 and 480 -> even
  EXPECT_EQ(floatToF8E4M3(500.0f), 0x7E);
  EXPECT_EQ(floatToF8E4M3(1e9f), 0x7E);
  EXPECT_EQ(floatToF8E4M3(-1e9f), 0xFE);
  EXPECT_EQ(floatToF8E4M3(std::numeric_limits<float>::infinity()), 0x7E);
  EXPECT_EQ(floatToF8E4M3(-std::numeric_limits<float>::infinity()), 0xFE);
  // NaN stays NaN (0x7F / 0xFF are the only NaNs).
  EXPECT_EQ(floatToF8E4M3(std::nanf("")) & 0x7F, 0x7F);
  EXPECT_TRUE(std::isnan(f8E4M3ToFloat(0x7F)));
  EXPECT_TRUE(std::isnan(f8E4M3ToFloat(0xFF)));
  // Ties to even: 1.0625 between 1.0 and 1.125; 1.1875 between 1.125, 1.25.
  EXPECT_EQ(floatToF8E4M3(1.0625f), 0x38);
  EXPECT_EQ(floatToF8E4M3(1.1875f), 0x3A);
  // Subnormals: smallest 2^-9.
  EXPECT_EQ(floatToF8E4M3(std::ldexp(1.0f, -9)), 0x01);
  EXPECT_EQ(f8E4M3ToFloat(0x01), std::ldexp(1.0f, -9));
  EXPECT_EQ(floatToF8E4M3(std::ldexp(1.0f, -10)), 0x00); // tie -> even 0
  EXPECT_EQ(floatToF8E4M3(std::ldexp(1.0f, -6)), 0x08);  // smallest normal
  for (uint32_t b = 0; b < 256; ++b) {
    float f = f8E4M3ToFloat(static_cast<uint8_t>(b));
    if (std::isnan(f))
      continue;
    ASSERT_EQ(floatToF8E4M3(f), b) << "bits " << b;
  }
}

TEST(RuntimeConvert, F8E5M2) {
  EXPECT_EQ(floatToF8E5M2(1.0f), 0x3C);
  EXPECT_EQ(floatToF8E5M2(-0.5f), 0xB8);
  EXPECT_EQ(floatToF8E5M2(57344.0f), 0x7B);
  EXPECT_EQ(floatToF8E5M2(60000.0f), 0x7B);
  EXPECT_EQ(floatToF8E5M2(61440.0f), 0x7C); // tie at the top -> inf
  EXPECT_EQ(floatToF8E5M2(std::numeric_limits<float>::infinity()), 0x7C);
  EXPECT_EQ(f8E5M2ToFloat(0x7C), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(f8E5M2ToFloat(floatToF8E5M2(std::nanf("")))));
  EXPECT_EQ(floatToF8E5M2(std::ldexp(1.0f, -16)), 0x01);
  EXPECT_EQ(f8E5M2ToFloat(0x01), std::ldexp(1.0f, -16));
  // 1.125 lies halfway between 1.0 and 1.25: even is 1.0.
  EXPECT_EQ(floatToF8E5M2(1.125f), 0x3C);
  EXPECT_EQ(floatToF8E5M2(1.375f), 0x3E);
  for (uint32_t b = 0; b < 256; ++b) {
    float f = f8E5M2ToFloat(static_cast<uint8_t>(b));
    if (std::isnan(f))
      continue;
    ASSERT_EQ(floatToF8E5M2(f), b) << "bits " << b;
  }
}

TEST(RuntimeConvert, LoadStoreAndConvert) {
  std::vector<uint16_t> bf(3);
  storeElement(bf.data(), ElementType::BF16, 0, 1.5);
  storeElement(bf.data(), ElementType::BF16, 1, -0.25);
  storeElement(bf.data(), ElementType::BF16, 2, 3.0);
  EXPECT_EQ(loadElement(bf.data(), ElementType::BF16, 1), -0.25);
  std::vector<float> f(3);
  convertElements(bf.data(), ElementType::BF16, f.data(), ElementType::F32, 3);
  EXPECT_EQ(f[0], 1.5f);
  EXPECT_EQ(f[1], -0.25f);
  EXPECT_EQ(f[2], 3.0f);
  int32_t i32 = 0;
  storeElement(&i32, ElementType::I32, 0, 1e20);
  EXPECT_EQ(i32, std::numeric_limits<int32_t>::max());
  storeElement(&i32, ElementType::I32, 0, -7.9);
  EXPECT_EQ(i32, -7);
  uint8_t flag = 0;
  storeElement(&flag, ElementType::I1, 0, 5.0);
  EXPECT_EQ(flag, 1);
}

//===----------------------------------------------------------------------===//
// Fills and comparison
//===----------------------------------------------------------------------===//

TEST(RuntimeHostData, RandomFillIsDeterministicAcrossThreads) {
  const size_t n = 300000;
  for (ElementType t : {ElementType::F32, ElementType::BF16, ElementType::F16,
                        ElementType::F8E4M3, ElementType::F8E5M2,
                        ElementType::I32}) {
    size_t bytes = n * elementSize(t);
    std::vector<char> one(bytes), many(bytes), other(bytes);
    fillRandom(one.data(), t, n, 42, -1.0, 1.0, /*threads=*/1);
    fillRandom(many.data(), t, n, 42, -1.0, 1.0, /*threads=*/7);
    fillRandom(other.data(), t, n, 43, -1.0, 1.0, /*threads=*/0);
    EXPECT_EQ(0, std::memcmp(one.data(), many.data(), bytes))
        << elementTypeName(t);
    EXPECT_NE(0, std::memcmp(one.data(), other.data(), bytes))
        << elementTypeName(t);
  }
}

TEST(RuntimeHostData, RandomFillRange) {
  const size_t n = 200000;
  for (ElementType t : {ElementType::F32, ElementType::BF16, ElementType::F16,
                        ElementType::F8E4M3, ElementType::F8E5M2}) {
    std::vector<char> data(n * elementSize(t));
    fillRandom(data.data(), t, n, 7);
    double lo = 1e9, hi = -1e9, sum = 0;
    size_t zeros = 0;
    for (size_t i = 0; i < n; ++i) {
      double v = loadElement(data.data(), t, i);
      ASSERT_TRUE(std::isfinite(v)) << elementTypeName(t);
      ASSERT_GE(v, -1.0) << elementTypeName(t);
      ASSERT_LT(v, 1.0) << elementTypeName(t);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
      zeros += v == 0;
    }
    EXPECT_LT(lo, -0.85) << elementTypeName(t); // e5m2: 0.875 is the top
    EXPECT_GT(hi, 0.85) << elementTypeName(t);
    EXPECT_NEAR(sum / n, 0.0, 0.02) << elementTypeName(t);
    EXPECT_LT(zeros, n / 10) << elementTypeName(t);
  }
  // Integers: floor of uniform in [lo, hi).
  std::vector<int64_t> ints(10000);
  fillRandom(ints.data(), ElementType::I64, ints.size(), 1, -8, 8);
  int64_t mn = 100, mx = -100;
  for (int64_t v : ints) {
    mn = std::min(mn, v);
    mx = std::max(mx, v);
  }
  EXPECT_EQ(mn, -8);
  EXPECT_EQ(mx, 7);
}

TEST(RuntimeHostData, Poison) {
  std::vector<uint16_t> bf(4, 0);
  fillPoison(bf.data(), ElementType::BF16, bf.size());
  EXPECT_EQ(bf[3], 0xFFFF);
  EXPECT_TRUE(std::isnan(loadElement(bf.data(), ElementType::BF16, 0)));
  EXPECT_TRUE(std::isnan(loadElement(bf.data(), ElementType::F16, 1)));
  std::vector<float> f(2, 0);
  fillPoison(f.data(), ElementType::F32, f.size());
  EXPECT_TRUE(std::isnan(f[1]));
}

//===----------------------------------------------------------------------===//
// Parameter packing
//===----------------------------------------------------------------------===//

LaunchInfo gemmLikeInfo() {
  LaunchInfo info;
  info.kernelName = "k";
  KernelArgInfo a;
  a.name = "A";
  a.isTensor = true;
  a.elementType = ElementType::BF16;
  a.dimNames = {"M", "K"};
  a.staticDims = {-1, -1};
  KernelArgInfo alpha;
  alpha.name = "alpha";
  alpha.elementType = ElementType::F32;
  KernelArgInfo flag;
  flag.name = "flag";
  flag.elementType = ElementType::I1;
  KernelArgInfo count;
  count.name = "n";
  count.elementType = ElementType::I32;
  info.args = {a, alpha, flag, count};

  KernelParam pa;
  pa.kind = KernelParam::Kind::Memref;
  pa.argIndex = 0;
  pa.elementType = ElementType::BF16;
  pa.rank = 2;
  KernelParam palpha;
  palpha.kind = KernelParam::Kind::Scalar;
  palpha.argIndex = 1;
  palpha.elementType = ElementType::F32;
  KernelParam pflag;
  pflag.kind = KernelParam::Kind::Scalar;
  pflag.argIndex = 2;
  pflag.elementType = ElementType::I1;
  KernelParam pcount;
  pcount.kind = KernelParam::Kind::Scalar;
  pcount.argIndex = 3;
  pcount.elementType = ElementType::I32;
  KernelParam psize;
  psize.kind = KernelParam::Kind::ProblemSize;
  psize.symbol = "K";
  psize.elementType = ElementType::I64;
  info.params = {pa, palpha, pflag, pcount, psize};
  return info;
}

TEST(RuntimeLauncher, PackMemrefAndScalars) {
  LaunchInfo info = gemmLikeInfo();
  const CUdeviceptr ptr = 0x7f0000001000ull;
  std::vector<ArgValue> args = {ArgValue::tensor(ptr, {100, 64}),
                                ArgValue::f32(2.5f), ArgValue::i1(true),
                                ArgValue::i32(-3)};
  Bindings sizes;
  sizes["K"] = 64;
  auto packed = packParams(info, args, sizes);
  ASSERT_TRUE(static_cast<bool>(packed)) << errorText(packed);

  struct Expect {
    const char *what;
    size_t offset, size;
    uint64_t value;
  };
  uint32_t alphaBits;
  float alpha = 2.5f;
  std::memcpy(&alphaBits, &alpha, 4);
  const Expect expected[] = {
      {"A.allocated", 0, 8, ptr},
      {"A.aligned", 8, 8, ptr},
      {"A.offset", 16, 8, 0},
      {"A.sizes[0]", 24, 8, 100},
      {"A.sizes[1]", 32, 8, 64},
      {"A.strides[0]", 40, 8, 64},
      {"A.strides[1]", 48, 8, 1},
      {"alpha", 56, 4, alphaBits},
      {"flag", 64, 1, 1},
      {"n", 72, 4, 0xFFFFFFFDu},
      {"K", 80, 8, 64},
  };
  ASSERT_EQ(packed->size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    const auto &e = packed->entries()[i];
    EXPECT_EQ(e.what, expected[i].what) << i;
    EXPECT_EQ(e.offset, expected[i].offset) << e.what;
    EXPECT_EQ(e.size, expected[i].size) << e.what;
    EXPECT_EQ(packed->valueAt(i), expected[i].value) << e.what;
  }
  EXPECT_EQ(packed->storage().size(), 88u);
  void **params = packed->kernelParams();
  ASSERT_NE(params, nullptr);
  for (size_t i = 0; i < packed->size(); ++i)
    EXPECT_EQ(static_cast<const char *>(params[i]),
              packed->storage().data() + packed->entries()[i].offset);
  uint64_t first;
  std::memcpy(&first, params[0], 8);
  EXPECT_EQ(first, ptr);
}

TEST(RuntimeLauncher, PackErrors) {
  LaunchInfo info = gemmLikeInfo();
  Bindings sizes;
  sizes["K"] = 64;
  const CUdeviceptr ptr = 0x1000;
  // Too few arguments.
  {
    std::vector<ArgValue> args = {ArgValue::tensor(ptr, {100, 64})};
    auto packed = packParams(info, args, sizes);
    EXPECT_NE(errorText(packed).find("only 1 arguments"), std::string::npos)
        << errorText(packed);
  }
  // A scalar where the kernel takes a memref.
  {
    std::vector<ArgValue> args = {ArgValue::i64(1), ArgValue::f32(1),
                                  ArgValue::i1(false), ArgValue::i32(0)};
    auto packed = packParams(info, args, sizes);
    EXPECT_NE(errorText(packed).find("'A' must be a tensor"),
              std::string::npos);
  }
  // Wrong rank.
  {
    std::vector<ArgValue> args = {ArgValue::tensor(ptr, {100}),
                                  ArgValue::f32(1), ArgValue::i1(false),
                                  ArgValue::i32(0)};
    auto packed = packParams(info, args, sizes);
    EXPECT_NE(errorText(packed).find("expects rank 2"), std::string::npos);
  }
  // Integer scalars convert with a range check; floats do not mix with ints.
  {
    std::vector<ArgValue> args = {ArgValue::tensor(ptr, {100, 64}),
                                  ArgValue::f32(1), ArgValue::i1(false),
                                  ArgValue::i64(7)};
    auto packed = packParams(info, args, sizes);
    ASSERT_TRUE(static_cast<bool>(packed)) << errorText(packed);
    EXPECT_EQ(packed->valueAt(9), 7u);
    args[3] = ArgValue::i64(int64_t(1) << 40);
    auto tooBig = packParams(info, args, sizes);
    EXPECT_NE(errorText(tooBig).find("does not fit i32"), std::string::npos);
    args[3] = ArgValue::i32(0);
    args[1] = ArgValue::i32(1);
    auto mixed = packParams(info, args, sizes);
    EXPECT_NE(errorText(mixed).find("expects f32, the argument is i32"),
              std::string::npos)
        << errorText(mixed);
  }
  // An unbound problem-size parameter.
  {
    std::vector<ArgValue> args = {ArgValue::tensor(ptr, {100, 64}),
                                  ArgValue::f32(1), ArgValue::i1(false),
                                  ArgValue::i32(0)};
    auto packed = packParams(info, args, Bindings());
    EXPECT_NE(errorText(packed).find("problem size 'K'"), std::string::npos);
  }
}

TEST(RuntimeLauncher, InferAndCheckArguments) {
  LaunchInfo info = gemmLikeInfo();
  std::vector<ArgValue> args = {ArgValue::tensor(0x1000, {100, 64}),
                                ArgValue::f32(1), ArgValue::i1(false),
                                ArgValue::i32(0)};
  Bindings sizes = inferProblemSizes(info, args, Bindings());
  EXPECT_EQ(sizes.lookup("M"), 100);
  EXPECT_EQ(sizes.lookup("K"), 64);
  EXPECT_EQ(errorText(checkArguments(info, args, sizes)), "<success>");

  Bindings wrong;
  wrong["M"] = 50;
  std::string err = errorText(checkArguments(info, args, wrong));
  EXPECT_NE(err.find("dimension 0 is 100, but M = 50"), std::string::npos)
      << err;
  // Given sizes win over inferred ones (and then disagree).
  EXPECT_EQ(inferProblemSizes(info, args, wrong).lookup("M"), 50);

  LaunchInfo fixed = info;
  fixed.args[0].staticDims = {-1, 32};
  err = errorText(checkArguments(fixed, args, Bindings()));
  EXPECT_NE(err.find("compiled for 32"), std::string::npos) << err;

  std::vector<ArgValue> few(args.begin(), args.begin() + 2);
  err = errorText(checkArguments(info, few, Bindings()));
  EXPECT_NE(err.find("takes 4 arguments, 2 given"), std::string::npos) << err;
}

//===----------------------------------------------------------------------===//
// TMA descriptors
//===----------------------------------------------------------------------===//

KernelParam tmaParam(std::vector<int64_t> box, bool swizzle) {
  KernelParam p;
  p.kind = KernelParam::Kind::TensorMap;
  p.elementType = ElementType::BF16;
  p.rank = static_cast<unsigned>(box.size());
  p.boxDims = std::move(box);
  p.swizzleBytes = swizzle ? 128 : 0;
  return p;
}

TEST(RuntimeTensorMap, Spec) {
  ArgValue a = ArgValue::tensor(0x10000, {100, 64});
  auto spec = makeTensorMapSpec(tmaParam({128, 64}, true), a, "A");
  ASSERT_TRUE(static_cast<bool>(spec)) << errorText(spec);
  EXPECT_EQ(spec->dataType, CU_TENSOR_MAP_DATA_TYPE_BFLOAT16);
  EXPECT_EQ(spec->rank, 2u);
  EXPECT_EQ(spec->globalAddress, 0x10000u);
  EXPECT_EQ(spec->globalDim[0], 64u); // innermost first
  EXPECT_EQ(spec->globalDim[1], 100u);
  EXPECT_EQ(spec->globalStrides[0], 128u); // bytes of the outer dimension
  EXPECT_EQ(spec->boxDim[0], 64u);
  EXPECT_EQ(spec->boxDim[1], 128u);
  EXPECT_EQ(spec->elementStrides[0], 1u);
  EXPECT_EQ(spec->elementStrides[1], 1u);
  EXPECT_EQ(spec->swizzle, CU_TENSOR_MAP_SWIZZLE_128B);
  EXPECT_EQ(spec->interleave, CU_TENSOR_MAP_INTERLEAVE_NONE);
  EXPECT_EQ(spec->l2Promotion, CU_TENSOR_MAP_L2_PROMOTION_L2_128B);
  EXPECT_EQ(spec->oobFill, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);

  // Rank 3, padded strides, fp8 (as UINT8).
  KernelParam p3 = tmaParam({1, 64, 128}, false);
  p3.elementType = ElementType::F8E4M3;
  ArgValue t3 = ArgValue::tensor(0x20000, {4, 100, 200}, {160 * 100, 160, 1});
  auto spec3 = makeTensorMapSpec(p3, t3, "T");
  ASSERT_TRUE(static_cast<bool>(spec3)) << errorText(spec3);
  EXPECT_EQ(spec3->dataType, CU_TENSOR_MAP_DATA_TYPE_UINT8);
  EXPECT_EQ(spec3->globalDim[0], 200u);
  EXPECT_EQ(spec3->globalDim[2], 4u);
  EXPECT_EQ(spec3->globalStrides[0], 160u);
  EXPECT_EQ(spec3->globalStrides[1], 16000u);
  EXPECT_EQ(spec3->boxDim[0], 128u);
  EXPECT_EQ(spec3->boxDim[2], 1u);
  EXPECT_EQ(spec3->swizzle, CU_TENSOR_MAP_SWIZZLE_NONE);
  // fp8 rows of 64 bytes with the 64-byte swizzle (fp8 attention, D = 64).
  p3.swizzleBytes = 64;
  p3.boxDims = {1, 64, 64};
  auto spec64 = makeTensorMapSpec(p3, t3, "T");
  ASSERT_TRUE(static_cast<bool>(spec64)) << errorText(spec64);
  EXPECT_EQ(spec64->swizzle, CU_TENSOR_MAP_SWIZZLE_64B);
  // Different descriptors have different cache keys.
  EXPECT_NE(spec->key(), spec3->key());
}

TEST(RuntimeTensorMap, PreconditionErrors) {
  auto error = [](const KernelParam &p, const ArgValue &a) {
    auto spec = makeTensorMapSpec(p, a, "A");
    return errorText(spec);
  };
  // 60 bf16 per row = 120 bytes: not a multiple of 16.
  std::string e = error(tmaParam({64, 32}, false),
                        ArgValue::tensor(0x10000, {100, 60}));
  EXPECT_NE(e.find("stride of dimension 0 is 120 bytes, not a multiple of 16"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("tensor 'A'"), std::string::npos) << e;
  e = error(tmaParam({64, 64}, false), ArgValue::tensor(0x10008, {100, 64}));
  EXPECT_NE(e.find("not 16-byte aligned"), std::string::npos) << e;
  e = error(tmaParam({512, 64}, false), ArgValue::tensor(0x10000, {1000, 64}));
  EXPECT_NE(e.find("box dimension 0 is 512, not in [1, 256]"),
            std::string::npos)
      << e;
  e = error(tmaParam({64, 4}, false), ArgValue::tensor(0x10000, {100, 64}));
  EXPECT_NE(e.find("innermost box dimension is 8 bytes, not a multiple of 16"),
            std::string::npos)
      << e;
  e = error(tmaParam({64, 128}, true), ArgValue::tensor(0x10000, {100, 128}));
  EXPECT_NE(e.find("128-byte swizzle allows at most 128"), std::string::npos)
      << e;
  KernelParam p64 = tmaParam({64, 64}, true);
  p64.swizzleBytes = 64;
  e = error(p64, ArgValue::tensor(0x10000, {100, 64}));
  EXPECT_NE(e.find("64-byte swizzle allows at most 64"), std::string::npos)
      << e;
  p64.swizzleBytes = 48;
  e = error(p64, ArgValue::tensor(0x10000, {100, 64}));
  EXPECT_NE(e.find("TMA swizzles 32, 64 or 128 bytes"), std::string::npos)
      << e;
  e = error(tmaParam({64, 64}, false),
            ArgValue::tensor(0x10000, {100, 64}, {128, 2}));
  EXPECT_NE(e.find("contiguous innermost"), std::string::npos) << e;
  e = error(tmaParam({64, 64, 1}, false), ArgValue::tensor(0x10000, {100, 64}));
  EXPECT_NE(e.find("expects rank 3"), std::string::npos) << e;
  e = error(tmaParam({64, 64}, false), ArgValue::i64(3));
  EXPECT_NE(e.find("scalar"), std::string::npos) << e;
}

TEST(RuntimeTensorMap, PackUsesProvider) {
  LaunchInfo info;
  KernelArgInfo a;
  a.name = "Q";
  a.isTensor = true;
  a.elementType = ElementType::BF16;
  a.dimNames = {"S", "D"};
  info.args = {a};
  info.params = {tmaParam({64, 64}, true)};
  std::vector<ArgValue> args = {ArgValue::tensor(0x40000, {1024, 64})};

  std::vector<std::string> keys;
  auto packed = packParams(info, args, Bindings(),
                           [&](const TensorMapSpec &spec)
                               -> llvm::Expected<CUdeviceptr> {
                             keys.push_back(spec.key());
                             EXPECT_EQ(spec.globalDim[1], 1024u);
                             return CUdeviceptr(0xABC00);
                           });
  ASSERT_TRUE(static_cast<bool>(packed)) << errorText(packed);
  ASSERT_EQ(packed->size(), 1u);
  EXPECT_EQ(packed->entries()[0].what, "Q.tma");
  EXPECT_EQ(packed->entries()[0].size, 8u);
  EXPECT_EQ(packed->valueAt(0), 0xABC00u);
  EXPECT_EQ(keys.size(), 1u);

  // Without a provider (no GPU) a TensorMap parameter is an error, not a
  // crash; so is a precondition failure, before the provider is asked.
  auto none = packParams(info, args, Bindings());
  EXPECT_NE(errorText(none).find("no GPU"), std::string::npos);
  args[0] = ArgValue::tensor(0x40000, {1024, 60});
  auto bad = packParams(info, args, Bindings(),
                        [&](const TensorMapSpec &)
                            -> llvm::Expected<CUdeviceptr> {
                          ADD_FAILURE() << "provider called";
                          return CUdeviceptr(0);
                        });
  EXPECT_NE(errorText(bad).find("not a multiple of 16"), std::string::npos);
}

//===----------------------------------------------------------------------===//
// Grid
//===----------------------------------------------------------------------===//

TEST(RuntimeLauncher, Grid) {
  LaunchInfo info;
  info.grid = {"cdiv(M, BLOCK_M)", "cdiv(N, BLOCK_N)"};
  info.config["BLOCK_M"] = 128;
  info.config["BLOCK_N"] = 64;
  Bindings sizes;
  sizes["M"] = 1000;
  sizes["N"] = 4096;
  auto grid = evaluateGrid(info, sizes);
  ASSERT_TRUE(static_cast<bool>(grid)) << errorText(grid);
  EXPECT_EQ((*grid)[0], 8u);
  EXPECT_EQ((*grid)[1], 64u);
  EXPECT_EQ((*grid)[2], 1u);

  // A problem size bound in the config too, with the same value, is fine.
  info.config["M"] = 1000;
  EXPECT_TRUE(static_cast<bool>(evaluateGrid(info, sizes)));
  info.config["M"] = 512;
  auto conflict = evaluateGrid(info, sizes);
  EXPECT_NE(errorText(conflict).find("compiled with M=512"),
            std::string::npos)
      << errorText(conflict);
  info.config.erase("M");

  Bindings missing;
  missing["M"] = 1000;
  auto unbound = evaluateGrid(info, missing);
  std::string e = errorText(unbound);
  EXPECT_NE(e.find("grid y"), std::string::npos) << e;
  EXPECT_NE(e.find("N"), std::string::npos) << e;

  Bindings empty = sizes;
  empty["M"] = 0;
  e = errorText(evaluateGrid(info, empty));
  EXPECT_NE(e.find("= 0 is not in [1, 2147483647]"), std::string::npos) << e;

  Bindings huge = sizes;
  huge["N"] = 64 * 70000;
  e = errorText(evaluateGrid(info, huge));
  EXPECT_NE(e.find("70000 is not in [1, 65535]"), std::string::npos) << e;

  LaunchInfo none;
  auto one = evaluateGrid(none, Bindings());
  ASSERT_TRUE(static_cast<bool>(one));
  EXPECT_EQ(*one, (std::array<unsigned, 3>{{1, 1, 1}}));

  LaunchInfo four;
  four.grid = {"1", "1", "1", "1"};
  EXPECT_NE(errorText(evaluateGrid(four, Bindings())).find("at most 3"),
            std::string::npos);
  LaunchInfo syntax;
  syntax.grid = {"cdiv(M,"};
  EXPECT_NE(errorText(evaluateGrid(syntax, sizes)).find("grid x"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Driver, errors and timing without a GPU
//===----------------------------------------------------------------------===//

TEST(RuntimeDriver, ErrorsFormatAndOOMIsDistinguishable) {
  llvm::Error err = llvm::make_error<CudaError>(
      "cuLaunchKernel", CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE",
      "invalid argument");
  EXPECT_FALSE(isOutOfMemory(err));
  EXPECT_TRUE(err.isA<CudaError>());
  EXPECT_EQ(errorText(std::move(err)),
            "cuLaunchKernel failed: CUDA_ERROR_INVALID_VALUE (invalid "
            "argument)");
  llvm::Error oom = llvm::make_error<OutOfMemoryError>(
      "cuMemAlloc_v2", CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY",
      "out of memory");
  EXPECT_TRUE(isOutOfMemory(oom));
  EXPECT_TRUE(oom.isA<CudaError>());
  EXPECT_EQ(errorText(std::move(oom)),
            "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  llvm::Error plain = llvm::createStringError(llvm::inconvertibleErrorCode(),
                                              "something else");
  EXPECT_FALSE(isOutOfMemory(plain));
  llvm::consumeError(std::move(plain));
}

TEST(RuntimeDriver, NoDriverIsAnErrorNotACrash) {
  void *probe = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (probe) {
    dlclose(probe);
    GTEST_SKIP() << "libcuda.so.1 is present; see RuntimeGpuTest";
  }
  auto driver = CudaDriver::get();
  ASSERT_FALSE(static_cast<bool>(driver));
  std::string e = errorText(driver);
  EXPECT_NE(e.find("no GPU driver: libcuda.so.1 not found"), std::string::npos)
      << e;
  // The failure is remembered and reported the same way again.
  auto again = CudaDriver::get();
  EXPECT_EQ(errorText(again), e);
}

TEST(RuntimeTimer, Summary) {
  TimingResult r = summarizeSamples({3.0f, 1.0f, 2.0f});
  EXPECT_DOUBLE_EQ(r.medianMs, 2.0);
  EXPECT_DOUBLE_EQ(r.minMs, 1.0);
  EXPECT_DOUBLE_EQ(r.maxMs, 3.0);
  EXPECT_DOUBLE_EQ(r.meanMs, 2.0);
  EXPECT_EQ(r.samplesMs.size(), 3u);
  EXPECT_EQ(r.samplesMs[0], 3.0f); // run order kept
  EXPECT_DOUBLE_EQ(r.p20Ms, 1.4); // 0.2 of the way from 1 to 3, sorted
  EXPECT_DOUBLE_EQ(r.p80Ms, 2.6);
  r = summarizeSamples({4.0f, 1.0f, 2.0f, 3.0f});
  EXPECT_DOUBLE_EQ(r.medianMs, 2.5);
  r = summarizeSamples({10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11});
  EXPECT_DOUBLE_EQ(r.p20Ms, 3.0);
  EXPECT_DOUBLE_EQ(r.p80Ms, 9.0);
  EXPECT_DOUBLE_EQ(r.spread(), 1.0); // (9 - 3) / 6
  r = summarizeSamples({5.0f});
  EXPECT_DOUBLE_EQ(r.p20Ms, 5.0);
  EXPECT_DOUBLE_EQ(r.p80Ms, 5.0);
  r = summarizeSamples({});
  EXPECT_EQ(r.medianMs, 0.0);
  EXPECT_EQ(r.spread(), 0.0);
}

TEST(RuntimeCublas, DataTypes) {
  EXPECT_EQ(cudaDataType(ElementType::F32), 0);
  EXPECT_EQ(cudaDataType(ElementType::F16), 2);
  EXPECT_EQ(cudaDataType(ElementType::BF16), 14);
  EXPECT_EQ(cudaDataType(ElementType::F8E4M3), 28);
  EXPECT_EQ(cudaDataType(ElementType::F8E5M2), 29);
  EXPECT_EQ(cudaDataType(ElementType::I1), -1);
}

} // namespace
