// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts),convert-tile-to-nvgpu)' -verify-diagnostics

// What the register lowering does not take is reported at the op, with
// what to do instead.

!f = tensor<1x256xf32>
tile.kernel @log(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> !f
  // expected-error @+1 {{only math.exp2, math.exp, math.rsqrt, math.tanh, math.sqrt and math.absf of f32 are computed here}}
  %t = math.log %x : !f
  tile.store %t, %X[%c0, %c0] : !f -> memref<?x?xf32>
  tile.return
}

// -----

!x = tensor<1x256xbf16>
!r = tensor<1xbf16>
tile.kernel @bf16_sum(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                      %Y: memref<?xbf16> {tile.shape = #tile.shape<R>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xbf16> -> !x
  // expected-error @+1 {{reduces 'bf16' elements; the register lowering reduces f32 and i32}}
  %s = tile.reduce sum %x dim 1 : !x -> !r
  tile.store %s, %Y[%c0] : !r -> memref<?xbf16>
  tile.return
}

// -----

!f = tensor<1x256xbf16>
!q = tensor<1x256xf8E4M3FN>
tile.kernel @to_fp8(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                    %Y: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xbf16> -> !f
  // expected-error @+1 {{rounds 'bf16' to an 8-bit float; the register lowering rounds f32 to fp8 (cvt.rn.satfinite, LLVM has no fptrunc to fp8): arith.extf to f32 first}}
  %q = arith.truncf %x : !f to !q
  tile.store %q, %Y[%c0, %c0] : !q -> memref<?x?xf8E4M3FN>
  tile.return
}

// -----

!f = tensor<1x256xf32>
// expected-error @+1 {{min_blocks_per_sm = 40 must be between 1 and 32}}
tile.kernel @occupancy(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">,
                min_blocks_per_sm = #tile.expr<"40">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> !f
  tile.store %x, %X[%c0, %c0] : !f -> memref<?x?xf32>
  tile.return
}

// -----

!f = tensor<8x1024xf32>
// expected-error @+1 {{min_blocks_per_sm = 4 blocks of 1024 threads exceed the 2048 threads an SM runs}}
tile.kernel @too_many_blocks(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"32">,
                min_blocks_per_sm = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> !f
  tile.store %x, %X[%c0, %c0] : !f -> memref<?x?xf32>
  tile.return
}

// -----

!f = tensor<2x256xf32>
!r = tensor<2xf32>
!s = tensor<1xf32>
tile.kernel @reduce_twice(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                          %Y: memref<?xf32> {tile.shape = #tile.shape<R>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> !f
  %r = tile.reduce sum %x dim 1 : !f -> !r
  // expected-error @+1 {{reduces a tile that is itself a reduction's result; reducing twice is not supported yet}}
  %t = tile.reduce sum %r dim 0 : !r -> tensor<f32>
  tile.return
}


// -----

// A conversion stages the whole tile in static shared memory (48 KiB):
// 256 x 256 f32 does not fit; the error is at the conversion (which
// tile-assign-layouts put at the store).
tile.kernel @transpose_too_large(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                                 %Y: memref<?x?xf32> {tile.shape = #tile.shape<C, R>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<256x256xf32>
  %y = tile.transpose %x : tensor<256x256xf32> -> tensor<256x256xf32>
  // expected-error @+1 {{'tile.convert_layout' op needs 263168 of the kernel's 263168 bytes of shared memory for reductions across warps and layout conversions, more than the 48 KiB of static shared memory; use smaller tiles (a conversion stages the whole tile)}}
  tile.store %y, %Y[%c0, %c0] : tensor<256x256xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// 64-bit elements do not go through the conversion scratch (its rows are
// padded to an odd number of 32-bit words).
tile.kernel @transpose_f64(%X: memref<?x?xf64> {tile.shape = #tile.shape<R, C>},
                           %Y: memref<?x?xf64> {tile.shape = #tile.shape<C, R>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf64> -> tensor<32x32xf64>
  %y = tile.transpose %x : tensor<32x32xf64> -> tensor<32x32xf64>
  // expected-error @+1 {{'tile.convert_layout' op converts a tile of 'f64'; the register lowering converts integers and floats of 8, 16 or 32 bits (through shared memory): convert a mask with arith.extui first, 64-bit values to 32 bits}}
  tile.store %y, %Y[%c0, %c0] : tensor<32x32xf64> -> memref<?x?xf64>
  tile.return
}

