// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=64,WARPS=8,STAGES=2}),convert-tile-to-nvgpu)' | FileCheck %s
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=128,BLOCK_M=128,BLOCK_N=128,WARPS=4,STAGES=3}),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=D128

// The flash-attention kernel (two chained tile.dots) takes the attention
// lowering: Q, K and V become 4-d TMA descriptors with (1, 1, rows, 64) boxes,
// O stays a memref, the scalars stay scalars and the problem sizes follow.
// Dynamic shared memory is an external symbol (`.extern .shared` in PTX), so
// it starts after the static mbarriers (docs/design.md); the region is then
// realigned to 1024 bytes at run time.
// CHECK: gpu.module @tile_kernels
// CHECK-NEXT: llvm.mlir.global external @__tile_dynamic_shared_memory() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
// CHECK-LABEL: gpu.func @attention(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: memref<?x?x?x?xbf16>, %{{.*}}: f32, %{{.*}}: i32, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: {arg = 0 : i64, box = array<i64: 1, 1, 128, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 1 : i64, box = array<i64: 1, 1, 64, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 2 : i64, box = array<i64: 1, 1, 64, 64>, kind = "tensormap", swizzle = 128 : i64}
// CHECK-SAME: {arg = 3 : i64, kind = "memref"}, {arg = 4 : i64, kind = "scalar"}, {arg = 5 : i64, kind = "scalar"}
// CHECK-SAME: {arg = 0 : i64, kind = "size", symbol = "B"}

// CHECK: mbarrier.init
// CHECK: nvvm.fence.mbarrier.init

// Q is loaded once; the prologue puts K and V blocks in flight (coordinates
// innermost first: column, row, head, batch).
// CHECK: nvgpu.tma.async.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}], %{{.*}}[%{{.*}}] to %{{.*}} : <tensor = memref<1x1x128x64xbf16
// CHECK: scf.for
// CHECK: nvgpu.tma.async.load {{.*}}memref<1x1x64x64xbf16
// CHECK: nvgpu.tma.async.load {{.*}}memref<1x1x64x64xbf16
// CHECK: nvgpu.mbarrier.try_wait.parity

// The key loop carries m and l (2 rows a thread) and O's fragment (32 f32).
// CHECK: scf.for {{.*}} -> (f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)

// S = Q·Kᵀ: four k16 steps over D = 64, the first ignoring the input.
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <zero>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-COUNT-3: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 16>, D[<f32>, <one>]
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0

// The mask is computed only when it is not all true over the block.
// CHECK: scf.if %{{.*}} -> (f32,
// CHECK: } else {
// CHECK: arith.cmpi slt
// CHECK: arith.select

// Row max: a thread's elements, then the quad.
// CHECK: arith.maximumf
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"

// P·V with P from registers (four packed bf16 pairs) and V MN-major (trans-b).
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}{$32, $33, $34, $35}, $36, p, 1, 1, 1;
// CHECK-SAME: "=f,{{.*}},r,r,r,r,l,0,1,
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvgpu.mbarrier.arrive

// Epilogue: O / l through shared memory, 16-byte stores in bounds.
// CHECK: arith.divf
// CHECK: gpu.barrier
// CHECK: vector.store %{{.*}}, %{{.*}} : memref<128x64xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK: vector.load {{.*}} : memref<128x64xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: vector.store {{.*}} : memref<?x?x?x?xbf16>, vector<8xbf16>


// D = 128: two 64-column chunks per row, one warpgroup with two 64-row
// slices; m64n128 for S and m64n128 for P·V.
// D128: box = array<i64: 1, 1, 128, 64>
// D128-COUNT-2: nvgpu.tma.async.load {{.*}}memref<1x1x128x64xbf16
// D128: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <zero>]
// D128: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
