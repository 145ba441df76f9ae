// RUN: tile-opt %s --convert-tile-to-linalg -verify-diagnostics

// The CPU path needs a bound configuration (static tiles).

// expected-error @+1 {{'tile.kernel' op has unbound parameters; run tile-specialize first}}
tile.kernel @unbound(%X: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"B", [64]>], grid = [#tile.expr<"1">]} {
  tile.return
}
