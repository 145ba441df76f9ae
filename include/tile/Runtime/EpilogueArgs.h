//===- EpilogueArgs.h - a GEMM epilogue for the GPU reference --*- C++ -*-===//
//
// The steps of a GEMM epilogue (reference = "gemm+bias+gelu" and the like,
// tile/Runtime/GemmEpilogue.h) as the GPU reference kernel
// (tile_ref_gemm_epilogue in cuda/ReferenceKernels.cu, compiled by nvcc)
// takes them: one struct passed by value, the same layout on the host and
// the device. Plain C++ with fixed-size types; no standard library, so nvcc
// takes it as it is.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_EPILOGUEARGS_H
#define TILE_RUNTIME_EPILOGUEARGS_H

namespace tile {
namespace runtime {

/// One step of an epilogue, applied in order to the product A B.
enum EpilogueOp : int {
  kEpilogueBias = 0,     // + bias[col] (an N-vector argument)
  kEpilogueResidual = 1, // + R[row, col] (an M x N argument)
  kEpilogueGelu = 2,     // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  kEpilogueSilu = 3,     // x / (1 + exp(-x))
};

/// The most steps an epilogue has.
constexpr int kMaxEpilogueSteps = 8;

/// A step: its op and, for bias and residual, the operand on the device:
/// `data` (a device address), its element type code (the order of
/// tile::ElementType: 0 bf16, 1 f16, 2 f32, 3 f8e4m3, 4 f8e5m2) and, for a
/// residual, its row pitch in elements.
struct EpilogueStepArgs {
  unsigned long long data;
  long long pitch;
  int op;
  int type;
};

/// The whole epilogue: `count` steps.
struct EpilogueArgs {
  EpilogueStepArgs step[kMaxEpilogueSteps];
  int count;
  int unused;
};

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_EPILOGUEARGS_H
