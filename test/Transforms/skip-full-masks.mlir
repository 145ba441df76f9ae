// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-skip-full-masks))' | FileCheck %s
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-skip-full-masks))' | tile-opt -split-input-file -o /dev/null
// The planted bug: the check looks only at the tile's first element.
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-skip-full-masks{test-mutation=mask-check-corner}))' | FileCheck %s --check-prefix=SHORT
// RUN: not tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-skip-full-masks{test-mutation=nonsense}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// Attention: split op by op.
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64},tile-assign-layouts,tile-skip-full-masks))' | FileCheck %s --check-prefix=ATTN-OP
// ATTN-OP: scf.for
// ATTN-OP: tile.dot
// ATTN-OP: scf.if %{{.*}} -> (tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 2>>)
// ATTN-OP: } else {
// ATTN-OP: tile.splat
// ATTN-OP: arith.addi
// ATTN-OP: arith.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<128x128xi1
// ATTN-OP: tile.reduce max
// UNKNOWN: error: 'tile.kernel' op unknown test-mutation 'nonsense' for tile-skip-full-masks (known: mask-check-corner)

// tile-skip-full-masks: a select on a mask of compared indices first asks,
// in scalars, whether the mask holds over the whole tile; the mask is
// computed (its ops moved into the else branch) only where it does not.

// A column mask (softmax): cols < C over an 8 x 128 tile is all true when
// the largest difference, (0 - C) + 127, is negative.
// CHECK-LABEL: tile.kernel @columns
// CHECK: %[[C:[a-z0-9_]+]] = arith.index_cast %{{.*}} : index to i32
// CHECK-NOT: tile.iota
// CHECK: %[[C64:[a-z0-9_]+]] = arith.extsi %[[C]] : i32 to i64
// CHECK: %[[BASE:[a-z0-9_]+]] = arith.subi %c0_i64, %[[C64]] : i64
// CHECK: %[[MAX:[a-z0-9_]+]] = arith.addi %[[BASE]], %c127_i64 : i64
// CHECK: %[[FULL:[a-z0-9_]+]] = arith.cmpi slt, %[[MAX]], %c0_i64{{.*}} : i64
// CHECK: %[[SEL:[a-z0-9_]+]] = scf.if %[[FULL]] -> (tensor<8x128xf32, #{{.*}}>) {
// CHECK-NEXT: scf.yield %[[X:[a-z0-9_]+]] :
// CHECK-NEXT: } else {
// CHECK-NEXT: tile.iota dim 1
// CHECK-NEXT: tile.splat %[[C]]
// CHECK-NEXT: %[[M:[a-z0-9_]+]] = arith.cmpi slt
// CHECK-NEXT: %[[S:[a-z0-9_]+]] = arith.select %[[M]], %[[X]], %[[NEG:[a-z0-9_]+]]
// CHECK-NEXT: scf.yield %[[S]]
// CHECK: tile.reduce max %[[SEL]]
// SHORT-LABEL: tile.kernel @columns
// SHORT: %[[BASE:[a-z0-9_]+]] = arith.subi %c0_i64, %{{.*}} : i64
// SHORT-NOT: arith.addi
// SHORT: arith.cmpi slt, %[[BASE]], %c0_i64{{.*}} : i64
tile.kernel @columns(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                     %Y: memref<?xf32> {tile.shape = #tile.shape<R>})
    attributes {params = [], grid = [#tile.expr<"cdiv(R, 8)">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %neg_inf = arith.constant 0xFF800000 : f32
  %C = tile.dim "C"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %c8 : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xf32> -> tensor<8x128xf32>
  %C_i32 = arith.index_cast %C : index to i32
  %cols = tile.iota dim 1 : tensor<8x128xi32>
  %C_t = tile.splat %C_i32 : tensor<8x128xi32>
  %in = arith.cmpi slt, %cols, %C_t : tensor<8x128xi32>
  %neg_inf_t = tile.splat %neg_inf : tensor<8x128xf32>
  %xm = arith.select %in, %x, %neg_inf_t : tensor<8x128xi1>, tensor<8x128xf32>
  %m = tile.reduce max %xm dim 1 : tensor<8x128xf32> -> tensor<8xf32>
  tile.store %m, %Y[%r0] : tensor<8xf32> -> memref<?xf32>
  tile.return
}

// -----

// A causal key mask in a loop (attention's): keep = (col < S) and
// not (col > row and causal), with row = iota 0 + q0 computed before the
// loop (so it stays there) and col = iota 1 + n0 in it (moved). Over a
// 64 x 32 block: col - S <= (n0 - S) + 31; col - row >= (n0 - q0) - 63 and
// <= (n0 - q0) + 31; xor with a splat of true swaps all-true and all-false.
// CHECK-LABEL: tile.kernel @causal
// CHECK: %[[ROWS:[a-z0-9_]+]] = arith.addi %{{.*}}, %{{.*}} : tensor<64x32xi32
// CHECK: scf.for
// CHECK-NOT: tile.iota
// CHECK: arith.addi %{{.*}}, %c31_i64{{.*}} : i64
// CHECK: arith.cmpi slt
// CHECK: arith.addi %{{.*}}, %c-63_i64 : i64
// CHECK: arith.addi %{{.*}}, %c31_i64{{.*}} : i64
// CHECK: arith.ori
// CHECK: %[[FULL:[a-z0-9_]+]] = arith.andi %{{.*}}, %{{.*}} : i1
// CHECK-NEXT: arith.ori
// CHECK-NEXT: scf.if %[[FULL]] -> (tensor<64x32xf32
// CHECK: } else {
// CHECK: arith.cmpi sgt, %{{.*}}, %[[ROWS]]
// CHECK: arith.select
// CHECK: scf.yield
tile.kernel @causal(%X: memref<?x?xf32> {tile.shape = #tile.shape<S, S>},
                    %Y: memref<?x?xf32> {tile.shape = #tile.shape<S, S>},
                    %causal: i32)
    attributes {params = [], grid = [#tile.expr<"cdiv(S, 64)">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c0_i32 = arith.constant 0 : i32
  %true = arith.constant true
  %neg_inf = arith.constant 0xFF800000 : f32
  %S = tile.dim "S"
  %pid = tile.program_id x
  %q0 = arith.muli %pid, %c64 : index
  %q0_i32 = arith.index_cast %q0 : index to i32
  %S_i32 = arith.index_cast %S : index to i32
  %is_causal = arith.cmpi ne, %causal, %c0_i32 : i32
  %rows0 = tile.iota dim 0 : tensor<64x32xi32>
  %q0_t = tile.splat %q0_i32 : tensor<64x32xi32>
  %rows = arith.addi %rows0, %q0_t : tensor<64x32xi32>
  %neg_inf_t = tile.splat %neg_inf : tensor<64x32xf32>
  scf.for %n0 = %c0 to %S step %c32 {
    %x = tile.load %X[%q0, %n0] : memref<?x?xf32> -> tensor<64x32xf32>
    %n0_i32 = arith.index_cast %n0 : index to i32
    %cols0 = tile.iota dim 1 : tensor<64x32xi32>
    %n0_t = tile.splat %n0_i32 : tensor<64x32xi32>
    %cols = arith.addi %cols0, %n0_t : tensor<64x32xi32>
    %S_t = tile.splat %S_i32 : tensor<64x32xi32>
    %in_range = arith.cmpi slt, %cols, %S_t : tensor<64x32xi32>
    %after = arith.cmpi sgt, %cols, %rows : tensor<64x32xi32>
    %causal_t = tile.splat %is_causal : tensor<64x32xi1>
    %hidden = arith.andi %after, %causal_t : tensor<64x32xi1>
    %true_t = tile.splat %true : tensor<64x32xi1>
    %shown = arith.xori %hidden, %true_t : tensor<64x32xi1>
    %keep = arith.andi %in_range, %shown : tensor<64x32xi1>
    %s = arith.select %keep, %x, %neg_inf_t : tensor<64x32xi1>, tensor<64x32xf32>
    tile.store %s, %Y[%q0, %n0] : tensor<64x32xf32> -> memref<?x?xf32>
  }
  tile.return
}

// -----

// Left alone: a mask from data, which no block check can decide.
// CHECK-LABEL: tile.kernel @data_mask
// CHECK-NOT: scf.if
// CHECK: arith.select
tile.kernel @data_mask(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                       %Y: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {params = [], grid = [#tile.expr<"cdiv(R, 8)">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<8x128xf32>
  %zero_t = tile.splat %zero : tensor<8x128xf32>
  %pos = arith.cmpf ogt, %x, %zero_t : tensor<8x128xf32>
  %r = arith.select %pos, %x, %zero_t : tensor<8x128xi1>, tensor<8x128xf32>
  tile.store %r, %Y[%c0, %c0] : tensor<8x128xf32> -> memref<?x?xf32>
  tile.return
}
