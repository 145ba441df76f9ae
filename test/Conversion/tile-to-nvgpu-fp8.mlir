// The fp8 GEMM (kernels/fp8_gemm.mlir) as tile-run compiles it lowers to
// e4m3 wgmma with both operands K-major: TMA boxes of 128 one-byte
// elements (one 128-byte swizzled row), k = 32 per instruction, B read as
// NVVM layout col. The scales are kernel arguments, multiplied once
// (scale_a * scale_b) and then into each thread's accumulator elements.

// RUN: tile-opt %tile_src/kernels/fp8_gemm.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=256,WARPS=8},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s
// CHECK: gpu.func @fp8_gemm
// CHECK-SAME: {arg = 0 : i64, box = array<i64: 128, 128>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 1 : i64, box = array<i64: 256, 128>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 3 : i64, kind = "scalar"}, {arg = 4 : i64, kind = "scalar"}
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: nvgpu.tma.async.load {{.*}} -> memref<128x128xf8E4M3FN, #gpu.address_space<workgroup>>
// CHECK: nvgpu.tma.async.load {{.*}} -> memref<256x128xf8E4M3FN, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK: arith.mulf {{.*}} : vector<128xf32>
// CHECK: arith.truncf {{.*}} : vector<128xf32> to vector<128xf16>
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x?xf16>, vector<8xf16>

// The same kernel in e5m2 (tile-run --dtype f8e5m2 swaps the type).
// RUN: sed 's/f8E4M3FN/f8E5M2/g' %tile_src/kernels/fp8_gemm.mlir | tile-opt --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=E5M2
// E5M2: nvvm.wgmma.mma_async {{.*}} k = 32>, D[<f32>, <one>], A[<e5m2>, <one>, <row>], B[<e5m2>, <one>, <col>]

// The persistent fp8 GEMM (kernels/fp8_gemm_persistent.mlir): its
// accumulator, restarted at a block's first k-step by a select of zeros,
// goes into the first wgmma of each k-step as it is, with scale-d read from
// a register (0 where the select's flag is set; inline PTX, as
// nvvm.wgmma.mma_async takes scale-d only as an attribute); the other three
// accumulate (scale-d one).
// RUN: tile-opt %tile_src/kernels/fp8_gemm_persistent.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=256,WARPS=8,STAGES=4},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=RESTART
// RESTART: gpu.func @fp8_gemm_persistent
// RESTART: scf.for
// RESTART: nvvm.wgmma.fence.aligned
// RESTART: %[[FLAG:.*]] = arith.extui %{{.*}} : i1 to i32
// RESTART: llvm.inline_asm has_side_effects {{.*}}setp.eq.b32 p, $130, 0;\0Awgmma.mma_async.sync.aligned.m64n256k32.f32.e4m3.e4m3 {$0, {{.*}}, $127}, $128, $129, p, 1, 1;{{.*}}=f,l,l,r,0,1,{{.*}}" %{{.*}}, %{{.*}}, %[[FLAG]],
// RESTART-COUNT-3: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// RESTART-NEXT: nvvm.wgmma.commit.group.sync.aligned
