// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-linalg)' | FileCheck %s
// Every kernel of kernels/ converts.
// RUN: tile-opt %tile_src/kernels/gemm.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-linalg)' -o /dev/null
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64}),convert-tile-to-linalg)' | FileCheck %s --check-prefix=ATTN
// ATTN: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// ATTN: arith.select
// ATTN: linalg.reduce
// ATTN: linalg.broadcast

// A GEMM program: the grid function runs programs first..last-1, x
// fastest; the program function gets the grid as trailing arguments.

tile.kernel @gemm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"cdiv(M, 64)">]} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %K = tile.dim "K"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %c64 : index
  %init = tile.splat %zero : tensor<64x32xf32>
  %sum = scf.for %k0 = %c0 to %K step %c32 iter_args(%acc = %init) -> (tensor<64x32xf32>) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> tensor<64x32xbf16>
    %b = tile.load %B[%k0, %c0] : memref<?x?xbf16> -> tensor<32x32xbf16>
    %next = tile.dot %a, %b, %acc : tensor<64x32xbf16>, tensor<32x32xbf16> -> tensor<64x32xf32>
    scf.yield %next : tensor<64x32xf32>
  }
  tile.store %sum, %C[%m0, %c0] : tensor<64x32xf32> -> memref<?x?xf32>
  tile.return
}

// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func private @gemm_program(
// CHECK-SAME: %[[A_ARG:[^:]*]]: memref<?x?xbf16>, %{{[^:]*}}: memref<?x?xbf16>, %{{[^:]*}}: memref<?x?xf32>, %[[PID:[^:]*]]: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index)
// tile.dim "K" is A's second extent; the program id is the argument.
// CHECK: %[[K:.*]] = memref.dim %[[A_ARG]], %c1
// CHECK: arith.muli %[[PID]]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<64x32xf32>)
// CHECK: scf.for %{{.*}} to %[[K]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<64x32xf32>)
// The load: the in-bounds part of the box as a subview, padded with zeros.
// CHECK: %[[VIEW:.*]] = memref.subview %[[A_ARG]][%{{.*}}, %{{.*}}] [%{{.*}}, %{{.*}}] [1, 1]
// CHECK: %[[PART:.*]] = bufferization.to_tensor %[[VIEW]] restrict
// CHECK: tensor.pad %[[PART]] low[%{{.*}}, %{{.*}}] high[%{{.*}}, %{{.*}}]
// CHECK: tensor.yield %{{.*}} : bf16
// CHECK: } : tensor<?x?xbf16> to tensor<64x32xbf16>
// The dot: loops (m, k, n), operands extended to f32.
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.mulf
// CHECK: arith.addf
// The store: the in-bounds part of the tile into the in-bounds box.
// CHECK: %[[DST:.*]] = memref.subview %{{.*}}[%{{.*}}, %{{.*}}] [%[[R:.*]], %[[S:.*]]] [1, 1]
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %{{.*}}[%{{.*}}, %{{.*}}] [%[[R]], %[[S]]] [1, 1]
// CHECK: bufferization.materialize_in_destination %[[SLICE]] in writable %[[DST]]
// CHECK: return
// CHECK-LABEL: func.func @gemm(
// CHECK-SAME: %{{.*}}: memref<?x?xbf16>, %{{.*}}: memref<?x?xbf16>, %{{.*}}: memref<?x?xf32>, %[[NX:.*]]: index, %[[NY:.*]]: index, %[[NZ:.*]]: index, %[[FIRST:.*]]: index, %[[LAST:.*]]: index)
// CHECK: scf.for %[[P:.*]] = %[[FIRST]] to %[[LAST]]
// CHECK: %[[X:.*]] = arith.remui %[[P]], %[[NX]]
// CHECK: %[[REST:.*]] = arith.divui %[[P]], %[[NX]]
// CHECK: %[[Y:.*]] = arith.remui %[[REST]], %[[NY]]
// CHECK: %[[Z:.*]] = arith.divui %[[REST]], %[[NY]]
// CHECK: call @gemm_program({{.*}}, %[[X]], %[[Y]], %[[Z]], %[[NX]], %[[NY]], %[[NZ]])
// CHECK-NOT: tile.

// -----

// Rows: iota, reduce from the identity, broadcast; a load with fewer
// dimensions than its tensor reads zeros when a leading coordinate is out
// of bounds.

tile.kernel @rows(%X: memref<?x?x?xf32> {tile.shape = #tile.shape<B, R, C>},
                  %Y: memref<?x?xi32> {tile.shape = #tile.shape<R, C>})
    attributes {params = [], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %b = tile.program_id y
  %x = tile.load %X[%b, %c0, %c0] : memref<?x?x?xf32> -> tensor<4x8xf32>
  %m = tile.reduce max %x dim 1 : tensor<4x8xf32> -> tensor<4xf32>
  %mb = tile.broadcast %m dim 1 : tensor<4xf32> -> tensor<4x8xf32>
  %i = tile.iota dim 1 : tensor<4x8xi32>
  %n = tile.reduce min %i dim 0 : tensor<4x8xi32> -> tensor<8xi32>
  %nb = tile.broadcast %n dim 0 : tensor<8xi32> -> tensor<4x8xi32>
  tile.store %nb, %Y[%c0, %c0] : tensor<4x8xi32> -> memref<?x?xi32>
  tile.return
}

// CHECK-LABEL: func.func private @rows_program(
// CHECK: %[[B0:.*]] = memref.dim %{{.*}}, %c0
// CHECK: %[[GE:.*]] = arith.cmpi sge
// CHECK: %[[LT:.*]] = arith.cmpi slt, %{{.*}}, %[[B0]]
// CHECK: scf.if %{{.*}} -> (tensor<4x8xf32>) {
// CHECK: memref.subview {{.*}} : memref<?x?x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
// CHECK: tensor.pad
// CHECK: } else {
// CHECK: linalg.fill
// CHECK: }
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NEG]] : f32)
// CHECK: linalg.reduce { arith.maximumf } ins(%{{.*}} : tensor<4x8xf32>) outs(%{{.*}} : tensor<4xf32>) dimensions = [1]
// CHECK: linalg.broadcast ins(%{{.*}} : tensor<4xf32>) outs(%{{.*}} : tensor<4x8xf32>) dimensions = [1]
// CHECK: linalg.generic
// CHECK: linalg.index 1 : index
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK: arith.constant 2147483647 : i32
// CHECK: linalg.reduce { arith.minsi } ins(%{{.*}} : tensor<4x8xi32>) outs(%{{.*}} : tensor<8xi32>) dimensions = [0]

// -----

// tile.transpose is linalg.transpose; a layout conversion (layouts are the
// GPU's) is nothing on the host.
tile.kernel @transpose(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                       %Y: memref<?x?xf32> {tile.shape = #tile.shape<C, R>})
    attributes {params = [], grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf32> -> tensor<4x8xf32>
  %t = tile.transpose %x : tensor<4x8xf32> -> tensor<8x4xf32>
  %c = tile.convert_layout %t : tensor<8x4xf32> -> tensor<8x4xf32>
  tile.store %c, %Y[%c0, %c0] : tensor<8x4xf32> -> memref<?x?xf32>
  tile.return
}

// CHECK-LABEL: func.func private @transpose_program(
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<4x8xf32>) outs(%{{.*}} : tensor<8x4xf32>) permutation = [1, 0]
// CHECK-NOT: tile.convert_layout
