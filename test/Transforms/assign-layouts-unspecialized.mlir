// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-assign-layouts))' -verify-diagnostics

// Layouts need static tiles and a bound num_warps.

// expected-error @+1 {{'tile.kernel' op has unbound parameters; run tile-specialize before tile-assign-layouts}}
tile.kernel @unbound(%X: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"B", [64]>], grid = [#tile.expr<"1">]} {
  tile.return
}
