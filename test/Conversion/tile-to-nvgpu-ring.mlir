// The register lowering of tile-pipeline-loads' rings and async dots
// (kernels/gemm_nt.mlir op by op, 128 x 128 x 64, 8 warps, 3 stages): A and
// B become TMA descriptors with a 128 x 64 box (one 128-byte column chunk),
// one ring of 3 buffers of 2 x 16 KiB in dynamic shared memory with "full"
// (one arrival a member: each expects its TMA's bytes) and "empty" (one
// arrival a warpgroup) mbarriers; thread 0 issues the puts (waiting on
// "empty" for a reused buffer, once for all of a buffer's members), every
// thread waits on "full" for a get; the dot's wgmma group is left in flight
// and waited for by inline PTX that passes the accumulator's registers
// through (wait_group 1 in the loop, 0 after it); the first thread of each
// warpgroup releases the previous iteration's buffers.
// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=3},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s

// CHECK: gpu.func @gemm_nt(%arg0: !llvm.ptr, %arg1: !llvm.ptr, %arg2: memref<?x?xbf16>
// CHECK-SAME: box = array<i64: 128, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: box = array<i64: 128, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: shared_memory = 99328 : i64
// CHECK: %[[FULL_A:.*]] = nvgpu.mbarrier.create -> <memorySpace = #gpu.address_space<workgroup>, num_barriers = 3>
// CHECK: %[[EMPTY_A:.*]] = nvgpu.mbarrier.create
// CHECK: nvgpu.mbarrier.init %[[FULL_A]][%{{.*}}], %c2
// CHECK: nvgpu.mbarrier.init %[[EMPTY_A]][%{{.*}}], %c2
// CHECK-NOT: nvgpu.mbarrier.create
// CHECK: nvgpu.tma.prefetch.descriptor
// CHECK: nvvm.fence.mbarrier.init
// CHECK-NEXT: gpu.barrier
// The prologue: puts 0 and 1.
// CHECK: scf.for
// CHECK: scf.if
// CHECK: nvgpu.mbarrier.try_wait.parity %[[EMPTY_A]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[FULL_A]][%{{.*}}], %c16384
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[FULL_A]]
// CHECK: nvgpu.mbarrier.arrive.expect_tx %[[FULL_A]][%{{.*}}], %c16384
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[FULL_A]]
// The initial (zero) accumulator passes through a wait of its own, so that
// ptxas does not see zeros materialized on the path that skips the loop
// reach the final wait (it would serialize the wgmmas: C7515).
// CHECK: %[[INIT:.*]] = llvm.inline_asm has_side_effects asm_dialect = att "wgmma.wait_group.sync.aligned 0;"
// CHECK: %[[INIT_VEC:.*]] = vector.from_elements
// The main loop.
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[INIT_VEC]]) -> (vector<64xf32>)
// CHECK: nvgpu.mbarrier.try_wait.parity %[[FULL_A]]
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity
// CHECK: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NOT: nvvm.wgmma.wait.group.sync.aligned
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "wgmma.wait_group.sync.aligned 1;", "=f,{{.*}},63"
// CHECK-NOT: nvvm.bar.warp.sync
// CHECK: arith.remui %{{.*}}, %c128
// CHECK: nvgpu.mbarrier.arrive %[[EMPTY_A]]
// One wait on "empty" for the buffer, then both members' loads.
// CHECK: nvgpu.mbarrier.try_wait.parity %[[EMPTY_A]]
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[FULL_A]]
// CHECK-NOT: nvgpu.mbarrier.try_wait.parity
// CHECK: nvgpu.tma.async.load %{{.*}}, %[[FULL_A]]
// CHECK: scf.yield
// CHECK: llvm.inline_asm has_side_effects asm_dialect = att "wgmma.wait_group.sync.aligned 0;"
// The epilogue's conversion to 16-byte stores: its 32 KiB of scratch at
// offset 0 of the dynamic region, over the ring's buffers (dead by then),
// behind a barrier; the kernel's shared memory stays the ring's.
// CHECK: %[[OFFSET:.*]] = arith.addi %{{.*}}, %c0{{.*}} : index
// CHECK-NEXT: memref.view %{{.*}}[%[[OFFSET]]][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<16384xbf16, #gpu.address_space<workgroup>>
// CHECK-NEXT: gpu.barrier
// CHECK: vector.store {{.*}} vector<8xbf16>
// CHECK-NOT: builtin.unrealized_conversion_cast {{.*}} to memref
// CHECK: gpu.return
