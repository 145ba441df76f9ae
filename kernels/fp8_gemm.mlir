// fp8 GEMM (the seed's fp8_gemm): C = scale_a * scale_b * (A * B^T) with A
// (M x K) e4m3 row-major, B stored N x K (B^T row-major: B "column-major", as
// cuBLASLt and the seed take it), fp32 accumulation and an f16 C.
// `--dtype f8e5m2` runs it with e5m2 operands, `--out-dtype bf16|f32` with
// another C.
//
// fp8 tensor cores read both operands K-major, which is why B is N x K: the
// load is B[%n0, %k0] and the dot has transpose_rhs. One program computes one
// BLOCK_M x BLOCK_N block of C, in groups of GROUP_M block rows (as
// kernels/gemm.mlir); BLOCK_K = 128 is one 128-byte shared-memory row of
// fp8. Edges read zeros past the ends of A and B and write only the
// in-bounds part of C, so any M, N, K work (TMA needs K % 16 == 0: each row
// of A and B must start 16-byte aligned).

!a_tile = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, BLOCK_K>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile = tensor<?x?xf16,  #tile.shape<BLOCK_M, BLOCK_N>>

tile.kernel @fp8_gemm(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                      %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<N, K>},
                      %C: memref<?x?xf16> {tile.shape = #tile.shape<M, N>},
                      %scale_a: f32, %scale_b: f32)
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_N", [256, 128]>,
                // 128-byte rows, the widest swizzle: K tiles of 64- and 32-byte rows
                // also compile, verify, and run slower (bench/RESULTS.md, session 12).
                #tile.param<"BLOCK_K", [128]>,
                #tile.param<"GROUP_M", [8, 16]>,
                #tile.param<"WARPS", [8, 4]>,
                #tile.param<"STAGES", [4, 3, 5]>],
      constraints = [
        // Operand stages must fit the 227 KiB of shared memory of an SM.
        #tile.expr<"(BLOCK_M + BLOCK_N) * BLOCK_K * STAGES <= 227 * 1024">,
        // The fp32 accumulator must fit in registers: at most 128 a thread.
        #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 32 * WARPS">,
        // Each warpgroup (4 warps) owns at least 64 rows of the block.
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "gemm"} {
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

  // The per-tensor scales, applied once to the accumulator.
  %scale = arith.mulf %scale_a, %scale_b : f32
  %scale_t = tile.splat %scale : !acc

  %init = tile.splat %zero : !acc
  %sum = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init) -> (!acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xf8E4M3FN> -> !a_tile
    %b = tile.load %B[%n0, %k0] : memref<?x?xf8E4M3FN> -> !b_tile
    %next = tile.dot %a, %b, %acc {transpose_rhs} : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %scaled = arith.mulf %sum, %scale_t : !acc
  %c = arith.truncf %scaled : !acc to !c_tile
  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xf16>
  tile.return
}
