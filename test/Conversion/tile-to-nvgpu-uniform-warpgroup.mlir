// Which wgmma A operands take the warpgroup index broadcast from lane 0
// (gpu.shuffle idx: CUTLASS's canonical_warp_group_idx, warp-uniform to
// ptxas, which then keeps A's descriptors in uniform registers).
//
// fp8 attention's Q is loaded before the key loop, so its descriptors live
// across the loop: the index is made once, at the function's entry beside
// the thread id (a shuffle is convergent, so LLVM would not hoist one made
// at the dot out of the loop), and the dot in the loop offsets Q by it.
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=INVARIANT
// INVARIANT: gpu.func @fp8_attention
// INVARIANT: %[[TID:.*]] = gpu.thread_id  x
// INVARIANT: %[[TID32:.*]] = arith.index_castui %[[TID]] : index to i32
// INVARIANT: %[[WG:.*]] = arith.divui %[[TID32]], %c128_i32{{(_[0-9]+)?}} : i32
// INVARIANT: %[[BCAST:.*]], %{{.*}} = gpu.shuffle  idx %[[WG]], %c0_i32{{(_[0-9]+)?}}, %c32_i32{{(_[0-9]+)?}} : i32
// INVARIANT: %[[UWG:.*]] = arith.index_castui %[[BCAST]] : i32 to index
// INVARIANT-NOT: gpu.shuffle  idx
// INVARIANT: scf.for {{.*}} iter_args
// INVARIANT-NOT: gpu.shuffle  idx
// INVARIANT: arith.muli %[[UWG]], %c4096{{.*}} : index
// INVARIANT-NOT: gpu.shuffle  idx
// INVARIANT: gpu.return

// A GEMM's A comes from the ring, re-addressed each iteration (defined
// in the loop): it keeps tid / 128, whatever the element type (the
// broadcast cost fp8 GEMM 2% at 4096^3 on the H200; gemm_nt here is bf16).
// RUN: tile-opt %tile_src/kernels/gemm_nt.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=3},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=RING
// RING: gpu.func @gemm_nt
// RING-NOT: gpu.shuffle
// RING: scf.for {{.*}} iter_args
// RING-NOT: gpu.shuffle
// RING: %[[WG:.*]] = arith.divui %thread_id_x, %c128{{.*}} : index
// RING-NOT: gpu.shuffle
// RING: arith.muli %[[WG]], %c8192{{.*}} : index
// RING-NOT: gpu.shuffle
// RING: gpu.return

// The rotated fp8 attention computes its first Q·Kᵀ before the loop (in no
// loop: as invariant) and the others in it: both offset Q by the one
// broadcast index.
// RUN: tile-opt %tile_src/kernels/fp8_attention_overlap.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=ROTATED
// ROTATED: %[[BCAST:.*]], %{{.*}} = gpu.shuffle  idx
// ROTATED: %[[UWG:.*]] = arith.index_castui %[[BCAST]] : i32 to index
// ROTATED-NOT: scf.for {{.*}} iter_args
// ROTATED: arith.muli %[[UWG]], %c4096{{.*}} : index
// ROTATED: scf.for {{.*}} iter_args
// ROTATED: arith.muli %[[UWG]], %c4096{{.*}} : index
