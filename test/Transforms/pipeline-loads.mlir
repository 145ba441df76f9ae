// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s
// RUN: tile-opt %s -split-input-file --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads))' | tile-opt -split-input-file -o /dev/null
// fp8 attention: V is transposed in shared memory right after its get;
// S = Q Kᵀ, which does not depend on it, is issued before it (async) and
// waited for right before its first reader, so that the transposition
// overlaps the tensor cores; the ring is released after that wait (an
// async dot reads until its wait).
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s --check-prefix=EARLY
// EARLY: scf.for
// EARLY: %[[KV:.*]]:2 = tile.ring_get
// EARLY-NEXT: %[[S:.*]] = tile.dot %{{.*}}, %[[KV]]#0, %{{.*}} {async, transpose_rhs}
// EARLY-NEXT: %[[VT:.*]] = tile.convert_layout %[[KV]]#1 {{.*}} transposed = true, acc_order = true
// EARLY: %[[SW:.*]] = tile.dot_wait %[[S]] {pending = 0 : i64}
// EARLY-NEXT: tile.ring_release
// EARLY-NEXT: arith.select %{{.*}}, %[[SW]]
// EARLY: tile.dot %{{.*}}, %[[VT]], %{{.*}} :
// EARLY-NOT: async
// EARLY: scf.yield

// With OVERLAP = 1 (the kernel attribute overlap_carried_dots), P V, which
// only the yield reads, is left in flight into the next iteration: async,
// yielded as it is, waited for (pending 0) right before the next
// iteration's rescale reads it — after S = Q Kᵀ's wait, which completes it
// already — and after the loop.
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2,OVERLAP=1},tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s --check-prefix=CARRY
// CARRY: %[[LOOP:.*]]:3 = scf.for {{.*}} iter_args({{.*}}, %[[O:[a-z0-9]+]] = %{{.*}})
// CARRY: tile.dot_wait %{{.*}} {pending = 0 : i64}
// CARRY: %[[OW:.*]] = tile.dot_wait %[[O]] {pending = 0 : i64}
// CARRY-NEXT: arith.mulf %[[OW]]
// CARRY: %[[PV:.*]] = tile.dot %{{.*}}, %{{.*}}, %{{.*}} {async}
// CARRY-NEXT: scf.yield %{{.*}}, %{{.*}}, %[[PV]]
// CARRY: tile.dot_wait %[[LOOP]]#2 {pending = 0 : i64}
// Without it (OVERLAP = 0, the EARLY run above) P V stays synchronous.

// A persistent GEMM (kernels/fp8_gemm_persistent.mlir): one loop over
// (block, k-step). Its loads' indices divide the induction variable by
// loop invariants (not speculatable, recomputed only for iterations that
// exist: under the puts' guard); the accumulator restarted by a select of
// zeros stays async (the lowering folds the select into scale-d); the
// epilogue under scf.if waits for every dot there, inside the if; the
// accumulator is stored from registers (no staging beside the ring).
// RUN: tile-opt %tile_src/kernels/fp8_gemm_persistent.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=128,BLOCK_N=256,BLOCK_K=128,WARPS=8,STAGES=4},tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s --check-prefix=PERSIST
// PERSIST: %[[RING:.*]] = tile.ring_alloc : <4,
// PERSIST: scf.for
// PERSIST: scf.if
// PERSIST: arith.divui
// PERSIST: tile.ring_put %[[RING]]
// PERSIST: scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[ZEROS:[^,]*]], %[[KK:.*]] = %{{.*}}) ->
// PERSIST: %[[FIRST:.*]] = arith.cmpi eq, %[[KK]], %{{.*}} : index
// PERSIST-NEXT: %[[ACC_IN:.*]] = arith.select %[[FIRST]], %[[ZEROS]], %[[ACC]]
// PERSIST-NEXT: %[[OPS:.*]]:2 = tile.ring_get %[[RING]]
// PERSIST-NEXT: %[[D:.*]] = tile.dot %[[OPS]]#0, %[[OPS]]#1, %[[ACC_IN]] {async, transpose_rhs}
// PERSIST-NEXT: %[[W:.*]] = tile.dot_wait %[[D]] {pending = 1 : i64}
// PERSIST: scf.if
// PERSIST: %[[DONE:.*]] = tile.dot_wait %[[W]] {pending = 0 : i64}
// PERSIST-NEXT: arith.mulf %[[DONE]]
// PERSIST-NEXT: arith.truncf
// PERSIST-NEXT: tile.store %{{.*}} : tensor<128x256xf16, #tile.wgmma_acc<warpgroups = 2>>
// PERSIST: tile.ring_release %[[RING]]
// PERSIST: scf.if
// PERSIST: arith.divui
// PERSIST: tile.ring_put %[[RING]]
// PERSIST: scf.yield %[[W]],
// PERSIST: tile.dot_wait %{{.*}}#0 {pending = 0 : i64}

// fp8 attention rotated by hand (kernels/fp8_attention_overlap.mlir): the
// loop's ring prologue goes above the first block's waits (V_last's get
// and transposition, S(0)); in the loop S(j) and P V(j-1) are both
// issued async, S(j)'s wait lets the younger P V run on (pending = 1)
// through the softmax, and P V is waited for before the next P, which
// replaces the registers it reads, is made.
// RUN: tile-opt %tile_src/kernels/fp8_attention_overlap.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=64,BLOCK_M=128,BLOCK_N=128,WARPS=8,STAGES=2},tile-assign-layouts,tile-pipeline-loads))' | FileCheck %s --check-prefix=ROTATED
// ROTATED: %[[RING:.*]] = tile.ring_alloc : <2,
// ROTATED: scf.for
// ROTATED: tile.ring_put %[[RING]]
// ROTATED: tile.ring_put %[[RING]]
// ROTATED: tile.ring_get
// ROTATED-NEXT: %[[VLAST:.*]] = tile.convert_layout {{.*}} transposed = true, acc_order = true
// ROTATED: %[[Q:.*]] = tile.ring_get
// ROTATED-NEXT: %[[K0:.*]] = tile.ring_get
// ROTATED-NEXT: tile.dot %[[Q]], %[[K0]], %{{.*}} {transpose_rhs}
// ROTATED: math.exp2
// ROTATED: scf.for
// ROTATED: %[[KV:.*]]:2 = tile.ring_get %[[RING]]
// ROTATED-NEXT: %[[S:.*]] = tile.dot %[[Q]], %[[KV]]#0, %{{.*}} {async, transpose_rhs}
// ROTATED-NEXT: %[[VT:.*]] = tile.convert_layout %[[KV]]#1
// ROTATED: %[[PV:.*]] = tile.dot %[[P:arg[0-9]+]], %[[VT]], %{{.*}} {async}
// ROTATED: tile.dot_wait %[[S]] {pending = 1 : i64}
// ROTATED-NEXT: tile.ring_release %[[RING]]
// ROTATED: math.exp2
// ROTATED: %[[O:.*]] = tile.dot_wait %[[PV]] {pending = 0 : i64}
// ROTATED-NEXT: %[[PNEXT:.*]] = arith.truncf
// ROTATED-NEXT: scf.yield %{{.*}}, %{{.*}}, %[[O]], %[[PNEXT]],
// ROTATED: tile.dot %{{.*}}#3, %[[VLAST]], %{{.*}} :
// tile-pipeline-loads: the dot operands of a K loop (tile.load -> staged in
// #tile.shared) become the members of a ring of num_stages buffers (one
// pair of barriers a buffer for both): num_stages - 1 loads
// issued before the loop, a get where each conversion was, a refill at the
// end of each iteration for the iteration num_stages - 1 ahead (guarded:
// none past the end), and, since the dot only accumulates into the
// loop-carried value, the dot runs async: waited for one iteration later
// (dot_wait pending 1), when the previous iteration's buffers are released,
// and once more after the loop (pending 0).

// CHECK-LABEL: tile.kernel @gemm
// CHECK: %[[R:[a-z0-9_]+]] = tile.ring_alloc : <3, tensor<128x64xbf16, #tile.shared<swizzle = 128>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: scf.for %[[J:[a-z0-9_]+]] = %c0{{.*}} to %c2 step %c1
// CHECK:   %[[JK:[a-z0-9_]+]] = arith.muli %[[J]], %c64
// CHECK:   %[[K0:[a-z0-9_]+]] = arith.addi %c0{{.*}}, %[[JK]]
// CHECK:   %[[IN:[a-z0-9_]+]] = arith.cmpi slt, %[[K0]], %[[K:[a-z0-9_]+]] : index
// CHECK:   scf.if %[[IN]]
// CHECK:     tile.ring_put %[[R]][%[[J]]], %arg0[%[[M0:[a-z0-9_]+]], %[[K0]]] :
// CHECK:     tile.ring_put %[[R]][%[[J]]], %arg1[%[[N0:[a-z0-9_]+]], %[[K0]]] {member = 1 : i64}
// CHECK: %[[SUM:[a-z0-9_]+]] = scf.for %[[IV:[a-z0-9_]+]] = %c0{{.*}} to %[[K]] step %c64 iter_args(%[[ACC:[a-z0-9_]+]] = {{.*}})
// CHECK:   %[[D:[a-z0-9_]+]] = arith.subi %[[IV]], %c0
// CHECK:   %[[I:[a-z0-9_]+]] = arith.divui %[[D]], %c64
// CHECK:   %[[AB:[a-z0-9_]+]]:2 = tile.ring_get %[[R]][%[[I]]]
// CHECK:   %[[P:[a-z0-9_]+]] = tile.dot %[[AB]]#0, %[[AB]]#1, %[[ACC]] {async, transpose_rhs}
// CHECK:   %[[W:[a-z0-9_]+]] = tile.dot_wait %[[P]] {pending = 1 : i64}
// CHECK:   %[[NOT_FIRST:[a-z0-9_]+]] = arith.cmpi uge, %[[I]], %c1{{.*}}
// CHECK:   scf.if %[[NOT_FIRST]]
// CHECK:     %[[PREV:[a-z0-9_]+]] = arith.subi %[[I]], %c1{{.*}}
// CHECK:     tile.ring_release %[[R]][%[[PREV]]]
// CHECK:   %[[NEXT:[a-z0-9_]+]] = arith.addi %[[I]], %c2
// CHECK:   %[[AHEAD:[a-z0-9_]+]] = arith.muli %c2{{.*}}, %c64
// CHECK:   %[[KN:[a-z0-9_]+]] = arith.addi %[[IV]], %[[AHEAD]]
// CHECK:   %[[MORE:[a-z0-9_]+]] = arith.cmpi slt, %[[KN]], %[[K]]
// CHECK:   scf.if %[[MORE]]
// CHECK:     tile.ring_put %[[R]][%[[NEXT]]], %arg0[%[[M0]], %[[KN]]] :
// CHECK:     tile.ring_put %[[R]][%[[NEXT]]], %arg1[%[[N0]], %[[KN]]] {member = 1 : i64}
// CHECK:   scf.yield %[[W]]
// CHECK: %[[DONE:[a-z0-9_]+]] = tile.dot_wait %[[SUM]] {pending = 0 : i64}
// CHECK: arith.truncf %[[DONE]]
tile.kernel @gemm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"cdiv(M, 128)">],
                num_warps = #tile.expr<"8">, num_stages = #tile.expr<"3">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %c128 : index
  %init = tile.splat %zero : tensor<128x128xf32>
  %sum = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %init) -> (tensor<128x128xf32>) {
    %a = tile.load %A[%m0, %k] : memref<?x?xbf16> -> tensor<128x64xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %a, %b, %acc {transpose_rhs} : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<128x128xf32>
    scf.yield %d : tensor<128x128xf32>
  }
  %c = arith.truncf %sum : tensor<128x128xf32> to tensor<128x128xbf16>
  tile.store %c, %C[%m0, %c0] : tensor<128x128xbf16> -> memref<?x?xbf16>
  tile.return
}

// -----

// The product is also read in the loop (not only accumulated): the dot
// stays synchronous and the buffers are released right after it, in the
// same iteration; so the refill (into the buffer the previous iteration
// released) comes first in the body, a whole iteration ahead. The load's
// column index is computed in the body from the induction variable: the
// refill recomputes it for its iteration.
// CHECK-LABEL: tile.kernel @sync_dot
// CHECK: %[[R:[a-z0-9_]+]] = tile.ring_alloc
// CHECK: scf.for %[[IV:[a-z0-9_]+]] = {{.*}} iter_args
// CHECK:   %[[I:[a-z0-9_]+]] = arith.divui
// CHECK:   %[[NEXT:[a-z0-9_]+]] = arith.addi %[[I]], %c1
// CHECK:   %[[NEXT_IV:[a-z0-9_]+]] = arith.addi %[[IV]], %{{.*}}
// CHECK:   scf.if
// CHECK:     %[[NEXT_COL:[a-z0-9_]+]] = arith.addi %[[NEXT_IV]], %c64
// CHECK:     tile.ring_put %[[R]][%[[NEXT]]], %arg0[%c0{{.*}}, %[[NEXT_COL]]]
// CHECK:   %[[COL:[a-z0-9_]+]] = arith.addi %[[IV]], %c64
// CHECK:   %[[AB:[a-z0-9_]+]]:2 = tile.ring_get %[[R]][%[[I]]]
// CHECK:   %[[P:[a-z0-9_]+]] = tile.dot %[[AB]]#0, %[[AB]]#1, {{.*}} {transpose_rhs}
// CHECK:   tile.ring_release %[[R]][%[[I]]]
// CHECK-NOT: tile.ring_put
// CHECK:   scf.yield
// CHECK-NOT: tile.dot_wait
tile.kernel @sync_dot(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                      %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">, num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x64xf32>
  %sum = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %init) -> (tensor<64x64xf32>) {
    %col = arith.addi %k, %c64 : index
    %a = tile.load %A[%c0, %col] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %p = tile.dot %a, %b, %acc {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %e = math.exp2 %p : tensor<64x64xf32>
    scf.yield %e : tensor<64x64xf32>
  }
  tile.store %sum, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// Left alone: a load whose index is loop-carried (known only in its own
// iteration), a source that is also read outside the loop (its TMA
// descriptor would replace the argument), and a loop inside another loop
// (a ring counts its loads once for the kernel).
// CHECK-LABEL: tile.kernel @not_pipelined
// CHECK-NOT: tile.ring
// CHECK: tile.return
tile.kernel @not_pipelined(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                           %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                           %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">, num_stages = #tile.expr<"3">} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x64xf32>
  %sum:2 = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %init, %row = %c0) -> (tensor<64x64xf32>, index) {
    %a = tile.load %A[%row, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %d = tile.dot %a, %b, %acc {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %next = arith.addi %row, %c1 : index
    scf.yield %d, %next : tensor<64x64xf32>, index
  }
  %b0 = tile.load %B[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %b0f = arith.extf %b0 : tensor<64x64xbf16> to tensor<64x64xf32>
  %s = arith.addf %sum#0, %b0f : tensor<64x64xf32>
  %outer = scf.for %r = %c0 to %c2 step %c1 iter_args(%o = %s) -> (tensor<64x64xf32>) {
    %inner = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %o) -> (tensor<64x64xf32>) {
      %a = tile.load %A[%r, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
      %b = tile.load %B[%r, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
      %d = tile.dot %a, %b, %acc {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      scf.yield %d : tensor<64x64xf32>
    }
    scf.yield %inner : tensor<64x64xf32>
  }
  tile.store %outer, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// One load feeding both operands (x·xᵀ) is staged once and piped as one
// member of the ring.
// CHECK-LABEL: tile.kernel @gram
// CHECK: %[[R:[a-z0-9_]+]] = tile.ring_alloc : <2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: %[[X:[a-z0-9_]+]] = tile.ring_get %[[R]]
// CHECK: tile.dot %[[X]], %[[X]], {{.*}} {async, transpose_rhs}
tile.kernel @gram(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, M>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">, num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x64xf32>
  %sum = scf.for %k = %c0 to %K step %c64 iter_args(%acc = %init) -> (tensor<64x64xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %d = tile.dot %a, %a, %acc {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  tile.store %sum, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// 12 warps: A (192 x 64) takes a blocked layout of all 12 warps down its
// rows; no blocked layout covers B (128 x 64), which tile-assign-layouts
// staged without one: the ring loads it by TMA, through no registers.
// CHECK-LABEL: tile.kernel @twelve_warps
// CHECK: tile.ring_alloc : <2, tensor<192x64xbf16, #tile.shared<swizzle = 128>>, tensor<128x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: tile.ring_put
// CHECK: tile.ring_put
// CHECK: scf.for
// CHECK: tile.ring_get
// CHECK-NOT: tile.load
// CHECK: tile.dot
tile.kernel @twelve_warps(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                          %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                          %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"12">, num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<192x128xf32>
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (tensor<192x128xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<192x64xbf16>
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> tensor<128x64xbf16>
    %d = tile.dot %a, %b, %x {transpose_rhs} : tensor<192x64xbf16>, tensor<128x64xbf16> -> tensor<192x128xf32>
    scf.yield %d : tensor<192x128xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<192x128xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// A staged load at the kernel's top level (attention's Q) becomes a ring of
// one buffer: put where the load was, got right before the loop that reads
// it, after the loop ring's prologue, so that both loads are in flight
// together. Nothing releases it.
// CHECK-LABEL: tile.kernel @load_once
// CHECK: %[[Q:[a-z0-9_]+]] = tile.ring_alloc : <1, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: %[[Z:[a-z0-9_]+]] = arith.constant 0 : index
// CHECK: tile.ring_put %[[Q]][%[[Z]]], %arg0[%[[M0:[a-z0-9_]+]], %c0{{.*}}]
// CHECK: %[[R:[a-z0-9_]+]] = tile.ring_alloc : <2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: scf.for
// CHECK:   tile.ring_put %[[R]]
// CHECK: %[[QT:[a-z0-9_]+]] = tile.ring_get %[[Q]][%[[Z]]]
// CHECK-NEXT: scf.for
// CHECK:   %[[K:[a-z0-9_]+]] = tile.ring_get %[[R]]
// CHECK:   tile.dot %[[QT]], %[[K]], {{.*}} {transpose_rhs}
// CHECK-NOT: tile.ring_release %[[Q]]
// CHECK: tile.return
tile.kernel @load_once(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>},
                       %K: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                       %C: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {params = [], grid = [#tile.expr<"1">],
                num_warps = #tile.expr<"4">, num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %N = tile.dim "N"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %c64 : index
  %q = tile.load %Q[%m0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %init = tile.splat %zero : tensor<64x64xf32>
  %sum = scf.for %n = %c0 to %N step %c64 iter_args(%acc = %init) -> (tensor<64x64xf32>) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %s = tile.dot %q, %k, %init {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %e = arith.addf %acc, %s : tensor<64x64xf32>
    scf.yield %e : tensor<64x64xf32>
  }
  tile.store %sum, %C[%m0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// A load converted straight to a transposed layout is left alone: TMA
// writes tiles untransposed (found by the lowering fuzzer: the ring type
// refused the tile and the pass aborted). The register lowering then
// reports the conversion.
// CHECK-LABEL: tile.kernel @load_transposed
// CHECK-NOT: tile.ring_alloc
// CHECK: tile.convert_layout %{{.*}} -> tensor<64x64xf8E4M3FN, #tile.shared<swizzle = 64, transposed = true>>
tile.kernel @load_transposed(%X: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<R, C>})
    attributes {params = [], grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">} {
  %c0 = arith.constant 0 : index
  %x = tile.load %X[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<64x64xf8E4M3FN, #tile.blocked<size_per_thread = [1, 16], threads_per_warp = [8, 4], warps = [4, 1], order = [1, 0]>>
  %s = tile.convert_layout %x : tensor<64x64xf8E4M3FN, #tile.blocked<size_per_thread = [1, 16], threads_per_warp = [8, 4], warps = [4, 1], order = [1, 0]>> -> tensor<64x64xf8E4M3FN, #tile.shared<swizzle = 64, transposed = true>>
  tile.return
}

// -----

// A dot with an operand made in the loop body (B staged from registers: its
// index is loop-carried, so no ring takes it) stays synchronous: async, it
// would read that operand's buffer into the next iteration, which rewrites
// it (found in review). (Only an index update lies between it and the
// yield: nothing to wait later for.)
// CHECK-LABEL: tile.kernel @carried_operand
// CHECK: scf.for
// CHECK: tile.ring_get
// CHECK: tile.dot
// CHECK-NOT: async
// CHECK: scf.yield
tile.kernel @carried_operand(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                    %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>},
                    %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<128x64xf32>
  %acc, %kb_end = scf.for %k = %c0 to %K step %c128 iter_args(%x = %init, %kb = %c0) -> (tensor<128x64xf32>, index) {
    %a = tile.load %A[%c0, %k] : memref<?x?xf8E4M3FN> -> tensor<128x128xf8E4M3FN>
    %b = tile.load %B[%kb, %c0] : memref<?x?xf8E4M3FN> -> tensor<128x64xf8E4M3FN>
    %d = tile.dot %a, %b, %x : tensor<128x128xf8E4M3FN>, tensor<128x64xf8E4M3FN> -> tensor<128x64xf32>
    %kb2 = arith.addi %kb, %c128 : index
    scf.yield %d, %kb2 : tensor<128x64xf32>, index
  }
  tile.store %acc, %C[%c0, %c0] : tensor<128x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// A loop-carried sum restarted by a select of zeros stays synchronous when
// its dot reads A from registers: wgmma's register-A form takes scale-d as
// an immediate, so the select is computed element by element and would
// read an accumulator still in flight (review of session 15).
// CHECK-LABEL: tile.kernel @restart_register_a
// CHECK: scf.for
// CHECK: arith.select
// CHECK-NEXT: tile.ring_get
// CHECK-NEXT: tile.dot
// CHECK-NOT: async
// CHECK-NOT: tile.dot_wait
// CHECK: scf.yield
!a_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!w_tile = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_K>>
!p_acc  = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>
tile.kernel @restart_register_a(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %W: memref<?x?xbf16> {tile.shape = #tile.shape<K, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128]>, #tile.param<"BLOCK_N", [128]>,
                #tile.param<"BLOCK_K", [64]>, #tile.param<"WARPS", [8]>,
                #tile.param<"STAGES", [3]>],
      grid = [#tile.expr<"cdiv(M, BLOCK_M)">],
      num_warps = #tile.expr<"WARPS">, num_stages = #tile.expr<"STAGES">} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %N = tile.dim "N"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %bm : index
  %a = tile.load %A[%m0, %c0] : memref<?x?xbf16> -> !a_tile
  %w = tile.load %W[%c0, %c0] : memref<?x?xbf16> -> !w_tile
  %pinit = tile.splat %zero : !p_acc
  %p32 = tile.dot %a, %w, %pinit : !a_tile, !w_tile -> !p_acc
  %p = arith.truncf %p32 : !p_acc to !a_tile
  %init = tile.splat %zero : !acc
  %nt = arith.ceildivui %N, %bn : index
  %sum = scf.for %i = %c0 to %nt step %c1 iter_args(%acc = %init) -> (!acc) {
    %n0 = arith.muli %i, %bn : index
    %b = tile.load %B[%c0, %n0] : memref<?x?xbf16> -> !b_tile
    %first = arith.cmpi eq, %i, %c0 : index
    %acc_in = arith.select %first, %init, %acc : !acc
    %next = tile.dot %p, %b, %acc_in : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %c = arith.truncf %sum : !acc to !c_tile
  tile.store %c, %C[%m0, %c0] : !c_tile -> memref<?x?xbf16>
  tile.return
}

// -----

// A dot whose result the loop yields twice stays synchronous: only one of
// the loop's results would be waited for after the loop (review of
// session 15).
// CHECK-LABEL: tile.kernel @yielded_twice
// CHECK: scf.for
// CHECK: tile.dot
// CHECK-NOT: async
// CHECK-NOT: tile.dot_wait
// CHECK: scf.yield %[[D:.*]], %[[D]] :
!a_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>
tile.kernel @yielded_twice(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128]>, #tile.param<"BLOCK_N", [128]>,
                #tile.param<"BLOCK_K", [64]>, #tile.param<"WARPS", [8]>,
                #tile.param<"STAGES", [3]>],
      grid = [#tile.expr<"cdiv(M, BLOCK_M)">],
      num_warps = #tile.expr<"WARPS">, num_stages = #tile.expr<"STAGES">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %bm = tile.param "BLOCK_M"
  %bk = tile.param "BLOCK_K"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %bm : index
  %init = tile.splat %zero : !acc
  %sum, %prev = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init, %p = %init) -> (!acc, !acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> !a_tile
    %b = tile.load %B[%k0, %c0] : memref<?x?xbf16> -> !b_tile
    %next = tile.dot %a, %b, %acc : !a_tile, !b_tile -> !acc
    scf.yield %next, %next : !acc, !acc
  }
  %c = arith.truncf %prev : !acc to !c_tile
  tile.store %c, %C[%m0, %c0] : !c_tile -> memref<?x?xbf16>
  tile.return
}

// -----

// overlap_carried_dots leaves a carried dot synchronous when it reads a
// ring's tile: the ring would release the buffer before the dot is done.
// (The accumulator, a product of the carried value, keeps the dot out of
// the GEMM rule that runs dots across iterations.)
// CHECK-LABEL: tile.kernel @carried_ring_operand
// CHECK: scf.for
// CHECK: tile.ring_get
// CHECK: tile.dot
// CHECK-NOT: async
// CHECK: scf.yield
// CHECK-NOT: tile.dot_wait
tile.kernel @carried_ring_operand(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                    %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                    %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">,
                overlap_carried_dots = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : tensor<64x64xf32>
  %halves = tile.splat %half : tensor<64x64xf32>
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (tensor<64x64xf32>) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %xs = arith.mulf %x, %halves : tensor<64x64xf32>
    %d = tile.dot %a, %b, %xs : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %d : tensor<64x64xf32>
  }
  tile.store %acc, %C[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// overlap_carried_dots on a minimal attention: P V (P in registers, V
// staged once before the loop) is carried into the next iteration and
// waited for before the rescale reads it, and after the loop.
// CHECK-LABEL: tile.kernel @carried_result
// CHECK: %[[LOOP:.*]] = scf.for {{.*}} iter_args(%[[O:.*]] = %{{.*}})
// CHECK: tile.ring_get
// CHECK: %[[OW:.*]] = tile.dot_wait %[[O]] {pending = 0 : i64}
// CHECK-NEXT: arith.mulf %[[OW]]
// CHECK-NEXT: %[[PV:.*]] = tile.dot {{.*}} {async}
// CHECK-NEXT: scf.yield %[[PV]]
// CHECK: tile.dot_wait %[[LOOP]] {pending = 0 : i64}
tile.kernel @carried_result(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>},
                    %K: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                    %V: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                    %O: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">,
                overlap_carried_dots = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %N = tile.dim "N"
  %q = tile.load %Q[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %v = tile.load %V[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %zeros = tile.splat %zero : tensor<64x64xf32>
  %halves = tile.splat %half : tensor<64x64xf32>
  %acc = scf.for %n = %c0 to %N step %c64 iter_args(%o = %zeros) -> (tensor<64x64xf32>) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %s = tile.dot %q, %k, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = arith.truncf %s : tensor<64x64xf32> to tensor<64x64xbf16>
    %os = arith.mulf %o, %halves : tensor<64x64xf32>
    %o2 = tile.dot %p, %v, %os : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %o2 : tensor<64x64xf32>
  }
  tile.store %acc, %O[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}

// -----

// The same with the loop's result unused: nothing after the loop would
// wait for the last iteration's P V, so it stays synchronous.
// CHECK-LABEL: tile.kernel @carried_unused
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK-NEXT: tile.dot
// CHECK-NOT: async
// CHECK: scf.yield
// CHECK-NOT: tile.dot_wait
// CHECK: tile.return
tile.kernel @carried_unused(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>},
                    %K: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                    %V: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">,
                overlap_carried_dots = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %N = tile.dim "N"
  %q = tile.load %Q[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %v = tile.load %V[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %zeros = tile.splat %zero : tensor<64x64xf32>
  %halves = tile.splat %half : tensor<64x64xf32>
  %acc = scf.for %n = %c0 to %N step %c64 iter_args(%o = %zeros) -> (tensor<64x64xf32>) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %s = tile.dot %q, %k, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = arith.truncf %s : tensor<64x64xf32> to tensor<64x64xbf16>
    %os = arith.mulf %o, %halves : tensor<64x64xf32>
    %o2 = tile.dot %p, %v, %os : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %o2 : tensor<64x64xf32>
  }
  tile.return
}

// -----

// The carried value read only inside an scf.if (the first block starts
// from zeros): the wait goes right before the if.
// CHECK-LABEL: tile.kernel @carried_in_if
// CHECK: scf.for {{.*}} iter_args(%[[O:.*]] = %{{.*}})
// CHECK: %[[OW:.*]] = tile.dot_wait %[[O]] {pending = 0 : i64}
// CHECK-NEXT: scf.if
// CHECK: arith.mulf %[[OW]]
// CHECK: tile.dot {{.*}} {async}
// CHECK-NEXT: scf.yield
tile.kernel @carried_in_if(%Q: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>},
                    %K: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                    %V: memref<?x?xbf16> {tile.shape = #tile.shape<N, D>},
                    %O: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">,
                overlap_carried_dots = #tile.expr<"1">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %half = arith.constant 0.5 : f32
  %N = tile.dim "N"
  %q = tile.load %Q[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %v = tile.load %V[%c0, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
  %zeros = tile.splat %zero : tensor<64x64xf32>
  %halves = tile.splat %half : tensor<64x64xf32>
  %acc = scf.for %n = %c0 to %N step %c64 iter_args(%o = %zeros) -> (tensor<64x64xf32>) {
    %k = tile.load %K[%n, %c0] : memref<?x?xbf16> -> tensor<64x64xbf16>
    %s = tile.dot %q, %k, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = arith.truncf %s : tensor<64x64xf32> to tensor<64x64xbf16>
    %first = arith.cmpi eq, %n, %c0 : index
    %os = scf.if %first -> (tensor<64x64xf32>) {
      scf.yield %zeros : tensor<64x64xf32>
    } else {
      %m = arith.mulf %o, %halves : tensor<64x64xf32>
      scf.yield %m : tensor<64x64xf32>
    }
    %o2 = tile.dot %p, %v, %os : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %o2 : tensor<64x64xf32>
  }
  tile.store %acc, %O[%c0, %c0] : tensor<64x64xf32> -> memref<?x?xf32>
  tile.return
}
