// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-invariant-divisions))' | FileCheck %s
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-invariant-divisions))' | tile-opt -o /dev/null
// The planted bug: the multiplier without its + 1.
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-invariant-divisions{test-mutation=divide-floor}))' | FileCheck %s --check-prefix=FLOOR
// RUN: not tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-invariant-divisions{test-mutation=nonsense}))' -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// A persistent kernel: its loop's divisions (the loads' tile and the
// epilogue's) by loop invariants all go.
// RUN: tile-opt %tile_src/kernels/fp8_gemm_persistent.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4},tile-assign-layouts,tile-pipeline-loads,tile-invariant-divisions))' | FileCheck %s --check-prefix=PERSIST
// PERSIST: math.ctlz
// PERSIST: scf.for
// PERSIST-NOT: arith.divui {{.*}} : i32
// PERSIST: tile.return
// UNKNOWN: error: 'tile.kernel' op unknown test-mutation 'nonsense' for tile-invariant-divisions (known: divide-floor)

// tile-invariant-divisions: an i32 division by a value defined outside the
// loop it runs in becomes a multiply-high and two shifts; the multiplier is
// computed once, before the outermost loop the divisor is invariant in, and
// shared by the divisions by the same divisor there.

// CHECK-LABEL: tile.kernel @divisions
// The multiplier of %d, before the outer loop (%d is invariant in both).
// CHECK: %[[ZERO:.*]] = arith.cmpi eq, %[[D:[a-z0-9_]+]], %c0_i32
// CHECK: %[[DD:.*]] = arith.select %[[ZERO]], %c1_i32{{.*}}, %[[D]] : i32
// CHECK: %[[DM1:.*]] = arith.subi %[[DD]], %c1_i32{{.*}}
// CHECK: %[[LZ:.*]] = math.ctlz %[[DM1]] : i32
// CHECK: %[[L:.*]] = arith.subi %c32_i32, %[[LZ]] : i32
// CHECK: %[[Q64:.*]] = arith.divui %{{.*}}, %{{.*}} : i64
// CHECK: %[[M64:.*]] = arith.addi %[[Q64]], %c1_i64{{.*}} : i64
// CHECK: %[[M:.*]] = arith.trunci %[[M64]] : i64 to i32
// CHECK: %[[SH1:.*]] = arith.minui %[[L]], %c1_i32{{.*}}
// CHECK: %[[LM:.*]] = arith.maxui %[[L]], %c1_i32{{.*}}
// CHECK: %[[SH2:.*]] = arith.subi %[[LM]], %c1_i32{{.*}}
// CHECK: scf.for
// CHECK: scf.for %[[J:.*]] = 
// CHECK: %[[N:.*]] = arith.index_cast %[[J]] : index to i32
// n / d:
// CHECK: %{{.*}}, %[[T:.*]] = arith.mului_extended %[[N]], %[[M]] : i32
// CHECK: %[[REST:.*]] = arith.subi %[[N]], %[[T]] : i32
// CHECK: %[[HALF:.*]] = arith.shrui %[[REST]], %[[SH1]] : i32
// CHECK: %[[SUM:.*]] = arith.addi %[[T]], %[[HALF]] : i32
// CHECK: %[[Q:.*]] = arith.shrui %[[SUM]], %[[SH2]] : i32
// n % d = n - (n / d) d, with the same multiplier:
// CHECK: arith.mului_extended %[[N]], %[[M]] : i32
// CHECK: arith.shrui
// CHECK: %[[Q2:.*]] = arith.shrui
// CHECK: %[[P:.*]] = arith.muli %[[Q2]], %[[D]] : i32
// CHECK: %[[R:.*]] = arith.subi %[[N]], %[[P]] : i32
// Left alone: a constant divisor (LLVM multiplies already), a divisor the
// inner loop defines, and 64-bit divisions.
// CHECK: arith.divui %[[N]], %c7_i32 : i32
// CHECK: arith.divui %[[N]], %[[N]] : i32
// CHECK: arith.divui %[[J]], %{{.*}} : index
// Outside every loop: left alone.
// CHECK: arith.divui %[[D]], %{{.*}} : i32
// FLOOR-LABEL: tile.kernel @divisions
// FLOOR: %[[Q64:.*]] = arith.divui %{{.*}}, %{{.*}} : i64
// FLOOR-NEXT: arith.trunci %[[Q64]] : i64 to i32
tile.kernel @divisions(%x: memref<?xi32> {tile.shape = #tile.shape<N>},
                       %d: i32, %e: i32, %w: index)
    attributes {params = [], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c7 = arith.constant 7 : i32
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      %n = arith.index_cast %j : index to i32
      %q = arith.divui %n, %d : i32
      %r = arith.remui %n, %d : i32
      %k = arith.divui %n, %c7 : i32
      %v = arith.divui %n, %n : i32
      %w64 = arith.divui %j, %w : index
      %s0 = arith.addi %q, %r : i32
      %s1 = arith.addi %s0, %k : i32
      %s2 = arith.addi %s1, %v : i32
      %t = tile.splat %s2 : tensor<4xi32>
      %o = arith.index_cast %w64 : index to i32
      %t2 = tile.splat %o : tensor<4xi32>
      %t3 = arith.addi %t, %t2 : tensor<4xi32>
      tile.store %t3, %x[%c0] : tensor<4xi32> -> memref<?xi32>
    }
  }
  %outside = arith.divui %d, %e : i32
  %t4 = tile.splat %outside : tensor<4xi32>
  tile.store %t4, %x[%c0] : tensor<4xi32> -> memref<?xi32>
  tile.return
}

// Where the multiplier goes: before the outermost loop its divisor is
// invariant in. %e, made in the outer loop, is invariant in the inner one
// only: its multiplier is computed in the outer loop's body, once an outer
// iteration. %d's divisions in two sibling loops (one under an scf.if, one
// in an scf.while's condition) get one multiplier each, before each loop
// (computing it once at the top kept it live through a ring's prologue and
// cost the persistent attention spills; InvariantDivisions.cpp). A
// division by a value the loop makes is left alone.
// CHECK-LABEL: tile.kernel @placement
// CHECK-NOT: math.ctlz
// CHECK: scf.for %[[I:.*]] = 
// CHECK: %[[E:.*]] = arith.index_cast %[[I]] : index to i32
// CHECK: arith.cmpi eq, %[[E]], %c0_i32{{.*}}
// CHECK: math.ctlz
// CHECK: scf.for
// CHECK: arith.mului_extended
// CHECK-NOT: arith.divui
// CHECK: math.ctlz
// CHECK: scf.for
// CHECK: scf.if
// CHECK: arith.mului_extended
// CHECK-NOT: arith.divui
// CHECK: math.ctlz
// CHECK: scf.while
// CHECK: arith.mului_extended
// CHECK: scf.condition
// CHECK: } do {
// CHECK: arith.divui %{{.*}}, %{{.*}} : i32
// CHECK: scf.yield
// CHECK-NOT: math.ctlz
// CHECK: tile.return
tile.kernel @placement(%x: memref<?xi32> {tile.shape = #tile.shape<N>},
                       %d: i32, %flag: i1)
    attributes {params = [], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c0_i32 = arith.constant 0 : i32
  %c1_i32 = arith.constant 1 : i32
  %c9_i32 = arith.constant 9 : i32
  scf.for %i = %c0 to %c4 step %c1 {
    %e = arith.index_cast %i : index to i32
    scf.for %j = %c0 to %c4 step %c1 {
      %n = arith.index_cast %j : index to i32
      %q = arith.divui %n, %e : i32
      %t = tile.splat %q : tensor<4xi32>
      tile.store %t, %x[%c0] : tensor<4xi32> -> memref<?xi32>
    }
  }
  scf.for %j = %c0 to %c4 step %c1 {
    scf.if %flag {
      %n = arith.index_cast %j : index to i32
      %q = arith.divui %n, %d : i32
      %t = tile.splat %q : tensor<4xi32>
      tile.store %t, %x[%c0] : tensor<4xi32> -> memref<?xi32>
    }
  }
  %w = scf.while (%k = %c0_i32) : (i32) -> i32 {
    %q = arith.divui %k, %d : i32
    %more = arith.cmpi ult, %q, %c9_i32 : i32
    scf.condition(%more) %k : i32
  } do {
  ^bb0(%k: i32):
    %k1 = arith.addi %k, %c1_i32 : i32
    %self = arith.divui %k1, %k1 : i32
    %k2 = arith.addi %k1, %self : i32
    scf.yield %k2 : i32
  }
  %t = tile.splat %w : tensor<4xi32>
  tile.store %t, %x[%c0] : tensor<4xi32> -> memref<?xi32>
  tile.return
}
