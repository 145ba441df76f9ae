// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -verify-diagnostics | FileCheck %s
// Every kernel of kernels/ gets its layouts; in fp8 attention P (the
// first operand of the second dot) is in the accumulator layout of the
// first, read from registers, and V is staged as loaded, then transposed
// in shared memory with its key index in the accumulator's order.
// RUN: tile-opt %tile_src/kernels/gemm.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -o /dev/null
// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -o /dev/null
// RUN: tile-opt %tile_src/kernels/fp8_gemm.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -o /dev/null
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64},tile-assign-layouts))' -o /dev/null
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=128},tile-assign-layouts))' | FileCheck %s --check-prefix=FP8ATTN
// FP8ATTN: %[[V:.*]] = tile.load %arg2{{.*}} -> tensor<128x128xf8E4M3FN, #tile.blocked<size_per_thread = [1, 16], threads_per_warp = [4, 8], warps = [8, 1], order = [1, 0]>>
// FP8ATTN-NEXT: %[[VS:.*]] = tile.convert_layout %[[V]] : {{.*}} -> tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>
// FP8ATTN-NEXT: %[[VT:.*]] = tile.convert_layout %[[VS]] : tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>> -> tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true, acc_order = true>>
// FP8ATTN: tile.dot {{.*}} {transpose_rhs} : tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>> -> tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 2>>
// FP8ATTN: %[[P8:.*]] = arith.truncf {{.*}} to tensor<128x128xf8E4M3FN, #tile.wgmma_acc<warpgroups = 2>>
// FP8ATTN-NEXT: tile.dot %[[P8]], %[[VT]], {{.*}} : tensor<128x128xf8E4M3FN, #tile.wgmma_acc<warpgroups = 2>>, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true, acc_order = true>> -> tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 2>>
// The assigned layouts round-trip.
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -verify-diagnostics | tile-opt -split-input-file | FileCheck %s

// A row softmax: nothing fixes a layout, so the loaded tile's group takes
// the default blocked layout (8 bf16 = 16 bytes a thread, 16 lanes across
// 128 columns, 2 rows a warp, 4 warps down), the reductions its slice along
// the rows, and the broadcasts go back to it.

!x   = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!xf  = tensor<?x?xf32, #tile.shape<BLOCK_R, BLOCK_C>>
!row = tensor<?xf32, #tile.shape<BLOCK_R>>

// CHECK-LABEL: tile.kernel @softmax
// CHECK: tile.load {{.*}} -> tensor<8x128xbf16, #[[BLK:tile.blocked<size_per_thread = \[1, 8\], threads_per_warp = \[2, 16\], warps = \[4, 1\], order = \[1, 0\]>]]>
// CHECK: arith.extf {{.*}} : tensor<8x128xbf16, #[[BLK]]> to tensor<8x128xf32, #[[BLK]]>
// CHECK: tile.reduce max {{.*}} : tensor<8x128xf32, #[[BLK]]> -> tensor<8xf32, #tile.slice<dim = 1, parent = #[[BLK]]>>
// CHECK: tile.broadcast {{.*}} : tensor<8xf32, #tile.slice<dim = 1, parent = #[[BLK]]>> -> tensor<8x128xf32, #[[BLK]]>
// CHECK: tile.reduce sum
// CHECK: tile.store {{.*}} : tensor<8x128xbf16, #[[BLK]]> -> memref<?x?xbf16>
tile.kernel @softmax(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                     %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
    attributes {params = [#tile.param<"BLOCK_R", [8]>, #tile.param<"BLOCK_C", [128]>],
                grid = [#tile.expr<"cdiv(R, BLOCK_R)">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %br = tile.param "BLOCK_R"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %br : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x
  %xf = arith.extf %x : !x to !xf
  %m = tile.reduce max %xf dim 1 : !xf -> !row
  %mb = tile.broadcast %m dim 1 : !row -> !xf
  %d = arith.subf %xf, %mb : !xf
  %e = math.exp %d : !xf
  %s = tile.reduce sum %e dim 1 : !xf -> !row
  %sb = tile.broadcast %s dim 1 : !row -> !xf
  %y = arith.divf %e, %sb : !xf
  %yb = arith.truncf %y : !xf to !x
  tile.store %yb, %Y[%r0, %c0] : !x -> memref<?x?xbf16>
  tile.return
}

// -----

// A GEMM: the accumulator group (the splat, the loop's iter_arg, yield and
// result, the dot, the epilogue) is the wgmma accumulator of 8 warps = 2
// warpgroups; A and B, which only feed the dot, are loaded in the default
// blocked layout and converted to #tile.shared for it; the result goes to
// the default blocked layout for its 16-byte stores.

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!o = tensor<128x128xbf16>

// CHECK-LABEL: tile.kernel @gemm
// CHECK: tile.splat {{.*}} : tensor<128x128xf32, #[[ACC:tile.wgmma_acc<warpgroups = 2>]]>
// CHECK: scf.for {{.*}} -> (tensor<128x128xf32, #[[ACC]]>)
// CHECK: tile.load {{.*}} -> tensor<128x64xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [8, 1], order = [1, 0]>>
// CHECK: tile.load {{.*}} -> tensor<64x128xbf16, #[[OUT:tile.blocked<size_per_thread = \[1, 8\], threads_per_warp = \[2, 16\], warps = \[8, 1\], order = \[1, 0\]>]]>
// CHECK: tile.convert_layout {{.*}} -> tensor<128x64xbf16, #tile.shared<swizzle = 128>>
// CHECK: tile.convert_layout {{.*}} -> tensor<64x128xbf16, #tile.shared<swizzle = 128>>
// CHECK: tile.dot {{.*}} : tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<64x128xbf16, #tile.shared<swizzle = 128>> -> tensor<128x128xf32, #[[ACC]]>
// CHECK: arith.truncf {{.*}} to tensor<128x128xbf16, #[[ACC]]>
// CHECK: tile.convert_layout {{.*}} : tensor<128x128xbf16, #[[ACC]]> -> tensor<128x128xbf16, #[[OUT]]>
tile.kernel @gemm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
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
  %out = arith.truncf %acc : !c to !o
  tile.store %out, %C[%c0, %c0] : !o -> memref<?x?xbf16>
  tile.return
}

// -----

// Column sums broadcast along the rows would need the accumulator's
// column slice as a row slice: a layout conversion.

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
!v = tensor<128xf32>

tile.kernel @conflict(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                      %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : !c
  %a = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> !a
  %b = tile.load %B[%c0, %c0] : memref<?x?xbf16> -> !b
  %d = tile.dot %a, %b, %init : !a, !b -> !c
  %cols = tile.reduce sum %d dim 0 : !c -> !v
  // expected-error @+1 {{'tile.broadcast' op needs 'tensor<128xf32>' laid out as #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 1>> and as #tile.slice<dim = 0, parent = #tile.wgmma_acc<warpgroups = 1>> in one group of tiles that share a layout; tile-assign-layouts converts only across tile.transpose and at loads and stores: insert a tile.convert_layout}}
  %rows = tile.broadcast %cols dim 1 : !v -> !c
  %sum = arith.addf %d, %rows : !c
  tile.store %sum, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// -----

// index tiles count as 64-bit elements (2 a thread for 16 bytes).
// CHECK-LABEL: tile.kernel @index_iota
// CHECK: tile.iota dim 1 : tensor<2x1024xindex, #tile.blocked<size_per_thread = [1, 2], threads_per_warp = [1, 32], warps = [2, 2], order = [1, 0]>>
tile.kernel @index_iota(%X: memref<?x?xi32> {tile.shape = #tile.shape<R, C>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %i = tile.iota dim 1 : tensor<2x1024xindex>
  tile.return
}

// -----

// A layout written in the program is kept, and the rest of its group takes
// it; a tile already in shared memory (a ring written in the program) keeps
// its type (found by the lowering fuzzer: the ring_get's result was given a
// blocked layout its ring does not hold).
// CHECK-LABEL: tile.kernel @written_layouts
// CHECK: tile.convert_layout {{.*}} -> tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>>
// CHECK: arith.addf {{.*}} : tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>>
// CHECK: tile.ring_get {{.*}} -> tensor<64x128xbf16, #tile.shared<swizzle = 128>>
!ring = !tile.ring<2, tensor<64x128xbf16, #tile.shared<swizzle = 128>>>
tile.kernel @written_layouts(%X: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<64x64xf32>
  %y = tile.convert_layout %x : tensor<64x64xf32> -> tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>>
  %s = arith.addf %y, %y : tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>>
  %r = tile.ring_alloc : !ring
  %t = tile.ring_get %r[%c0] : !ring -> tensor<64x128xbf16, #tile.shared<swizzle = 128>>
  tile.return
}

// -----

// A written layout the group cannot take is an error at the op that needs
// the other (a dot's accumulator written blocked).
#bl = #tile.blocked<size_per_thread = [1, 4], threads_per_warp = [2, 16], warps = [4, 1], order = [1, 0]>
tile.kernel @written_conflict(%A: memref<?x?xbf16> {tile.shape = #tile.shape<N, N>},
                              %C: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %init = tile.splat %zero : tensor<64x64xf32, #bl>
  %a = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %b = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  // expected-error @+1 {{laid out as #tile.wgmma_acc<warpgroups = 1> and as #tile.blocked}}
  %d = tile.dot %a, %b, %init : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32, #bl>
  tile.store %d, %C[%c0, %c0] : tensor<64x64xf32, #bl> -> memref<?x?xf32>
  tile.return
}
