// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-nvgpu)' -verify-diagnostics

// Layouts written by hand (not by tile-assign-layouts) that the register
// lowering cannot pair are reported, not miscompiled: a reduction's result
// must be the slice of its input's layout along the reduced
// dimension.

#row = #tile.blocked<size_per_thread = [1, 2], threads_per_warp = [1, 32], warps = [1, 1], order = [1, 0]>
#col = #tile.blocked<size_per_thread = [2, 1], threads_per_warp = [32, 1], warps = [1, 1], order = [0, 1]>
tile.kernel @mismatch(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                      %Y: memref<?xf32> {tile.shape = #tile.shape<R>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<64x64xf32, #row>
  // expected-error @+1 {{needs its 1-d side laid out as #tile.slice<dim = 1> of its 2-d side's #tile.blocked or #tile.wgmma_acc layout}}
  %s = tile.reduce sum %x dim 1 : tensor<64x64xf32, #row> -> tensor<64xf32, #tile.slice<dim = 1, parent = #col>>
  tile.return
}
