// GEMM: C = A * B with A (M x K), B (K x N) and C (M x N), all row-major,
// bf16 operands and fp32 accumulation.
//
// One program computes one BLOCK_M x BLOCK_N block of C. Programs are ordered
// in groups of GROUP_M block rows so that neighbouring programs share panels of
// A and B in L2. Blocks at the edges read zeros past the ends of A and B (the
// loads pad) and write only the in-bounds part of C (the store clips), so any
// M, N and K work.

!a_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>

tile.kernel @gemm(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
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

  %init = tile.splat %zero : !acc
  %sum = scf.for %k0 = %c0 to %K step %bk iter_args(%acc = %init) -> (!acc) {
    %a = tile.load %A[%m0, %k0] : memref<?x?xbf16> -> !a_tile
    %b = tile.load %B[%k0, %n0] : memref<?x?xbf16> -> !b_tile
    %next = tile.dot %a, %b, %acc : !a_tile, !b_tile -> !acc
    scf.yield %next : !acc
  }
  %c = arith.truncf %sum : !acc to !c_tile
  tile.store %c, %C[%m0, %n0] : !c_tile -> memref<?x?xbf16>
  tile.return
}
