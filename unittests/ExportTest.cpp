//===- ExportTest.cpp - the generated launch header of tile-run --export ---===//
//
// What the generator writes for a synthetic LaunchInfo: the grid
// expressions translated into C++ with tile's semantics (floor division,
// cdiv, min, max, C precedence), names made C++ identifiers and kept apart,
// every parameter group. test/tools/export.test compiles and runs real
// kernels' headers.
//
//===----------------------------------------------------------------------===//

#include "tile/Tuner/Export.h"

#include <gtest/gtest.h>

using namespace tile;

namespace {

LaunchInfo sample() {
  LaunchInfo info;
  info.kernelName = "register"; // a C++ keyword
  info.ptx = ".visible .entry register()\n{\n ret;\n}\n";
  info.blockThreads = 128;
  info.sharedMemoryBytes = 65536;
  info.paramNames = {"BLOCK"};
  info.config["BLOCK"] = 64;
  KernelArgInfo x;
  x.name = "M"; // the same name as a problem size
  x.isTensor = true;
  x.elementType = ElementType::F16;
  x.dimNames = {"M", ""};
  x.staticDims = {-1, -1};
  KernelArgInfo alpha;
  alpha.name = "alpha";
  alpha.elementType = ElementType::F32;
  info.args = {x, alpha};
  KernelParam memref;
  memref.kind = KernelParam::Kind::Memref;
  memref.argIndex = 0;
  memref.elementType = ElementType::F16;
  memref.rank = 2;
  KernelParam scalar;
  scalar.kind = KernelParam::Kind::Scalar;
  scalar.argIndex = 1;
  scalar.elementType = ElementType::F32;
  KernelParam size;
  size.kind = KernelParam::Kind::ProblemSize;
  size.symbol = "M";
  info.params = {memref, scalar, size};
  return info;
}

std::string header(const LaunchInfo &info) {
  auto text = generateLaunchHeader(info, ExportOptions());
  if (!text) {
    ADD_FAILURE() << llvm::toString(text.takeError());
    return "";
  }
  return *text;
}

bool has(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

TEST(Export, TranslatesGridExpressions) {
  LaunchInfo info = sample();
  info.grid = {"cdiv(M, BLOCK) * 2 + M / 3 % 4",
               "max(1, min(M - -2, BLOCK)) < 5 || M == 0 && M != 1"};
  std::string h = header(info);
  EXPECT_TRUE(has(h, "g[0] = ((detail::cdiv_(a.M_, config::BLOCK) * "
                     "int64_t(2)) + detail::floormod(detail::floordiv(a.M_, "
                     "int64_t(3)), int64_t(4)));"))
      << h;
  EXPECT_TRUE(has(h, "g[1] = int64_t((int64_t((detail::max_(int64_t(1), "
                     "detail::min_((a.M_ - (-int64_t(2))), config::BLOCK))) "
                     "< (int64_t(5)))) || (int64_t((int64_t((a.M_) == "
                     "(int64_t(0)))) && (int64_t((a.M_) != (int64_t(1)))))));"))
      << h;
}

TEST(Export, NamesAreCppIdentifiersKeptApart) {
  LaunchInfo info = sample();
  info.grid = {"cdiv(M, BLOCK)"};
  EXPECT_EQ(exportName(info), "register_");
  std::string h = header(info);
  EXPECT_TRUE(has(h, "namespace register_ {")) << h;
  EXPECT_TRUE(has(h, "#ifndef TILE_EXPORT_REGISTER__H"));
  // The tensor keeps its name; the problem size M gets another.
  EXPECT_TRUE(has(h, "CUdeviceptr M = 0; ///< f16 [M, ?]"));
  EXPECT_TRUE(has(h, "int64_t M_ = 0; ///< problem size"));
  // A dimension without a name is an extent of its own.
  EXPECT_TRUE(has(h, "int64_t M_size1 = 0; ///< extent of M, dimension 1"));
  EXPECT_TRUE(has(h, "const int64_t sizes[2] = {a.M_, a.M_size1};"));
  EXPECT_TRUE(has(h, "float alpha = {}; ///< f32"));
  EXPECT_TRUE(has(h, "put(slot++, a.alpha); // alpha"));
  EXPECT_TRUE(has(h, "put(slot++, int64_t(a.M_)); // M"));
  EXPECT_TRUE(has(h, "inline constexpr unsigned kParamCount = 9;"));
  EXPECT_TRUE(has(h, "inline constexpr unsigned kTensorMaps = 0;"));
  EXPECT_TRUE(has(h, "inline constexpr int64_t BLOCK = 64;"));
  EXPECT_TRUE(has(h, "R\"tile_ptx(.visible .entry register()"));
}

TEST(Export, RefusesWhatCannotBeLaunched) {
  LaunchInfo info = sample();
  info.grid = {"1", "1", "1", "1"};
  auto text = generateLaunchHeader(info, ExportOptions());
  ASSERT_FALSE(bool(text));
  EXPECT_TRUE(has(llvm::toString(text.takeError()), "at most 3"));
  info.grid = {"cdiv(M,"};
  text = generateLaunchHeader(info, ExportOptions());
  ASSERT_FALSE(bool(text));
  llvm::consumeError(text.takeError());
}

TEST(Export, DeclarationsMatchTheDriver) {
  std::string decls = cudaDeclarationsHeader();
  // The values of CUDA 13's cuda.h, and the _v2 entry points.
  EXPECT_TRUE(has(decls, "CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 = 9"));
  EXPECT_TRUE(has(decls, "CU_TENSOR_MAP_SWIZZLE_128B = 3"));
  EXPECT_TRUE(has(decls, "CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8"));
  EXPECT_TRUE(has(decls, "#define cuMemAlloc cuMemAlloc_v2"));
  EXPECT_TRUE(has(decls, "alignas(128) cuuint64_t opaque[16];"));
}

} // namespace
