// RUN: tile-opt %s -verify-diagnostics --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=N=128}))'

// A problem size fixed by a static memref extent cannot be bound to another
// value.
// expected-error @+1 {{problem size N=128 contradicts argument #0, whose dimension 0 is 64}}
tile.kernel @static_extent(%x: memref<64xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}
