// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' -verify-diagnostics

// What a kernel with one tile.dot gets when the pipeline (as tile-run
// compiles it) cannot take it: each reported where it is.

// B (K x N) is staged MN-major: its rows must be whole 128-byte swizzle
// rows (K-major operands take 64 or 32 bytes where 128 do not fit).
!a = tensor<128x64xbf16>
!b = tensor<64x96xbf16>
!c = tensor<128x96xf32>
tile.kernel @narrow_n(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                      %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    // expected-error @+1 {{'tile.dot' op a 64 x 96 tile of 'bf16' does not fill whole 128-byte swizzle atoms (#tile.shared<swizzle = 128>): rows a multiple of 8, a row a multiple of 128 bytes}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @warps(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                   %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                   %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"6">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    // expected-error @+1 {{'tile.dot' op runs on warpgroups of 4 warps (wgmma), but the kernel has num_warps = 6: use a multiple of 4}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
// expected-error @+1 {{num_stages = 9223372036854775807 is more than 32 buffers a ring; bind fewer}}
tile.kernel @huge_stages(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                         %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                         %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"9223372036854775807">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x256xbf16>
!c = tensor<128x256xf32>
// expected-error @+1 {{needs 294912 bytes of shared memory for tile.dot operands and layout conversions, more than the 232448 a block has on sm_90; use smaller tiles or fewer stages}}
tile.kernel @too_deep(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                      %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"8">,
                num_stages = #tile.expr<"6">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// Found by the lowering fuzzer (then in the GEMM lowering's BLOCK_K check):
// a K extent of 2^63 - 1 must not overflow a product of bytes.
!a = tensor<128x9223372036854775807xbf16>
!b = tensor<9223372036854775807x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @huge_block_k(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                          %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                          %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    // expected-error @+1 {{a 128 x 9223372036854775807 tile of 'bf16' does not fill whole 32-byte swizzle atoms}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// 12 warps: no blocked layout covers a 128 x 64 B (4 rows a warp, 48 a
// repetition), so tile-assign-layouts stages it without one for a TMA
// ring; with num_stages = 1 there is none, and the load says why.
!a = tensor<192x64xbf16>
!b = tensor<128x64xbf16>
!c = tensor<192x128xf32>
tile.kernel @twelve_warps_no_ring(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"12">,
                num_stages = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    // expected-error @+1 {{'tile.load' op loads a dot operand of type 'tensor<128x64xbf16>' that no blocked layout of the kernel's warps covers, so only a TMA ring can stage it, and tile-pipeline-loads made none (it does for a load at the kernel's top level, or in a loop with num_stages >= 2}}
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x {transpose_rhs} : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}
