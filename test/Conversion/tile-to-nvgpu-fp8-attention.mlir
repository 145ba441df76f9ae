// fp8 attention (kernels/fp8_attention.mlir) on the attention lowering:
// S = Q·Kᵀ is an e4m3 wgmma with k = 32 from shared memory; D = 64 bytes of
// fp8 are one 64-byte swizzled chunk (TMA and the wgmma descriptors agree
// on the 64-byte swizzle). P is rounded to e4m3 two elements per cvt; V is
// transposed in shared memory (16-byte loads, prmt byte transposes, 4-byte
// stores) while S is computed, fenced for the async proxy, each thread
// arrives on an mbarrier that P·V waits on; P·V is an e4m3
// wgmma with A = P from registers and Vᵀ K-major. O is rounded to e4m3.

// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2}),convert-tile-to-nvgpu)' | FileCheck %s
// BLOCK_N = 160: a Vᵀ row's second 128-byte chunk holds 32 keys but spans
// 128 bytes, so each Vᵀ buffer is D x 256 bytes: Q 8192 + K and V 2 x 2 x
// 10240 + Vᵀ 2 x 16384 + 1024 slack (was 2 x 10240: buffer 0 overlapped 1).
// RUN: sed -e 's/"BLOCK_N", \[128, 64, 256\]/"BLOCK_N", [160]/' %tile_src/kernels/fp8_attention.mlir | tile-opt --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=160,WARPS=8,STAGES=2}),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=N160
// N160: shared_memory = 82944 : i64

// CHECK: gpu.func @fp8_attention
// CHECK-SAME: {arg = 0 : i64, box = array<i64: 1, 1, 128, 64>, kind = "tensormap", swizzle = 64 : i64}
// CHECK-SAME: {arg = 2 : i64, box = array<i64: 1, 1, 128, 64>, kind = "tensormap", swizzle = 64 : i64}
// CHECK-SAME: {arg = 6 : i64, kind = "scalar"}, {arg = 7 : i64, kind = "scalar"}, {arg = 8 : i64, kind = "scalar"}
// CHECK: nvgpu.tma.async.load {{.*}} swizzle = swizzle_64b
// CHECK: scf.for
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// V's transpose while the tensor cores compute S:
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<{{[0-9]+}}xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// CHECK: nvvm.prmt <default>
// CHECK: %[[S0:.*]] = arith.constant 21520 : i32
// CHECK: nvvm.prmt <default> %[[S0]]
// CHECK: memref.store {{.*}} : memref<{{[0-9]+}}xi32, #gpu.address_space<workgroup>>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK: nvgpu.mbarrier.arrive
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.convert.f32x2.to.f8x2 {{.*}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK: nvgpu.mbarrier.try_wait.parity
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3
// CHECK-SAME: "=f,{{.*}}r,r,r,r,l,0,
// The output, rounded to e4m3 after the loop.
// CHECK: scf.yield
// CHECK-NOT: scf.yield
// CHECK: nvvm.convert.f32x2.to.f8x2
// CHECK: vector.store {{.*}} vector<2xf8E4M3FN>
// CHECK: gpu.return

// D = 128 is one 128-byte chunk; BLOCK_N = 64 makes Vᵀ rows of 64 bytes
// (64-byte swizzle for its descriptor); e5m2 changes every fp8 type.
// RUN: sed 's/f8E4M3FN/f8E5M2/g' %tile_src/kernels/fp8_attention.mlir | tile-opt --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=128,BLOCK_M=128,BLOCK_N=64,WARPS=8,STAGES=2}),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=E5M2
// E5M2: {arg = 1 : i64, box = array<i64: 1, 1, 64, 128>, kind = "tensormap", swizzle = 128 : i64}
// E5M2: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 32>, D[<f32>, <zero>], A[<e5m2>, <one>, <row>], B[<e5m2>, <one>, <col>]
// E5M2: nvvm.convert.f32x2.to.f8x2 {{.*}} : vector<2xi8>(f8E5M2)
// E5M2: wgmma.mma_async.sync.aligned.m64n128k32.f32.e5m2.e5m2
