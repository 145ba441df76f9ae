// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts),convert-tile-to-nvgpu)' | FileCheck %s

// A kernel without tile.dot is lowered op by op, each tile a vector of the
// elements a thread holds in its #tile.blocked layout. Here 2 rows of 512
// bf16 over 4 warps: tile-assign-layouts puts 8 elements a thread, 32 lanes
// across a row and 2 warps down the rows, 2 along them
// (#tile.blocked<[1, 8], [1, 32], [2, 2], [1, 0]>): 8 elements a thread.

!x = tensor<2x512xbf16>
!f = tensor<2x512xf32>
!r = tensor<2xf32>
!w = tensor<512xbf16>
!wf = tensor<512xf32>
tile.kernel @rownorm(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                     %W: memref<?xbf16> {tile.shape = #tile.shape<C>},
                     %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"cdiv(R, 2)">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %c2 : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x
  %xf = arith.extf %x : !x to !f
  %m = tile.reduce max %xf dim 1 : !f -> !r
  %mb = tile.broadcast %m dim 1 : !r -> !f
  %d = arith.subf %xf, %mb : !f
  %e = math.exp2 %d : !f
  %w = tile.load %W[%c0] : memref<?xbf16> -> !w
  %wf = arith.extf %w : !w to !wf
  %wb = tile.broadcast %wf dim 0 : !wf -> !f
  %p = arith.mulf %e, %wb : !f
  %y = arith.truncf %p : !f to !x
  tile.store %y, %Y[%r0, %c0] : !x -> memref<?x?xbf16>
  tile.return
}

// The reduction across the 2 warps of a row goes through 4 floats of
// shared memory (2 rows x 2 warps); no dynamic shared memory.
// CHECK-LABEL: gpu.func @rownorm(
// CHECK-SAME: workgroup(%[[SCRATCH:.*]] : memref<4xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME: block = 128 : i64
// CHECK-SAME: shared_memory = 0 : i64
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: gpu.block_id x

// tile.load: one 16-byte vector load a thread when in bounds and aligned,
// else element by element with zero padding.
// CHECK: %[[X:.*]] = scf.if %{{.*}} -> (vector<8xbf16>) {
// CHECK:   vector.load %arg0[%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: } else {
// CHECK-COUNT-8: memref.load %arg0
// CHECK:   vector.from_elements {{.*}} : vector<8xbf16>
// CHECK: }
// CHECK: %[[XF:.*]] = arith.extf %[[X]] : vector<8xbf16> to vector<8xf32>

// tile.reduce max: a tree over the thread's 8 elements, a butterfly over
// the 32 lanes, then the 2 warps through shared memory, between barriers.
// CHECK-COUNT-7: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c8_i32, %c32_i32 : f32
// CHECK: gpu.shuffle xor %{{.*}}, %c16_i32, %c32_i32 : f32
// CHECK: scf.if
// CHECK:   memref.store %{{.*}}, %[[SCRATCH]][%{{.*}}]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SCRATCH]]
// CHECK: memref.load %[[SCRATCH]]
// CHECK: arith.maximumf
// CHECK: gpu.barrier
// CHECK: %[[M:.*]] = vector.from_elements %{{.*}} : vector<1xf32>

// tile.broadcast: the slice's one element to all 8.
// CHECK: %[[MB:.*]] = vector.shuffle %[[M]], %[[M]] [0, 0, 0, 0, 0, 0, 0, 0] : vector<1xf32>, vector<1xf32>
// CHECK: arith.subf %[[XF]], %[[MB]] : vector<8xf32>

// math.exp2 of f32: the SFU's ex2, element by element.
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"

// The 1-d W tile is the slice of the row layout along dim 0: the same 8
// columns a thread, one vector load, then a broadcast down the rows.
// CHECK: vector.load %arg1[%{{.*}}] {alignment = 16 : i64} : memref<?xbf16>, vector<8xbf16>
// CHECK: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7] : vector<8xf32>, vector<8xf32>
// CHECK: arith.truncf %{{.*}} : vector<8xf32> to vector<8xbf16>

// tile.store: one vector store in bounds, else element by element.
// CHECK: scf.if
// CHECK:   vector.store %{{.*}}, %arg2[%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: } else {
// CHECK-COUNT-8: memref.store %{{.*}}, %arg2
// CHECK: gpu.return

// A loop that carries tiles: upstream's structural conversion gives the
// scf.for the threads' vectors as iter_args (1 x 256 f32 over 1 warp: 8 a
// thread).
!c = tensor<1x256xf32>
!cr = tensor<1xf32>
tile.kernel @row_sum(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                     %S: memref<?xf32> {tile.shape = #tile.shape<R>})
    attributes {grid = [#tile.expr<"R">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c256 = arith.constant 256 : index
  %zero = arith.constant 0.0 : f32
  %C = tile.dim "C"
  %r = tile.program_id x
  %init = tile.splat %zero : !c
  %acc = scf.for %j = %c0 to %C step %c256 iter_args(%a = %init) -> (!c) {
    %x = tile.load %X[%r, %j] : memref<?x?xf32> -> !c
    %n = arith.addf %a, %x : !c
    scf.yield %n : !c
  }
  %s = tile.reduce sum %acc dim 1 : !c -> !cr
  tile.store %s, %S[%r] : !cr -> memref<?xf32>
  tile.return
}
// CHECK-LABEL: gpu.func @row_sum(
// CHECK: %[[INIT:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK: %[[ACC:.*]] = scf.for %{{.*}} iter_args(%[[A:.*]] = %[[INIT]]) -> (vector<8xf32>) {
// CHECK:   arith.addf %[[A]], %{{.*}} : vector<8xf32>
// CHECK:   scf.yield %{{.*}} : vector<8xf32>
// CHECK: vector.extract %[[ACC]][0]
// CHECK: gpu.shuffle xor
// The one-element result is stored by every thread that holds it (the
// same value): a store of one element, bounds-checked.
// CHECK: vector.store %{{.*}}, %arg1[%{{.*}}] {alignment = 4 : i64} : memref<?xf32>, vector<1xf32>

// scf.if with tile results (its results share the yielded tiles' layout)
// over 6 warps (not a power of two: 2 down the rows, 3 along them).
!t6 = tensor<6x768xbf16>
tile.kernel @maybe_zero(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                        %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                        %flag: i32)
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"6">} {
  %c0 = arith.constant 0 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : bf16
  %x = tile.load %X[%c0, %c0] : memref<?x?xbf16> -> !t6
  %keep = arith.cmpi ne, %flag, %c0_i32 : i32
  %y = scf.if %keep -> (!t6) {
    scf.yield %x : !t6
  } else {
    %z = tile.splat %zero : !t6
    scf.yield %z : !t6
  }
  tile.store %y, %Y[%c0, %c0] : !t6 -> memref<?x?xbf16>
  tile.return
}
// CHECK-LABEL: gpu.func @maybe_zero(
// CHECK-SAME: block = 192 : i64
// CHECK: %[[Y:.*]] = scf.if %{{.*}} -> (vector<24xbf16>) {
// CHECK:   scf.yield %{{.*}} : vector<24xbf16>
// CHECK: } else {
// CHECK:   %[[Z:.*]] = vector.broadcast %{{.*}} : bf16 to vector<24xbf16>
// CHECK:   scf.yield %[[Z]] : vector<24xbf16>
// CHECK: vector.shuffle %[[Y]], %[[Y]] [0, 1, 2, 3, 4, 5, 6, 7]
