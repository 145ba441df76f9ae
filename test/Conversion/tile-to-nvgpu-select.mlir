// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts),convert-tile-to-nvgpu)' | FileCheck %s

// arith.select on a mask of indices is lowered element by element: each
// element's column (the iota, recomputed from the thread index) is
// compared and selected at once, not as vectors of 8 compares then 8
// selects (which, at attention's 64 elements a thread, held every compare
// and every column in registers: 236 registers instead of 167). Here
// 2 x 512 f32 over 4 warps: 8 elements a thread. (The mask's own ops are
// still converted as vectors; with no other use they are dead, and LLVM
// drops them.)

// CHECK-LABEL: gpu.func @column_mask(
// CHECK: arith.muli %thread_id_x
// CHECK: %[[M0:[a-z0-9_]+]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %[[X0:[a-z0-9_]+]] = vector.extract %{{.*}}[0] : f32 from vector<8xf32>
// CHECK-NEXT: %[[Z0:[a-z0-9_]+]] = vector.extract %{{.*}}[0] : f32 from vector<8xf32>
// CHECK-NEXT: arith.select %[[M0]], %[[X0]], %[[Z0]] : f32
// CHECK: arith.muli %thread_id_x
// CHECK: %[[M1:[a-z0-9_]+]] = arith.cmpi slt, %{{.*}}, %{{.*}} : i32
// CHECK-NEXT: %[[X1:[a-z0-9_]+]] = vector.extract %{{.*}}[1] : f32 from vector<8xf32>
// CHECK-NEXT: %[[Z1:[a-z0-9_]+]] = vector.extract %{{.*}}[1] : f32 from vector<8xf32>
// CHECK-NEXT: arith.select %[[M1]], %[[X1]], %[[Z1]] : f32
// CHECK-COUNT-6: arith.select %{{.*}} : f32
// CHECK: vector.from_elements {{.*}} : vector<8xf32>
!f = tensor<2x512xf32>
!i = tensor<2x512xi32>
!m = tensor<2x512xi1>
tile.kernel @column_mask(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                         %Y: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"cdiv(R, 2)">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %C = tile.dim "C"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %c2 : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xf32> -> !f
  %cols = tile.iota dim 1 : !i
  %C_i32 = arith.index_cast %C : index to i32
  %C_t = tile.splat %C_i32 : !i
  %in = arith.cmpi slt, %cols, %C_t : !i
  %zero_t = tile.splat %zero : !f
  %y = arith.select %in, %x, %zero_t : !m, !f
  tile.store %y, %Y[%r0, %c0] : !f -> memref<?x?xf32>
  tile.return
}

// -----

// A mask op whose value something else reads too stays a vector (computed
// once, as every op); the select reads its elements and computes the rest
// of the mask element by element.
// CHECK-LABEL: gpu.func @shared_index(
// CHECK: %[[OFF:[a-z0-9_]+]] = arith.addi %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK-COUNT-8: vector.extract %[[OFF]][{{[0-9]+}}] : i32 from vector<8xi32>
// CHECK: arith.sitofp %[[OFF]] : vector<8xi32> to vector<8xf32>
!f = tensor<2x512xf32>
!i = tensor<2x512xi32>
!m = tensor<2x512xi1>
tile.kernel @shared_index(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                          %Y: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                          %Z: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"cdiv(R, 2)">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %zero = arith.constant 0.0 : f32
  %C = tile.dim "C"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %c2 : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xf32> -> !f
  %cols = tile.iota dim 1 : !i
  %C_i32 = arith.index_cast %C : index to i32
  %C_t = tile.splat %C_i32 : !i
  %off = arith.addi %cols, %C_t : !i
  %lim = arith.muli %C_t, %C_t : !i
  %in = arith.cmpi slt, %off, %lim : !i
  %zero_t = tile.splat %zero : !f
  %y = arith.select %in, %x, %zero_t : !m, !f
  %offf = arith.sitofp %off : !i to !f
  tile.store %y, %Y[%r0, %c0] : !f -> memref<?x?xf32>
  tile.store %offf, %Z[%r0, %c0] : !f -> memref<?x?xf32>
  tile.return
}
