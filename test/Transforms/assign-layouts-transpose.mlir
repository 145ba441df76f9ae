// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -verify-diagnostics | FileCheck %s
// tile-assign-layouts across tile.transpose: the result is laid out as the
// input's blocked layout with its dimensions swapped (each thread keeps its
// elements), and a load or store whose tile's layout runs across its
// contiguous dimension gets a tile.convert_layout from or to the default
// layout instead. The converted kernels round-trip.
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' -verify-diagnostics | tile-opt -split-input-file -o /dev/null

// CHECK-LABEL: tile.kernel @transpose_store
// CHECK: %[[X:.*]] = tile.load {{.*}} -> tensor<64x32xbf16, #[[ROWS:tile.blocked<size_per_thread = \[1, 8\], threads_per_warp = \[8, 4\], warps = \[4, 1\], order = \[1, 0\]>]]>
// CHECK: %[[T:.*]] = tile.transpose %[[X]] : tensor<64x32xbf16, #[[ROWS]]> -> tensor<32x64xbf16, #[[COLS:tile.blocked<size_per_thread = \[8, 1\], threads_per_warp = \[4, 8\], warps = \[1, 4\], order = \[0, 1\]>]]>
// CHECK: %[[C:.*]] = tile.convert_layout %[[T]] : tensor<32x64xbf16, #[[COLS]]> -> tensor<32x64xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [4, 1], order = [1, 0]>>
// CHECK: tile.store %[[C]]
tile.kernel @transpose_store(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                             %Y: memref<?x?xbf16> {tile.shape = #tile.shape<C, R>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xbf16> -> tensor<64x32xbf16>
  %y = tile.transpose %x : tensor<64x32xbf16> -> tensor<32x64xbf16>
  tile.store %y, %Y[%c0, %c0] : tensor<32x64xbf16> -> memref<?x?xbf16>
  tile.return
}

// -----

// B joins the transposed tile's group (an elementwise add), so its load
// would run down columns: B is loaded in the default layout and converted;
// so is the sum before its store. A keeps the default layout.
// CHECK-LABEL: tile.kernel @transpose_add
// CHECK: tile.load %arg0{{.*}} -> tensor<64x64xf32, #[[ROWS:tile.blocked<size_per_thread = \[1, 4\], threads_per_warp = \[2, 16\], warps = \[4, 1\], order = \[1, 0\]>]]>
// CHECK: %[[B:.*]] = tile.load %arg1{{.*}} -> tensor<64x64xf32, #[[ROWS]]>
// CHECK: %[[BC:.*]] = tile.convert_layout %[[B]] : tensor<64x64xf32, #[[ROWS]]> -> tensor<64x64xf32, #[[COLS:tile.blocked<size_per_thread = \[4, 1\], threads_per_warp = \[16, 2\], warps = \[1, 4\], order = \[0, 1\]>]]>
// CHECK: tile.transpose {{.*}} -> tensor<64x64xf32, #[[COLS]]>
// CHECK: %[[S:.*]] = arith.addf {{.*}}, %[[BC]] : tensor<64x64xf32, #[[COLS]]>
// CHECK: %[[SC:.*]] = tile.convert_layout %[[S]] : tensor<64x64xf32, #[[COLS]]> -> tensor<64x64xf32, #[[ROWS]]>
// CHECK: tile.store %[[SC]]
tile.kernel @transpose_add(%A: memref<?x?xf32> {tile.shape = #tile.shape<N, N>},
                           %B: memref<?x?xf32> {tile.shape = #tile.shape<N, N>},
                           %Y: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %a = tile.load %A[%c0, %c0] : memref<?x?xf32> -> tensor<64x64xf32>
  %b = tile.load %B[%c0, %c0] : memref<?x?xf32> -> tensor<64x64xf32>
  %t = tile.transpose %a : tensor<64x64xf32> -> tensor<64x64xf32>
  %s = arith.addf %t, %b : tensor<64x64xf32>
  tile.store %s, %Y[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// The wgmma accumulator layout does not transpose in registers.
tile.kernel @transpose_of_accumulator(%A: memref<?x?xbf16> {tile.shape = #tile.shape<N, N>},
                                      %Y: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %a = tile.load %A[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %z = tile.splat %zero : tensor<64x64xf32>
  %d = tile.dot %a, %a, %z : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  // expected-error @+1 {{transposes a tile laid out as #tile.wgmma_acc<warpgroups = 1>: only blocked layouts transpose in registers}}
  %t = tile.transpose %d : tensor<64x64xf32> -> tensor<64x64xf32>
  tile.store %t, %Y[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// x + transpose(x): the transpose's input and result share a group (one
// layout), so the result is laid out as the input's transposed and
// converted back; a conversion the program wrote between two tiles that
// get one layout is dropped.
// CHECK-LABEL: tile.kernel @transpose_same_group
// CHECK: %[[X:.*]] = tile.load {{.*}} -> tensor<64x64xf32, #[[ROWS:tile.blocked<size_per_thread = \[1, 4\], threads_per_warp = \[2, 16\], warps = \[4, 1\], order = \[1, 0\]>]]>
// CHECK: %[[T:.*]] = tile.transpose %[[X]] : tensor<64x64xf32, #[[ROWS]]> -> tensor<64x64xf32, #[[COLS:tile.blocked<size_per_thread = \[4, 1\], threads_per_warp = \[16, 2\], warps = \[1, 4\], order = \[0, 1\]>]]>
// CHECK: %[[TC:.*]] = tile.convert_layout %[[T]] : tensor<64x64xf32, #[[COLS]]> -> tensor<64x64xf32, #[[ROWS]]>
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[TC]] : tensor<64x64xf32, #[[ROWS]]>
// CHECK-NOT: tile.convert_layout
// CHECK: tile.store %[[S]]
tile.kernel @transpose_same_group(%X: memref<?x?xf32> {tile.shape = #tile.shape<N, N>},
                                  %Y: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<64x64xf32>
  %t = tile.transpose %x : tensor<64x64xf32> -> tensor<64x64xf32>
  %s = arith.addf %x, %t : tensor<64x64xf32>
  %c = tile.convert_layout %s : tensor<64x64xf32> -> tensor<64x64xf32>
  tile.store %c, %Y[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}
