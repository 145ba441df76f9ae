// fp8 wgmma reads B K-major only. A K x N fp8 B is staged as TMA loads it
// and transposed in shared memory by a tile.convert_layout to
// #tile.shared<transposed = true> (16-byte loads, prmt 4 x 4 byte
// transposes, 4-byte stores, a fence for the async proxy). In a loop the
// transposition alternates between two buffers and every thread arrives
// on the buffer's "ready" mbarrier, which the dot reading it waits on; the
// ring it reads is released by every thread (one arrival each).

// fp8 attention op by op: P = S converted to fp8 in the accumulator layout
// is wgmma's register A (m64nNk32) and Vᵀ's keys are in acc_order; S = Q Kᵀ
// is issued before V's transposition and waited for after it
// (tile-pipeline-loads), so that the two overlap.
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=ATTN
// ATTN: %[[READY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 2>
// ATTN: nvgpu.mbarrier.init %[[READY]][%{{.*}}], %c256,
// ATTN: nvgpu.mbarrier.init %[[READY]][%{{.*}}], %c256_{{[0-9]+}},
// The K/V ring's "empty" barriers: one arrival a thread.
// ATTN: nvgpu.mbarrier.init %[[EMPTY:[0-9]+]][%{{.*}}], %c256_{{[0-9]+}},
// ATTN: scf.for
// ATTN: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 32>, D[<f32>, <zero>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// ATTN: nvvm.wgmma.commit.group.sync.aligned
// ATTN-NOT: wait_group
// The thread index read again in the loop, by an asm LLVM cannot hoist: the
// transposition's addresses are recomputed, not kept live across the loop.
// ATTN: llvm.inline_asm has_side_effects asm_dialect = att "mov.u32 $0, %tid.x;", "=r"  : () -> i32
// ATTN: vector.load {{.*}} : memref<{{[0-9]+}}xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// acc_order: odd key groups load their row pair the other way round.
// ATTN: arith.select {{.*}}, %c5380_i32, %c20800_i32 : i32
// ATTN: nvvm.prmt <default>
// ATTN: memref.store {{.*}} : memref<{{[0-9]+}}xi32, #gpu.address_space<workgroup>>
// ATTN: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// ATTN-NOT: gpu.barrier
// ATTN: nvgpu.mbarrier.arrive %[[READY]]
// ATTN: "wgmma.wait_group.sync.aligned 0;"
// ATTN-NOT: scf.if
// ATTN: nvgpu.mbarrier.arrive %[[EMPTY]]
// ATTN: nvvm.convert.f32x2.to.f8x2 {{.*}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// ATTN: nvgpu.mbarrier.try_wait.parity %[[READY]]
// ATTN: nvvm.wgmma.fence.aligned
// ATTN-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3 {$0, {{.*}}}, {$32, $33, $34, $35}, $36, p, 1, 1;
// ATTN: nvvm.wgmma.commit.group.sync.aligned

// With OVERLAP = 1, P V completes in the next iteration (tile-pipeline-
// loads' overlap_carried_dots): Vᵀ takes three buffers in turn (buffer =
// iteration mod 3, phase = iteration / 3), so that a thread's arrival
// comes after its P V of three iterations back; no wait after P V.
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2,OVERLAP=1},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=OVERLAP
// OVERLAP: %[[READY:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 3>
// OVERLAP-COUNT-3: nvgpu.mbarrier.init %[[READY]]
// OVERLAP: scf.for
// OVERLAP: arith.remui %{{.*}}, %c3
// OVERLAP: arith.divui %{{.*}}, %c3
// OVERLAP: nvgpu.mbarrier.arrive %[[READY]]
// OVERLAP: nvgpu.mbarrier.try_wait.parity %[[READY]]
// OVERLAP-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3
// OVERLAP: nvvm.wgmma.commit.group.sync.aligned
// OVERLAP-NOT: wgmma.wait.group
// OVERLAP: scf.yield

// In a loop inside another the iteration count restarts while barrier
// phases go on: the transposition keeps one buffer between block barriers
// there (no "ready" mbarriers, which are groups of two).
// RUN: tile-opt %S/Inputs/fp8-transpose-nested.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=NESTED
// NESTED-NOT: num_barriers = 2
// NESTED: nvvm.prmt
// NESTED: nvvm.fence.proxy
// NESTED: gpu.barrier

// An fp8 GEMM with B as K x N: B transposed without acc_order (A from
// shared memory), fixed prmt selectors, then a wgmma with both operands
// K-major from shared memory.
// A dot reading the transposition that runs on past its iteration (a
// tile.dot_wait {pending = 1} right after it, hand-written: no pass makes
// this) would read the buffer while the next iteration's transposition
// rewrites it, alternating or not (a block barrier waits for no wgmma):
// the lowering refuses it at the dot.
// RUN: not tile-opt %S/Inputs/fp8-transpose-async-across.mlir --pass-pipeline='builtin.module(convert-tile-to-nvgpu)' 2>&1 | FileCheck %s --check-prefix=ACROSS
// ACROSS: error: 'tile.dot' op reads a transposition in shared memory made in its loop but is still in flight after the iteration

// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts),tile.kernel(tile-pipeline-loads))' | FileCheck %s --check-prefix=STAGED
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s
// x·x with an fp8 B: B is the transposition of A's staging.
// STAGED-LABEL: tile.kernel @fp8_xx
// STAGED: %[[X:.*]] = tile.ring_get
// STAGED-NEXT: %[[XT:.*]] = tile.convert_layout %[[X]] {{.*}} -> tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true>>
// STAGED-NEXT: tile.dot %[[X]], %[[XT]]
// STAGED-LABEL: tile.kernel @fp8_kn
// STAGED: %[[B:.*]]:2 = tile.ring_get
// STAGED-NEXT: %[[BT:.*]] = tile.convert_layout %[[B]]#1 : tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>> -> tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true>>
// STAGED-NEXT: tile.dot %[[B]]#0, %[[BT]], {{.*}} : tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true>> -> tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
// CHECK: gpu.func @fp8_kn
// CHECK: scf.for
// CHECK: vector.load {{.*}} vector<4xi32>
// CHECK-NOT: arith.select
// CHECK: nvvm.prmt <default> %c20800_i32
// CHECK: nvvm.fence.proxy
// CHECK: nvgpu.mbarrier.arrive
// CHECK: nvgpu.mbarrier.try_wait.parity
// Two 64-row slices, four k32 steps each:
// CHECK-COUNT-8: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
tile.kernel @fp8_xx(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                    %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : tensor<128x128xf32>
  %a = tile.load %A[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<128x128xf8E4M3FN>
  %d = tile.dot %a, %a, %init : tensor<128x128xf8E4M3FN>, tensor<128x128xf8E4M3FN> -> tensor<128x128xf32>
  tile.store %d, %C[%c0, %c0] : tensor<128x128xf32> -> memref<?x?xf32>
  tile.return
}

tile.kernel @fp8_kn(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                    %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>},
                    %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<128x64xf32>
  %acc = scf.for %k = %c0 to %K step %c128 iter_args(%x = %init) -> (tensor<128x64xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xf8E4M3FN> -> tensor<128x128xf8E4M3FN>
    %b = tile.load %B[%k, %c0] : memref<?x?xf8E4M3FN> -> tensor<128x64xf8E4M3FN>
    %d = tile.dot %a, %b, %x : tensor<128x128xf8E4M3FN>, tensor<128x64xf8E4M3FN> -> tensor<128x64xf32>
    scf.yield %d : tensor<128x64xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<128x64xf32> -> memref<?x?xf32>
  tile.return
}
