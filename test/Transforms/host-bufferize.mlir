// RUN: tile-opt %s --tile-host-bufferize | FileCheck %s

// Copies become linalg.copy (a memref.copy of a strided view would call the
// C runner utilities, which the JIT does not have), and a loop may yield a
// tile computed anew in each iteration.

// CHECK-LABEL: func.func @pad
func.func @pad(%m: memref<?x?xf32>, %n: index) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  // CHECK: %[[VIEW:.*]] = memref.subview
  %v = memref.subview %m[%n, %n] [%n, %n] [1, 1] : memref<?x?xf32> to memref<?x?xf32, strided<[?, 1], offset: ?>>
  %t = bufferization.to_tensor %v restrict : memref<?x?xf32, strided<[?, 1], offset: ?>> to tensor<?x?xf32>
  // CHECK: %[[BUF:.*]] = memref.alloc() {{.*}} : memref<8x8xf32>
  // CHECK: linalg.map
  // CHECK: %[[INNER:.*]] = memref.subview %[[BUF]]
  // CHECK: linalg.copy ins(%[[VIEW]] : {{.*}}) outs(%[[INNER]] : {{.*}})
  // CHECK-NOT: memref.copy
  %p = tensor.pad %t low[%c0, %c0] high[%n, %n] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<?x?xf32> to tensor<8x8xf32>
  // CHECK: scf.for {{.*}} -> (memref<8x8xf32>)
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %p) -> (tensor<8x8xf32>) {
    %e = tensor.empty() : tensor<8x8xf32>
    %f = linalg.add ins(%acc, %acc : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
    scf.yield %f : tensor<8x8xf32>
  }
  %x = tensor.extract %r[%c0, %c0] : tensor<8x8xf32>
  return %x : f32
}
