// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -verify-diagnostics
// What tile-assign-layouts refuses. An fp8 A from registers needs B's K
// index in the accumulator's order, which only a K x N B gets (transposed
// in shared memory).

tile.kernel @fp8_register_a_nk(%A: memref<?x?xf32> {tile.shape = #tile.shape<M, K>},
                               %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<N, K>},
                               %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : tensor<64x64xf32>
  %s = tile.splat %zero : tensor<64x64xf32>
  %k = tile.load %B[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<64x64xf8E4M3FN>
  %p = tile.dot %k, %k, %s {transpose_rhs} : tensor<64x64xf8E4M3FN>, tensor<64x64xf8E4M3FN> -> tensor<64x64xf32>
  %p8 = arith.truncf %p : tensor<64x64xf32> to tensor<64x64xf8E4M3FN>
  // expected-error @+1 {{'tile.dot' op reads an fp8 A from registers with B as N x K (transpose_rhs); fp8 register A needs B's K index in the accumulator's order, which only a K x N B gets (transposed in shared memory): drop transpose_rhs and pass B as K x N, or load A from memory}}
  %d = tile.dot %p8, %k, %acc {transpose_rhs} : tensor<64x64xf8E4M3FN>, tensor<64x64xf8E4M3FN> -> tensor<64x64xf32>
  tile.store %d, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// Found by the lowering fuzzer once it ran tile-assign-layouts: a tile of
// vectors has no bit width a layout could count (it crashed the pass).
tile.kernel @tile_of_vectors() attributes {params = [], grid = [#tile.expr<"1">]} {
  %z = arith.constant dense<0.0> : vector<4xf32>
  // expected-error @+1 {{'tile.splat' op makes a tile of 'vector<4xf32>' elements; tiles hold integers, floats or index values}}
  %s = tile.splat %z : tensor<16x8xvector<4xf32>>
  tile.return
}

// -----

// Found by the lowering fuzzer: num_warps is checked before any layout is
// made of it (an assertion in the wgmma accumulator layout's verifier).
// expected-error @+1 {{'tile.kernel' op num_warps = 4611686018427387904 must be between 1 and 32 (1024 threads a block)}}
tile.kernel @huge_warps(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4611686018427387904">} {
  tile.return
}

// -----

// Found by the lowering fuzzer: a 0-d tile that nothing lays out (an
// assertion on the empty shape's last extent).
tile.kernel @rank_zero(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [], grid = [#tile.expr<"1">]} {
  %x = arith.constant 0.0 : f32
  // expected-error @+1 {{'tile.splat' op has a 'tensor<f32>' that no blocked layout of 4 warps covers}}
  %t = tile.splat %x : tensor<f32>
  tile.return
}

// -----

// Found by the lowering fuzzer: the store of a wgmma accumulator of 2^63 - 1
// rows. Whether its store should go through a conversion is asked only of
// tiles the threads can hold (the element counts overflowed); the dot's
// operands are refused as before.
tile.kernel @huge_accumulator(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                              %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                              %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"8">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %acc = tile.splat %zero : tensor<9223372036854775807x256xf32>
  %a = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> tensor<9223372036854775807x64xbf16>
  %b = tile.load %B[%c0, %c0] : memref<?x?xbf16> -> tensor<64x256xbf16>
  // expected-error @+1 {{'tile.dot' op a 9223372036854775807 x 64 tile of 'bf16' does not fill whole 128-byte swizzle atoms}}
  %d = tile.dot %a, %b, %acc : tensor<9223372036854775807x64xbf16>, tensor<64x256xbf16> -> tensor<9223372036854775807x256xf32>
  %o = arith.truncf %d : tensor<9223372036854775807x256xf32> to tensor<9223372036854775807x256xbf16>
  tile.store %o, %C[%c0, %c0] : tensor<9223372036854775807x256xbf16> -> memref<?x?xbf16>
  tile.return
}
