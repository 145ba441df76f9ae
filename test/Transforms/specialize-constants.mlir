// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=B=4}))' | FileCheck %s

// Types inside attributes (a dense constant tile) are specialized too, so the
// result still verifies.

// CHECK-LABEL: tile.kernel @dense
// CHECK: arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-NOT: #tile.shape<B>
tile.kernel @dense(%x: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"B", [4, 8]>], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %ones = arith.constant dense<1.0> : tensor<4xf32, #tile.shape<4>>
  %t = tile.load %x[%c0] : memref<?xf32> -> tensor<?xf32, #tile.shape<B>>
  tile.store %t, %x[%c0] : tensor<?xf32, #tile.shape<B>> -> memref<?xf32>
  tile.return
}
