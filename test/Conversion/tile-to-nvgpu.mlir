// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BM=128,BN=256,W=8,S=3},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s

// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_N=128,WARPS=4},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=NT

// With transpose_rhs, B (N x K) is K-major: one TMA box of BLOCK_N rows a
// stage, and wgmma reads it untransposed (NVVM layout col).
// NT: gpu.func @gemm_nt
// NT-SAME: {arg = 1 : i64, box = array<i64: 128, 64>, kind = "tensormap", swizzle = 128 : i64}
// NT: nvgpu.tma.async.load {{.*}} -> memref<128x64xbf16, #gpu.address_space<workgroup>>
// NT: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]

// A GEMM as tile-run compiles it (tile-assign-layouts stages the operands
// in #tile.shared, tile-pipeline-loads pipes them through a TMA ring,
// convert-tile-to-nvgpu lowers op by op): a gpu.func with TMA descriptors
// for the operands, "full" and "empty" mbarriers a stage, wgmma from the
// ring's buffers, and the accumulator stored through shared memory.

!a = tensor<?x64xbf16, #tile.shape<BM, 64>>
!b = tensor<64x?xbf16, #tile.shape<64, BN>>
!c = tensor<?x?xf32, #tile.shape<BM, BN>>
!o = tensor<?x?xbf16, #tile.shape<BM, BN>>

tile.kernel @mm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {params = [#tile.param<"BM", [128]>, #tile.param<"BN", [256]>,
                          #tile.param<"W", [8]>, #tile.param<"S", [3]>],
                grid = [#tile.expr<"cdiv(M, BM)">, #tile.expr<"cdiv(N, BN)">],
                num_warps = #tile.expr<"W">, num_stages = #tile.expr<"S">} {
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

// CHECK: module attributes {gpu.container_module}
// CHECK-NOT: tile.kernel
// CHECK: gpu.module @tile_kernels [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">]
// CHECK: gpu.func @mm(%[[DA:.*]]: !llvm.ptr, %[[DB:.*]]: !llvm.ptr, %[[C:.*]]: memref<?x?xbf16>, %[[M:.*]]: i64, %[[K:.*]]: i64, %[[N:.*]]: i64) kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: tile.launch = {block = 256 : i64
// CHECK-SAME: grid = ["cdiv(M, BM)", "cdiv(N, BN)"]
// CHECK-SAME: {arg = 0 : i64, box = array<i64: 128, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 1 : i64, box = array<i64: 64, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 2 : i64, kind = "memref"}
// CHECK-SAME: {arg = 0 : i64, kind = "size", symbol = "M"}
// Three stages of A (16 KiB) and B (32 KiB) and 1 KiB of alignment slack;
// the epilogue's 64 KiB of conversion scratch reuses the ring.
// CHECK-SAME: shared_memory = 148480 : i64
// CHECK: builtin.unrealized_conversion_cast %[[DA]] : !llvm.ptr to !nvgpu.tensormap.descriptor<tensor = memref<128x64xbf16, #gpu.address_space<workgroup>>, swizzle = swizzle_128b
// CHECK: gpu.dynamic_shared_memory
// CHECK: %[[FULL:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 3>
// CHECK: %[[EMPTY:.*]] = nvgpu.mbarrier.create
// CHECK: nvgpu.mbarrier.init %[[FULL]]
// CHECK: nvgpu.mbarrier.init %[[EMPTY]]
// CHECK: nvgpu.tma.prefetch.descriptor
// CHECK: nvvm.fence.mbarrier.init
// CHECK-NEXT: gpu.barrier
// Prologue: STAGES-1 k-blocks in flight, A in one box, B (K x N,
// MN-major) in four 64-column chunks.
// CHECK: scf.for
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[FULL]]{{.*}}, %c16384
// CHECK: nvgpu.tma.async.load {{.*}} -> memref<128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[FULL]]{{.*}}, %c32768
// CHECK-COUNT-4: nvgpu.tma.async.load {{.*}} -> memref<64x64xbf16, #gpu.address_space<workgroup>>
// Main loop: wait on "full", wgmma on this warpgroup's 64 rows (4 k-steps
// of 16, B MN-major: NVVM layout row, i.e. imm-trans-b = 1), wait for the
// previous group (inline PTX that passes the accumulator through), release
// its stage on "empty", refill the stage STAGES-1 ahead.
// CHECK: scf.for {{.*}} -> (vector<128xf32>)
// CHECK: nvgpu.mbarrier.try_wait.parity %[[FULL]]
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 256, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK: llvm.inline_asm has_side_effects {{.*}} "wgmma.wait_group.sync.aligned 1;"
// CHECK: nvgpu.mbarrier.arrive %[[EMPTY]]
// CHECK: nvgpu.mbarrier.try_wait.parity %[[EMPTY]]
// CHECK: nvgpu.tma.async.load
// CHECK: llvm.inline_asm has_side_effects {{.*}} "wgmma.wait_group.sync.aligned 0;"
// Epilogue: the accumulator's bf16 pairs into shared memory, a barrier,
// 16-byte rows back, one 16-byte global store each where in bounds and
// aligned, else element by element.
// CHECK: gpu.barrier
// CHECK-COUNT-64: vector.store {{.*}} {alignment = 4 : i64} : memref<32768xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK-NEXT: gpu.barrier
// CHECK: vector.load {{.*}} {alignment = 16 : i64} : memref<32768xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: memref.extract_aligned_pointer_as_index %[[C]]
// CHECK: vector.store {{.*}}, %[[C]][{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: memref.store {{.*}}, %[[C]]
// CHECK: gpu.return
