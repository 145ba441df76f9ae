// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-nvgpu)' -verify-diagnostics

// What the sm_90 lowering does not handle is reported where it is.

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
    // expected-error @+1 {{BLOCK_N = 96 is not supported by the sm_90 lowering: use 64, 128, 192 or 256}}
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
tile.kernel @no_loop(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                     %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                     %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : !c
  %a = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> !a
  %b = tile.load %B[%c0, %c0] : memref<?x?xbf16> -> !b
  // expected-error @+1 {{must be directly inside an scf.for at the top level of the kernel}}
  %d = tile.dot %a, %b, %init : !a, !b -> !c
  tile.store %d, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
// expected-error @+1 {{num_warps = 6 must be a positive multiple of 4}}
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
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// Launch values that would wrap the lowering's size checks are refused
// before anything is built (issue 10).
// A kernel without tile.dot (the register lowering) says the same.
// expected-error @+1 {{num_warps = 4611686018427387904 must be between 1 and 32 (1024 threads a block)}}
tile.kernel @huge_warps(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>})
    attributes {grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4611686018427387904">} {
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
// expected-error @+1 {{num_stages = 9223372036854775807 must be between 2 and 32}}
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
// expected-error @+1 {{needs 295936 bytes of shared memory, more than the 232448 a block may use on sm_90}}
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

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!o = tensor<128x128xbf16>
tile.kernel @store_before_loop(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                               %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                               %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %z16 = arith.constant 0.0 : bf16
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %zt = tile.splat %z16 : !o
  // expected-error @+1 {{is not supported before the main loop by the sm_90 GEMM lowering (index computations and tile.splat only)}}
  tile.store %zt, %C[%c0, %c0] : !o -> memref<?x?xbf16>
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %o = arith.truncf %acc : !c to !o
  tile.store %o, %C[%c0, %c0] : !o -> memref<?x?xbf16>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!o = tensor<128x128xbf16>
tile.kernel @memref_dim_of_operand(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                                   %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                                   %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{uses a tile.dot operand's tensor, which the sm_90 lowering reads only through TMA; use tile.dim for its sizes}}
  %K = memref.dim %A, %c1 : memref<?x?xbf16>
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %o = arith.truncf %acc : !c to !o
  tile.store %o, %C[%c0, %c0] : !o -> memref<?x?xbf16>
  tile.return
}

// -----

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!o = tensor<128x128xbf16>
tile.kernel @store_into_operand(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                                %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>})
    attributes {grid = [#tile.expr<"1">]} {
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
  %o = arith.truncf %acc : !c to !o
  // expected-error @+1 {{writes a tensor that the tile.dot reads; the sm_90 lowering needs the output in its own argument}}
  tile.store %o, %A[%c0, %c0] : !o -> memref<?x?xbf16>
  tile.return
}

// -----

// Attention-shaped kernels: what the attention lowering rejects.
!q = tensor<64x96xbf16>
!s = tensor<64x64xf32>
!p = tensor<64x64xbf16>
!o = tensor<64x96xf32>
tile.kernel @odd_head_dim(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                          %K: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                          %V: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                          %O: memref<?x?xf32> {tile.shape = #tile.shape<S, D>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %S = tile.dim "S"
  %q = tile.load %Q[%c0, %c0] : memref<?x?xbf16> -> !q
  %s0 = tile.splat %zero : !s
  %o0 = tile.splat %zero : !o
  %acc = scf.for %n = %c0 to %S step %c64 iter_args(%x = %o0) -> (!o) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> !q
    %v = tile.load %V[%n, %c0] : memref<?x?xbf16> -> !q
    // expected-error @+1 {{head dimension D = 96 must be a multiple of 64, at most 256, for the attention lowering}}
    %st = tile.dot %q, %k, %s0 {transpose_rhs} : !q, !q -> !s
    %pt = arith.truncf %st : !s to !p
    %y = tile.dot %pt, %v, %x : !p, !q -> !o
    scf.yield %y : !o
  }
  tile.store %acc, %O[%c0, %c0] : !o -> memref<?x?xf32>
  tile.return
}

// -----

!q = tensor<64x64xbf16>
!s = tensor<64x64xf32>
!p = tensor<64x64xbf16>
!col = tensor<64xf32>
tile.kernel @column_reduce(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                           %K: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                           %V: memref<?x?xbf16> {tile.shape = #tile.shape<S, D>},
                           %O: memref<?x?xf32> {tile.shape = #tile.shape<S, D>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %S = tile.dim "S"
  %q = tile.load %Q[%c0, %c0] : memref<?x?xbf16> -> !q
  %s0 = tile.splat %zero : !s
  %acc = scf.for %n = %c0 to %S step %c64 iter_args(%x = %s0) -> (!s) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> !q
    %v = tile.load %V[%n, %c0] : memref<?x?xbf16> -> !q
    %st = tile.dot %q, %k, %s0 {transpose_rhs} : !q, !q -> !s
    // expected-error @+1 {{the attention lowering reduces along rows (dim 1 of a 2-d tile) only}}
    %c = tile.reduce max %st dim 0 : !s -> !col
    %cb = tile.broadcast %c dim 0 : !col -> !s
    %pt = arith.truncf %cb : !s to !p
    %y = tile.dot %pt, %v, %x : !p, !q -> !s
    scf.yield %y : !s
  }
  tile.store %acc, %O[%c0, %c0] : !s -> memref<?x?xf32>
  tile.return
}

// -----

// fp8 operands need B as N x K: wgmma reads 8-bit operands K-major only.
!a = tensor<128x128xf8E4M3FN>
!b = tensor<128x128xf8E4M3FN>
!c = tensor<128x128xf32>
tile.kernel @fp8_mn_major(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                          %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>},
                          %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c128 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xf8E4M3FN> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xf8E4M3FN> -> !b
    // expected-error @+1 {{8-bit float operands need B given as N x K (transpose_rhs)}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// 16 warps leave 128 registers a thread: the 256-column accumulator of each
// warpgroup's 64 rows (128 registers) cannot be held with anything else.
!a = tensor<256x64xbf16>
!b = tensor<64x256xbf16>
!c = tensor<256x256xf32>
tile.kernel @registers(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                       %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                       %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"16">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    // expected-error @+1 {{needs 128 registers a thread for the BLOCK_M x BLOCK_N accumulator in flight at once, but a thread of a 512-thread block has at most 128}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// A floating-point remainder has no lowering on sm_90a: rejected where it is.
!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @remainder(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                       %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                       %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"8">} {
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
  // expected-error @+1 {{'arith.remf' op is not supported on sm_90a: NVPTX has no floating-point remainder}}
  %r = arith.remf %acc, %acc : !c
  tile.store %r, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// A layout the GEMM lowering does not compute in (as tile-assign-layouts
// or a user may write it): 8 warps are two warpgroups.
!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 1>>
tile.kernel @wrong_layout(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                          %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                          %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"8">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    // expected-error @+1 {{'tile.dot' op has a tile laid out as #tile.wgmma_acc<warpgroups = 1>, but the GEMM lowering computes it in #tile.wgmma_acc<warpgroups = 2>; this lowering converts no layouts: let tile-assign-layouts lay the kernel out}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// A bias must start at the output block's column offset (it is read as the
// 8 columns each epilogue thread writes).
!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!bias = tensor<128xf32>
tile.kernel @bias_offset(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                         %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                         %Bias: memref<?xf32> {tile.shape = #tile.shape<N>},
                         %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c128] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  // expected-error @+1 {{a bias broadcast along dimension 0 must have BLOCK_N elements from the tile.store's column offset}}
  %bias = tile.load %Bias[%c0] : memref<?xf32> -> !bias
  %bias_b = tile.broadcast %bias dim 0 : !bias -> !c
  %y = arith.addf %acc, %bias_b : !c
  tile.store %y, %C[%c0, %c128] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// Found by the lowering fuzzer: a K extent of 2^63 - 1 overflowed the
// BLOCK_K check's product of bytes.
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
    // expected-error @+1 {{BLOCK_K = 9223372036854775807 must span 128 bytes (64 elements of 'bf16') in the sm_90 lowering}}
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  tile.store %acc, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}
