//===- PtxasLogTest.cpp - the figures read from a ptxas -v log ------------===//
//
// The logs are in ptxas 13.0's wording, as it printed it for the kernels
// named (fp8_attention.mlir's BLOCK_M=256,BLOCK_N=128,WARPS=16,STAGES=2,
// OVERLAP=1 at D = 64 is the one that serializes its wgmmas); ptxas prints
// the advisory first, and the parse does not depend on the lines' order.
//
//===----------------------------------------------------------------------===//

#include "tile/Compiler/Ptxas.h"

#include <gtest/gtest.h>

using namespace tile;

TEST(PtxasLog, FiguresAndTheWgmmaSerializationAdvisory) {
  const char *log =
      "ptxas info    : 0 bytes gmem\n"
      "ptxas info    : Compiling entry function 'fp8_attention' for "
      "'sm_90a'\n"
      "ptxas info    : Function properties for fp8_attention\n"
      "ptxas info    : (C7512) Potential Performance Loss: wgmma.mma_async "
      "instructions are serialized due to insufficient register resources "
      "for the function 'fp8_attention'\n"
      "    32 bytes stack frame, 32 bytes spill stores, 32 bytes spill loads\n"
      "ptxas info    : Used 128 registers, used 1 barriers, 32 bytes "
      "cumulative stack size, 80 bytes smem\n";
  PtxasReport r = parsePtxasLog(log);
  EXPECT_EQ(r.registers, 128);
  EXPECT_EQ(r.spillStoreBytes, 32);
  EXPECT_EQ(r.spillLoadBytes, 32);
  EXPECT_EQ(r.stackBytes, 32);
  EXPECT_EQ(r.sharedBytes, 80);
  EXPECT_EQ(r.wgmmaSerialized, "C7512: insufficient register resources");
}

TEST(PtxasLog, OtherReasonsKeepTheirWordsAndDropTheFunction) {
  // C7515 as ptxas words it (quoted in NVIDIA/TensorRT-LLM issue 2116):
  // "in the function" rather than "for the function".
  PtxasReport r = parsePtxasLog(
      "ptxas info    : (C7515) Potential Performance Loss: wgmma.mma_async "
      "instructions are serialized due to non wgmma instructions defining "
      "accumulator registers of a wgmma between start and end of the "
      "pipeline stage in the function 'gemm'\n");
  EXPECT_EQ(r.wgmmaSerialized,
            "C7515: non wgmma instructions defining accumulator registers of "
            "a wgmma between start and end of the pipeline stage");
}

TEST(PtxasLog, NoAdvisoryNoSpills) {
  PtxasReport r = parsePtxasLog(
      "ptxas info    : Function properties for gemm\n"
      "    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads\n"
      "ptxas info    : Used 168 registers, used 1 barriers, 80 bytes smem\n");
  EXPECT_EQ(r.registers, 168);
  EXPECT_EQ(r.spillStoreBytes + r.spillLoadBytes, 0);
  EXPECT_TRUE(r.wgmmaSerialized.empty());
}
