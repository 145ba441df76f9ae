// kernels/transpose.mlir on the register lowering: tile.transpose moves
// nothing (the thread's vector is used as is); the tile.convert_layout that
// tile-assign-layouts put before the store goes through a static
// shared-memory scratch (rows padded to an odd number of 32-bit words: 64
// bf16 + 2 = 33 words): every thread writes its 32 elements, a barrier,
// reads its 32, a barrier; load and store move 16 bytes a thread.
// RUN: tile-opt %tile_src/kernels/transpose.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_R=64,BLOCK_C=64,WARPS=4},tile-assign-layouts),convert-tile-to-nvgpu)' | FileCheck %s
// The planted bug of the mutation test: the conversion moves nothing.
// RUN: tile-opt %tile_src/kernels/transpose.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_R=64,BLOCK_C=64,WARPS=4},tile-assign-layouts),convert-tile-to-nvgpu{test-mutation=convert-as-identity})' | FileCheck %s --check-prefix=IDENTITY

// CHECK: gpu.func @transpose{{.*}} workgroup(%[[SCRATCH:.*]] : memref<4224xbf16, #gpu.address_space<workgroup>>)
// CHECK: vector.load {{.*}} : memref<?x?xbf16>, vector<8xbf16>
// CHECK-NOT: gpu.barrier
// CHECK-COUNT-32: memref.store {{.*}}, %[[SCRATCH]][{{.*}}] : memref<4224xbf16, #gpu.address_space<workgroup>>
// CHECK-NEXT: gpu.barrier
// CHECK-COUNT-32: memref.load %[[SCRATCH]]
// CHECK-NEXT: gpu.barrier
// CHECK: vector.store {{.*}} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: gpu.return

// IDENTITY-NOT: gpu.barrier
// IDENTITY: gpu.return
