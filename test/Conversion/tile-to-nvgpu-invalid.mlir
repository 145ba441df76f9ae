// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-nvgpu)' -verify-diagnostics

// What convert-tile-to-nvgpu does not handle is reported where it is.
// Kernels with one tile.dot: tile-to-nvgpu-dot-invalid.mlir (the pipeline
// as tile-run runs it).


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

// A layout that does not cover the block (as a user may write it, without
// tile-assign-layouts): 8 warps are two warpgroups.
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
  // expected-error @+1 {{'tile.splat' op has a tile laid out over 128 threads in a block of 256; lay it out over num_warps warps}}
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

// A tile.dot reads its operands from shared memory, staged there by
// tile-assign-layouts; this pass alone does not stage them.
!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @unstaged(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                      %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  // expected-error @+1 {{'tile.splat' op has a tile of type 'tensor<128x128xf32>' without a #tile.blocked layout (or a slice of one), which the register lowering needs; run tile-assign-layouts first}}
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

// A load without a layout whose one user is not a staging conversion (the
// lowering fuzzer's seed that crashed the check for loads staged without
// a layout, session 11): the plain message.
!f = tensor<1x256xf32>
tile.kernel @load_to_store(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op has a tile of type 'tensor<1x256xf32>' without a #tile.blocked layout (or a slice of one), which the register lowering needs; run tile-assign-layouts first}}
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> !f
  tile.store %x, %X[%c0, %c0] : !f -> memref<?x?xf32>
  tile.return
}
