//===- CompilerTest.cpp - KernelSource: loading, config space, compiling --===//

#include "tile/Compiler/Compiler.h"

#include "gtest/gtest.h"

using namespace tile;

namespace {

const char *kGemm = R"mlir(
!a = tensor<?x64xbf16, #tile.shape<BM, 64>>
!b = tensor<64x?xbf16, #tile.shape<64, BN>>
!c = tensor<?x?xf32, #tile.shape<BM, BN>>
!o = tensor<?x?xbf16, #tile.shape<BM, BN>>
tile.kernel @mm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {params = [#tile.param<"BM", [128, 64]>, #tile.param<"BN", [128, 256]>,
                          #tile.param<"W", [4, 8]>],
                constraints = [#tile.expr<"BM % (16 * W) == 0">,
                               #tile.expr<"BN <= N">],
                grid = [#tile.expr<"cdiv(M, BM)">, #tile.expr<"cdiv(N, BN)">],
                num_warps = #tile.expr<"W">, reference = "gemm"} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %bm = tile.param "BM"
  %bn = tile.param "BN"
  %pm = tile.program_id x
  %pn = tile.program_id y
  %m0 = arith.muli %pm, %bm : index
  %n0 = arith.muli %pn, %bn : index
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%m0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %n0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %o = arith.truncf %acc : !c to !o
  tile.store %o, %C[%m0, %n0] : !o -> memref<?x?xbf16>
  tile.return
}
)mlir";

std::unique_ptr<KernelSource> load(const char *text) {
  auto src = KernelSource::fromString(text, "test.mlir");
  if (!src) {
    ADD_FAILURE() << llvm::toString(src.takeError());
    return nullptr;
  }
  return std::move(*src);
}

TEST(KernelSource, Describes) {
  auto src = load(kGemm);
  ASSERT_TRUE(src);
  EXPECT_EQ(src->name(), "mm");
  EXPECT_EQ(src->reference(), "gemm");
  ASSERT_EQ(src->params().size(), 3u);
  EXPECT_EQ(src->params()[0].name, "BM");
  EXPECT_EQ(src->params()[0].candidates, (std::vector<int64_t>{128, 64}));
  EXPECT_EQ(src->problemSizes(), (std::vector<std::string>{"M", "K", "N"}));
  ASSERT_EQ(src->args().size(), 3u);
  EXPECT_FALSE(src->args()[0].isOutput);
  EXPECT_TRUE(src->args()[2].isOutput);
  EXPECT_EQ(src->dtype(), ElementType::BF16);
}

TEST(KernelSource, ConfigSpaceAppliesConstraints) {
  auto src = load(kGemm);
  ASSERT_TRUE(src);
  // BM % (16 W) == 0 rules out BM=64 with W=8; N unbound skips "BN <= N".
  auto all = src->configSpace({});
  EXPECT_EQ(all.size(), 6u);
  EXPECT_EQ(all.front().lookup("BM"), 128); // defaults first
  EXPECT_EQ(all.front().lookup("BN"), 128);
  EXPECT_EQ(all.front().lookup("W"), 4);
  for (const Bindings &c : all)
    EXPECT_FALSE(c.lookup("BM") == 64 && c.lookup("W") == 8);
  // With N = 200, BN = 256 is out.
  auto small = src->configSpace({{"N", 200}});
  EXPECT_EQ(small.size(), 3u);
  for (const Bindings &c : small)
    EXPECT_EQ(c.lookup("BN"), 128);
}

TEST(KernelSource, CompilesToPTXWithALaunchDescription) {
  auto src = load(kGemm);
  ASSERT_TRUE(src);
  auto info = src->compile({{"BM", 128}, {"BN", 128}, {"W", 8}});
  ASSERT_TRUE(bool(info)) << llvm::toString(info.takeError());
  EXPECT_NE(info->ptx.find("wgmma.mma_async"), std::string::npos);
  EXPECT_EQ(info->kernelName, "mm");
  EXPECT_EQ(info->blockThreads, 256u);
  EXPECT_EQ(info->grid, (std::vector<std::string>{"cdiv(M, BM)", "cdiv(N, BN)"}));
  ASSERT_EQ(info->params.size(), 6u); // A, B tensor maps; C memref; M, K, N
  EXPECT_EQ(info->params[0].kind, KernelParam::Kind::TensorMap);
  EXPECT_EQ(info->params[0].boxDims, (std::vector<int64_t>{128, 64}));
  EXPECT_EQ(info->params[2].kind, KernelParam::Kind::Memref);
  EXPECT_EQ(info->params[5].kind, KernelParam::Kind::ProblemSize);
  EXPECT_EQ(info->params[5].symbol, "N");
  EXPECT_EQ(info->config.lookup("W"), 8); // the full config
}

TEST(KernelSource, CompileErrorsCarryLocations) {
  auto src = load(kGemm);
  ASSERT_TRUE(src);
  auto info = src->compile({{"BM", 96}});
  ASSERT_FALSE(bool(info));
  std::string msg = llvm::toString(info.takeError());
  EXPECT_NE(msg.find("test.mlir:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("BM=96 is not a candidate"), std::string::npos) << msg;
}

TEST(KernelSource, RetypesOperandsAndOutputs) {
  auto src = load(kGemm);
  ASSERT_TRUE(src);
  ASSERT_FALSE(bool(src->setOperandType(ElementType::F16)));
  ASSERT_FALSE(bool(src->setOutputType(ElementType::F32)));
  EXPECT_EQ(src->args()[0].elementType, ElementType::F16);
  EXPECT_EQ(src->args()[2].elementType, ElementType::F32);
  auto info = src->compile({});
  ASSERT_TRUE(bool(info)) << llvm::toString(info.takeError());
  EXPECT_NE(info->ptx.find(".f32.f16.f16"), std::string::npos);
  EXPECT_EQ(info->ptx.find("bf16"), std::string::npos);
  llvm::Error bad = src->setOperandType(ElementType::F8E4M3);
  ASSERT_TRUE(bool(bad));
  EXPECT_NE(llvm::toString(std::move(bad)).find("bf16 or f16"),
            std::string::npos);
}

TEST(KernelSource, ParseErrorsCarryLocations) {
  auto src = KernelSource::fromString("tile.kernel @k(", "broken.mlir");
  ASSERT_FALSE(bool(src));
  std::string msg = llvm::toString(src.takeError());
  EXPECT_NE(msg.find("broken.mlir:1:"), std::string::npos) << msg;
}

} // namespace
