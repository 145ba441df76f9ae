// RUN: tile-opt %tile_src/kernels/gemm.mlir --tile-to-ptx='config=BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=3' | FileCheck %s
// RUN: not tile-opt %tile_src/kernels/gemm.mlir --tile-to-ptx='config=BLOCK_N=64' 2>&1 | FileCheck %s --check-prefix=BAD

// The named pipeline: specialize, convert-tile-to-nvgpu, then upstream's
// gpu-lower-to-nvvm-pipeline down to a gpu.binary holding PTX for sm_90a.

// CHECK: module attributes {gpu.container_module}
// CHECK-NOT: tile.kernel
// CHECK-NOT: gpu.func
// CHECK: gpu.binary @tile_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">
// CHECK-SAME: .target sm_90a
// CHECK-SAME: .visible .entry gemm(
// CHECK-SAME: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16

// BAD: gemm.mlir:{{[0-9]+}}:{{[0-9]+}}: error: BLOCK_N=64 is not a candidate of parameter 'BLOCK_N'
