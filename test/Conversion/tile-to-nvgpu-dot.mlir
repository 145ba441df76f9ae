// tile.dot op by op, unpipelined (tile-assign-layouts without
// tile-pipeline-loads): kernels/gemm_nt.mlir's operands are loaded in a
// blocked layout (16-byte loads), staged in dynamic shared memory as
// #tile.shared (the TMA 128-byte swizzle: barrier, one st.shared an
// element, fence.proxy.async, barrier), multiplied by the register
// lowering's tile.dot pattern (per 64-row slice, four m64n128k16 wgmma over
// K = 64 from the staged buffers' descriptors, then wait), and C goes from
// the wgmma accumulator layout (pairs of bf16) through a conversion to the
// blocked layout of 16-byte stores: its scratch (128 x 128 bf16, 32 KiB,
// the pairs written as vectors into rows whose 16-byte units are XORed
// with the row) reuses the staged buffers, dead after the loop. No TMA
// pipeline: 2 x 16 KiB + 1 KiB of alignment slack.
// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=128,WARPS=8},tile-assign-layouts))' | FileCheck %s --check-prefix=LAYOUTS
// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=128,WARPS=8},tile-assign-layouts),convert-tile-to-nvgpu)' | FileCheck %s
// kernels/gemm.mlir's B is K x N: staged MN-major (a 64 x 64 TMA box a
// 128-byte column chunk of N), read by wgmma transposed (B row-major).
// RUN: tile-opt %tile_src/kernels/gemm.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=128,WARPS=8},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=MN-MAJOR

// A residual added to the accumulator is loaded as 16-byte vectors and
// converted to the accumulator's layout (not loaded a column pair at a time).
// RUN: tile-opt %tile_src/kernels/gemm_epilogue.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=256,WARPS=8},tile-assign-layouts))' | FileCheck %s --check-prefix=RESIDUAL
// RESIDUAL-LABEL: tile.kernel @gemm_residual
// RESIDUAL: scf.yield
// RESIDUAL: %[[R:.*]] = tile.load {{.*}} -> tensor<128x256xbf16, #[[BLOCKED:tile.blocked<size_per_thread = \[1, 8\], threads_per_warp = \[1, 32\], warps = \[8, 1\], order = \[1, 0\]>]]>
// RESIDUAL: tile.convert_layout %[[R]] : tensor<128x256xbf16, #[[BLOCKED]]> -> tensor<128x256xbf16, #tile.wgmma_acc<warpgroups = 2>>
// RESIDUAL: tile.convert_layout {{.*}} : tensor<128x256xbf16, #tile.wgmma_acc<warpgroups = 2>> -> tensor<128x256xbf16, #[[BLOCKED]]>
// RESIDUAL: tile.store

// LAYOUTS: %[[A:.*]] = tile.load {{.*}} -> tensor<128x64xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [8, 1], order = [1, 0]>>
// LAYOUTS: %[[SA:.*]] = tile.convert_layout %[[A]] : {{.*}} -> tensor<128x64xbf16, #tile.shared<swizzle = 128>>
// LAYOUTS: tile.dot %[[SA]], {{.*}} {transpose_rhs} : tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>> -> tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 2>>
// LAYOUTS: %[[C:.*]] = arith.truncf {{.*}} to tensor<128x128xbf16, #tile.wgmma_acc<warpgroups = 2>>
// LAYOUTS: %[[CB:.*]] = tile.convert_layout %[[C]] : tensor<128x128xbf16, #tile.wgmma_acc<warpgroups = 2>> -> tensor<128x128xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [2, 16], warps = [8, 1], order = [1, 0]>>
// LAYOUTS: tile.store %[[CB]]

// CHECK: gpu.func @gemm_nt
// CHECK-NOT: workgroup(
// CHECK-SAME: shared_memory = 33792 : i64
// CHECK: gpu.dynamic_shared_memory
// CHECK: scf.for {{.*}} -> (vector<64xf32>)
// CHECK: vector.load {{.*}} vector<8xbf16>
// CHECK: memref.view
// CHECK-NEXT: gpu.barrier
// CHECK: memref.store {{.*}} : memref<8192xbf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <col>]
// CHECK-NEXT: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: scf.yield
// CHECK: %[[SCRATCH:.*]] = memref.view {{.*}} to memref<16384xbf16, #gpu.address_space<workgroup>>
// CHECK-NEXT: gpu.barrier
// CHECK: arith.xori
// CHECK: vector.store {{.*}}, %[[SCRATCH]][{{.*}}] {alignment = 4 : i64} : memref<16384xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK: gpu.barrier
// CHECK: vector.load %[[SCRATCH]][{{.*}}] {alignment = 16 : i64} : memref<16384xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: gpu.barrier
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: gpu.return

// MN-MAJOR: gpu.func @gemm
// MN-MAJOR-SAME: {arg = 0 : i64, box = array<i64: 128, 64>, kind = "tensormap", swizzle = 128 : i64}, {arg = 1 : i64, box = array<i64: 64, 64>, kind = "tensormap", swizzle = 128 : i64}
// MN-MAJOR: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<bf16>, <one>, <row>], B[<bf16>, <one>, <row>]

// Attention op by op: Q, K and V are staged like
// any dot operand (K and V piped through a TMA ring), the row max is a reduction of S's accumulator layout,
// and P, computed in that layout, is the register A of the second dot
// (wgmma's m64k16 A fragment is the accumulator's fragment of 16 columns):
// inline PTX, as upstream's nvvm.wgmma.mma_async takes A only from shared
// memory.
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts))' | FileCheck %s --check-prefix=ATTN-LAYOUTS
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s --check-prefix=ATTN-RING
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=ATTN
// K and V, 2-d tiles of (B, H, S, D) tensors, share one ring: TMA boxes
// of (1, 1, 128, 64), whose leading coordinates pick the head.
// ATTN-RING: tile.ring_alloc : <2, tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>>>
// ATTN-RING: tile.ring_put {{.*}} : {{.*}}, memref<?x?x?x?xbf16>
// ATTN-RING: tile.ring_put {{.*}} {member = 1 : i64} : {{.*}}, memref<?x?x?x?xbf16>
// ATTN-LAYOUTS: tile.dot {{.*}} {transpose_rhs} : tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>> -> tensor<128x128xf32, #tile.wgmma_acc<warpgroups = 2>>
// ATTN-LAYOUTS: tile.reduce max {{.*}} -> tensor<128xf32, #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 2>>>
// ATTN-LAYOUTS: tile.dot {{.*}} : tensor<128x128xbf16, #tile.wgmma_acc<warpgroups = 2>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>> -> tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 2>>
// ATTN: gpu.func @attention
// ATTN: nvgpu.tma.async.load {{.*}} : <tensor = memref<1x1x128x64xbf16, #gpu.address_space<workgroup>>
// ATTN-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>
// ATTN: gpu.shuffle  xor
// ATTN: llvm.bitcast {{.*}} : vector<2xbf16> to i32
// ATTN: nvvm.wgmma.fence.aligned
// ATTN-COUNT-8: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;{{.*}}"=f,{{.*}}r,r,r,r,l
// ATTN: nvvm.wgmma.commit.group.sync.aligned
