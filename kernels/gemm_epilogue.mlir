// GEMM with a fused epilogue: C = f(A * B + ...) with A (M x K), B (K x N),
// C (M x N) row-major, bf16 operands, fp32 accumulation, bf16 output; the
// epilogue runs on the fp32 accumulator before the one rounding to bf16:
//
//   @gemm_bias_gelu   C = gelu(A B + bias), gelu in its tanh form
//                     0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as
//                     cuBLASLt's GELU epilogue and torch's
//                     gelu(approximate="tanh")
//   @gemm_bias_silu   C = silu(A B + bias) = x / (1 + exp(-x)), the
//                     division approximate (fastmath<afn>: div.approx.f32)
//   @gemm_residual    C = A B + R, R (M x N) bf16
//
// bias has N elements (one per column of C), loaded as a 1-d tile at the
// block's column offset and broadcast down its rows. The main loop is
// kernels/gemm.mlir's; tile-run --kernel picks the kernel.

!a_tile    = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile    = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!acc       = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile    = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>
!bias_tile = tensor<?xbf16,   #tile.shape<BLOCK_N>>
!bias_f32  = tensor<?xf32,    #tile.shape<BLOCK_N>>

tile.kernel @gemm_bias_gelu(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %Bias: memref<?xbf16> {tile.shape = #tile.shape<N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_N", [128, 256]>,
                // 128-byte rows, the widest swizzle: K tiles of 64- and 32-byte rows
                // also compile, verify, and run slower (bench/RESULTS.md, session 12).
                #tile.param<"BLOCK_K", [64]>,
                #tile.param<"GROUP_M", [8, 16]>,
                #tile.param<"WARPS", [8, 4]>,
                #tile.param<"STAGES", [4, 3, 5]>],
      constraints = [
        // Operand stages must fit the 227 KiB of shared memory of an SM.
        #tile.expr<"(BLOCK_M + BLOCK_N) * BLOCK_K * 2 * STAGES <= 227 * 1024">,
        // The fp32 accumulator must fit in registers: at most 128 a thread.
        #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 32 * WARPS">,
        // Each warpgroup (4 warps) owns at least 64 rows of the block.
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "gemm+bias+gelu"} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %M = tile.dim "M"
  %N = tile.dim "N"
  %K = tile.dim "K"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"
  %bk = tile.param "BLOCK_K"
  %group_m = tile.param "GROUP_M"

  // Grouped ordering: pid -> (pid_m, pid_n).
  %pid = tile.program_id x
  %num_m = arith.ceildivui %M, %bm : index
  %num_n = arith.ceildivui %N, %bn : index
  %in_group = arith.muli %group_m, %num_n : index
  %group = arith.divui %pid, %in_group : index
  %first_m = arith.muli %group, %group_m : index
  %rows_left = arith.subi %num_m, %first_m : index
  %group_size = arith.minui %rows_left, %group_m : index
  %pid_in_group = arith.remui %pid, %in_group : index
  %dm = arith.remui %pid_in_group, %group_size : index
  %pid_m = arith.addi %first_m, %dm : index
  %pid_n = arith.divui %pid_in_group, %group_size : index
  %m0 = arith.muli %pid_m, %bm : index
  %n0 = arith.muli %pid_n, %bn : index

  %init = tile.splat %zero : !acc
  %sum = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init) -> (!acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> !a_tile
    %b = tile.load %B[%k0, %n0] : memref<?x?xbf16> -> !b_tile
    %next = tile.dot %a, %b, %acc : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %bias = tile.load %Bias[%n0] : memref<?xbf16> -> !bias_tile
  %bias_f = arith.extf %bias : !bias_tile to !bias_f32
  %bias_b = tile.broadcast %bias_f dim 0 : !bias_f32 -> !acc
  %x = arith.addf %sum, %bias_b : !acc
  // gelu(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  %half = arith.constant 0.5 : f32
  %one = arith.constant 1.0 : f32
  %k0 = arith.constant 0.7978845608028654 : f32
  %k1 = arith.constant 0.044715 : f32
  %half_t = tile.splat %half : !acc
  %one_t = tile.splat %one : !acc
  %k0_t = tile.splat %k0 : !acc
  %k1_t = tile.splat %k1 : !acc
  %x2 = arith.mulf %x, %x : !acc
  %x3 = arith.mulf %x2, %x : !acc
  %cubic = arith.mulf %x3, %k1_t : !acc
  %inner = arith.addf %x, %cubic : !acc
  %arg = arith.mulf %inner, %k0_t : !acc
  %t = math.tanh %arg : !acc
  %one_plus = arith.addf %one_t, %t : !acc
  %half_x = arith.mulf %x, %half_t : !acc
  %y = arith.mulf %half_x, %one_plus : !acc
  %c = arith.truncf %y : !acc to !c_tile
  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xbf16>
  tile.return
}

tile.kernel @gemm_bias_silu(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %Bias: memref<?xbf16> {tile.shape = #tile.shape<N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_N", [128, 256]>,
                // 128-byte rows, the widest swizzle: K tiles of 64- and 32-byte rows
                // also compile, verify, and run slower (bench/RESULTS.md, session 12).
                #tile.param<"BLOCK_K", [64]>,
                #tile.param<"GROUP_M", [8, 16]>,
                #tile.param<"WARPS", [8, 4]>,
                #tile.param<"STAGES", [4, 3, 5]>],
      constraints = [
        // Operand stages must fit the 227 KiB of shared memory of an SM.
        #tile.expr<"(BLOCK_M + BLOCK_N) * BLOCK_K * 2 * STAGES <= 227 * 1024">,
        // The fp32 accumulator must fit in registers: at most 128 a thread.
        #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 32 * WARPS">,
        // Each warpgroup (4 warps) owns at least 64 rows of the block.
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "gemm+bias+silu"} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %M = tile.dim "M"
  %N = tile.dim "N"
  %K = tile.dim "K"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"
  %bk = tile.param "BLOCK_K"
  %group_m = tile.param "GROUP_M"

  // Grouped ordering: pid -> (pid_m, pid_n).
  %pid = tile.program_id x
  %num_m = arith.ceildivui %M, %bm : index
  %num_n = arith.ceildivui %N, %bn : index
  %in_group = arith.muli %group_m, %num_n : index
  %group = arith.divui %pid, %in_group : index
  %first_m = arith.muli %group, %group_m : index
  %rows_left = arith.subi %num_m, %first_m : index
  %group_size = arith.minui %rows_left, %group_m : index
  %pid_in_group = arith.remui %pid, %in_group : index
  %dm = arith.remui %pid_in_group, %group_size : index
  %pid_m = arith.addi %first_m, %dm : index
  %pid_n = arith.divui %pid_in_group, %group_size : index
  %m0 = arith.muli %pid_m, %bm : index
  %n0 = arith.muli %pid_n, %bn : index

  %init = tile.splat %zero : !acc
  %sum = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init) -> (!acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> !a_tile
    %b = tile.load %B[%k0, %n0] : memref<?x?xbf16> -> !b_tile
    %next = tile.dot %a, %b, %acc : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %bias = tile.load %Bias[%n0] : memref<?xbf16> -> !bias_tile
  %bias_f = arith.extf %bias : !bias_tile to !bias_f32
  %bias_b = tile.broadcast %bias_f dim 0 : !bias_f32 -> !acc
  %x = arith.addf %sum, %bias_b : !acc
  // silu(x) = x / (1 + exp(-x))
  %one = arith.constant 1.0 : f32
  %one_t = tile.splat %one : !acc
  %neg = arith.negf %x : !acc
  %e = math.exp %neg : !acc
  %den = arith.addf %one_t, %e : !acc
  %y = arith.divf %x, %den fastmath<afn> : !acc
  %c = arith.truncf %y : !acc to !c_tile
  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xbf16>
  tile.return
}

tile.kernel @gemm_residual(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %R: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>},
                  %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_N", [128, 256]>,
                // 128-byte rows, the widest swizzle: K tiles of 64- and 32-byte rows
                // also compile, verify, and run slower (bench/RESULTS.md, session 12).
                #tile.param<"BLOCK_K", [64]>,
                #tile.param<"GROUP_M", [8, 16]>,
                #tile.param<"WARPS", [8, 4]>,
                #tile.param<"STAGES", [4, 3, 5]>],
      constraints = [
        // Operand stages must fit the 227 KiB of shared memory of an SM.
        #tile.expr<"(BLOCK_M + BLOCK_N) * BLOCK_K * 2 * STAGES <= 227 * 1024">,
        // The fp32 accumulator must fit in registers: at most 128 a thread.
        #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 32 * WARPS">,
        // Each warpgroup (4 warps) owns at least 64 rows of the block.
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "gemm+residual"} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %M = tile.dim "M"
  %N = tile.dim "N"
  %K = tile.dim "K"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"
  %bk = tile.param "BLOCK_K"
  %group_m = tile.param "GROUP_M"

  // Grouped ordering: pid -> (pid_m, pid_n).
  %pid = tile.program_id x
  %num_m = arith.ceildivui %M, %bm : index
  %num_n = arith.ceildivui %N, %bn : index
  %in_group = arith.muli %group_m, %num_n : index
  %group = arith.divui %pid, %in_group : index
  %first_m = arith.muli %group, %group_m : index
  %rows_left = arith.subi %num_m, %first_m : index
  %group_size = arith.minui %rows_left, %group_m : index
  %pid_in_group = arith.remui %pid, %in_group : index
  %dm = arith.remui %pid_in_group, %group_size : index
  %pid_m = arith.addi %first_m, %dm : index
  %pid_n = arith.divui %pid_in_group, %group_size : index
  %m0 = arith.muli %pid_m, %bm : index
  %n0 = arith.muli %pid_n, %bn : index

  %init = tile.splat %zero : !acc
  %sum = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init) -> (!acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> !a_tile
    %b = tile.load %B[%k0, %n0] : memref<?x?xbf16> -> !b_tile
    %next = tile.dot %a, %b, %acc : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %r = tile.load %R[%m0, %n0] : memref<?x?xbf16> -> !c_tile
  %r_f = arith.extf %r : !c_tile to !acc
  %y = arith.addf %sum, %r_f : !acc
  %c = arith.truncf %y : !acc to !c_tile
  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xbf16>
  tile.return
}
