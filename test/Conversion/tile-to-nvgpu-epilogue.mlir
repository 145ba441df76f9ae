// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s

// A GEMM's epilogue is ordinary ops on the accumulator's layout
// (#tile.wgmma_acc): each thread's 128 elements of the 128 x 128 tile (4
// warps) are one vector<128xf32>. A splat made before the loop becomes a
// vector.broadcast of its scalar, elementwise ops the same ops on those
// vectors; the store goes through a layout conversion (shared memory) to
// 16-byte stores: 4 f32 a thread, row-contiguous.

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @bias(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>},
                  %alpha: f32)
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %scale = tile.splat %alpha : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %scaled = arith.mulf %acc, %scale : !c
  %relu = arith.maximumf %scaled, %init : !c
  tile.store %relu, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// CHECK: gpu.func @bias(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[C:.*]]: memref<?x?xf32>, %[[ALPHA:[^:]*]]: f32,
// CHECK-DAG: %[[ZERO:.*]] = vector.broadcast %{{.*}} : f32 to vector<128xf32>
// CHECK-DAG: %[[S:.*]] = vector.broadcast %[[ALPHA]] : f32 to vector<128xf32>
// CHECK: scf.for
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK: %[[M:.*]] = arith.mulf %{{.*}}, %[[S]] : vector<128xf32>
// CHECK: %[[R:.*]] = arith.maximumf %[[M]], %[[ZERO]] : vector<128xf32>
// CHECK: gpu.barrier
// CHECK: vector.store %{{.*}}, %[[C]][{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<4xf32>

// A bias (a 1-d tile broadcast down the rows), a residual and math.tanh.
// The bias is laid out as a slice of the accumulator layout: each thread
// loads the column pairs it holds (16 of 4 bytes), and the broadcast is
// nothing. The residual is loaded as 16-byte row vectors (in bounds, else
// element by element) and converted to the accumulator's layout. tanh is
// computed from the SFU's ex2, one for each of the thread's 128 elements.

!bias = tensor<128xbf16>
!biasf = tensor<128xf32>
!o = tensor<128x128xbf16>
// CHECK-LABEL: gpu.func @bias_tanh_residual(
tile.kernel @bias_tanh_residual(
    %A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
    %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
    %Bias: memref<?xbf16> {tile.shape = #tile.shape<N>},
    %R: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>},
    %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
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
  %bias = tile.load %Bias[%c128] : memref<?xbf16> -> !bias
  %bias_f = arith.extf %bias : !bias to !biasf
  %bias_b = tile.broadcast %bias_f dim 0 : !biasf -> !c
  %y = arith.addf %acc, %bias_b : !c
  %t = math.tanh %y : !c
  %r = tile.load %R[%c0, %c128] : memref<?x?xbf16> -> !o
  %r_f = arith.extf %r : !o to !c
  %s = arith.addf %t, %r_f : !c
  %out = arith.truncf %s : !c to !o
  tile.store %out, %C[%c0, %c128] : !o -> memref<?x?xbf16>
  tile.return
}
// CHECK-SAME: %[[BIAS:[^:]*]]: memref<?xbf16>, %[[RES:[^:]*]]: memref<?x?xbf16>, %[[OUT:[^:]*]]: memref<?x?xbf16>
// CHECK: "wgmma.wait_group.sync.aligned 0;"
// CHECK-COUNT-16: vector.load %[[BIAS]][%{{.*}}] {alignment = 4 : i64} : memref<?xbf16>, vector<2xbf16>
// CHECK: %[[BF:.*]] = arith.extf %{{.*}} : vector<32xbf16> to vector<32xf32>
// CHECK: arith.addf %{{.*}} : vector<128xf32>
// CHECK-COUNT-128: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: vector.load %[[RES]][%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: gpu.barrier
// CHECK: arith.extf %{{.*}} : vector<128xbf16> to vector<128xf32>
// CHECK: arith.truncf %{{.*}} : vector<128xf32> to vector<128xbf16>
// CHECK: vector.store %{{.*}}, %[[OUT]][{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
