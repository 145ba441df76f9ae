// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts{op-level-dots}))' -verify-diagnostics
// tile-assign-layouts{op-level-dots}: B as K x N is staged MN-major for
// 16-bit types only; fp8 wgmma reads both operands K-major.

tile.kernel @fp8_mn_major(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                          %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>},
                          %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : tensor<64x64xf32>
  %a = tile.load %A[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<64x128xf8E4M3FN>
  %b = tile.load %B[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<128x64xf8E4M3FN>
  // expected-error @+1 {{'tile.dot' op takes B as K x N (MN-major) of 'f8E4M3FN'; fp8 wgmma reads B K-major only: store B as N x K and use transpose_rhs}}
  %d = tile.dot %a, %b, %acc : tensor<64x128xf8E4M3FN>, tensor<128x64xf8E4M3FN> -> tensor<64x64xf32>
  tile.store %d, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}
