// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts))' | FileCheck %s --check-prefix=STAGED
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s
// K-major dot operands whose rows are 64 or 32 bytes (32 or 16 bf16
// columns; fp8 attention's 64-byte rows at D = 64) are staged with the
// widest TMA/wgmma swizzle they fill: the TMA descriptor swizzles that
// span, and each wgmma matrix descriptor has its layout type (bits 62-63:
// 1 = 128 bytes, 2 = 64, 3 = 32) and 8 rows of the span as its stride
// byte offset (bits 32-45, in 16-byte units).

// STAGED-LABEL: tile.kernel @swizzle_64
// STAGED: tile.convert_layout {{.*}} -> tensor<64x32xbf16, #tile.shared<swizzle = 64>>
// STAGED: tile.convert_layout {{.*}} -> tensor<128x32xbf16, #tile.shared<swizzle = 64>>
// CHECK-LABEL: gpu.func @swizzle_64
// CHECK-SAME: box = array<i64: 64, 32>, kind = "tensormap", swizzle = 64
// CHECK-SAME: box = array<i64: 128, 32>, kind = "tensormap", swizzle = 64
// CHECK: !nvgpu.tensormap.descriptor<tensor = memref<64x32xbf16, #gpu.address_space<workgroup>>, swizzle = swizzle_64b
// Stride 512 bytes: 32 << 32; layout type 2 << 62.
// CHECK-DAG: arith.constant 137438953472 : i64
// CHECK-DAG: arith.constant -9223372036854775808 : i64
// Two k16 steps a 64-byte span.
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
tile.kernel @swizzle_64(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                        %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                        %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x128xf32>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%x = %init) -> (tensor<64x128xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<64x32xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<128x32xbf16>
    %d = tile.dot %a, %b, %x {transpose_rhs} : tensor<64x32xbf16>, tensor<128x32xbf16> -> tensor<64x128xf32>
    scf.yield %d : tensor<64x128xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<64x128xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// STAGED-LABEL: tile.kernel @swizzle_32
// STAGED: tile.convert_layout {{.*}} -> tensor<64x16xbf16, #tile.shared<swizzle = 32>>
// CHECK-LABEL: gpu.func @swizzle_32
// CHECK-SAME: swizzle = 32
// CHECK: swizzle = swizzle_32b
// Stride 256 bytes: 16 << 32; layout type 3 << 62.
// CHECK-DAG: arith.constant 68719476736 : i64
// CHECK-DAG: arith.constant -4611686018427387904 : i64
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
tile.kernel @swizzle_32(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                        %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                        %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x128xf32>
  %acc = scf.for %k = %c0 to %K step %c16 iter_args(%x = %init) -> (tensor<64x128xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<64x16xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<128x16xbf16>
    %d = tile.dot %a, %b, %x {transpose_rhs} : tensor<64x16xbf16>, tensor<128x16xbf16> -> tensor<64x128xf32>
    scf.yield %d : tensor<64x128xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<64x128xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// Each operand keeps its own span: A (K-major, 32 columns) 64 bytes, B as
// K x N (MN-major) 128 bytes, its leading byte offset the distance of its
// 64-column chunks (32 rows of 128 bytes: 4096 = 256 << 16).
// STAGED-LABEL: tile.kernel @mixed_spans
// STAGED: tile.convert_layout {{.*}} -> tensor<64x32xbf16, #tile.shared<swizzle = 64>>
// STAGED: tile.convert_layout {{.*}} -> tensor<32x128xbf16, #tile.shared<swizzle = 128>>
// CHECK-LABEL: gpu.func @mixed_spans
// CHECK-DAG: arith.constant 137438953472 : i64
// CHECK-DAG: arith.constant -9223372036854775808 : i64
// CHECK-DAG: arith.constant 16777216 : i64
// CHECK-DAG: arith.constant 274877906944 : i64
// CHECK-DAG: arith.constant 4611686018427387904 : i64
// CHECK: nvvm.wgmma.mma_async {{.*}} B[<bf16>, <one>, <row>]
tile.kernel @mixed_spans(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                         %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                         %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x128xf32>
  %acc = scf.for %k = %c0 to %K step %c32 iter_args(%x = %init) -> (tensor<64x128xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<64x32xbf16>
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> tensor<32x128xbf16>
    %d = tile.dot %a, %b, %x : tensor<64x32xbf16>, tensor<32x128xbf16> -> tensor<64x128xf32>
    scf.yield %d : tensor<64x128xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<64x128xf32> -> memref<?x?xf32>
  tile.return
}
