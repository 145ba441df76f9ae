// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-nvgpu)' -verify-diagnostics
// Kernels that carry their own layouts (no tile-assign-layouts), as
// tile-opt users may write them: what the register lowering refuses.

// A tile staged in shared memory comes from tile.convert_layout, for
// tile.dot; a load that claims #tile.shared is refused (it crashed the
// lowering before).
tile.kernel @load_shared(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                         %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op produces a tile laid out as #tile.shared; only tile.convert_layout stages tiles in shared memory (for tile.dot): let tile-assign-layouts{op-level-dots} do it}}
  %x = tile.load %X[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16, #tile.shared<swizzle = 128>>
  tile.store %x, %Y[%c0, %c0] : tensor<64x64xbf16, #tile.shared<swizzle = 128>> -> memref<?x?xbf16>
  tile.return
}
