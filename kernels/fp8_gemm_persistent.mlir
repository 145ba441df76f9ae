// fp8 GEMM as a persistent kernel: kernels/fp8_gemm.mlir's product (A M x K
// e4m3 row-major, B stored N x K, fp32 accumulation, f16 C, per-tensor
// scales), with PROGRAMS programs (one an SM: 132 on the H100 SXM and the
// H200) that each walk the C blocks pid, pid + PROGRAMS, ... in one loop of
// (block, k-step) iterations. One loop and no nested one, so that
// tile-pipeline-loads' ring prefetches the next block's first k-steps
// while this block's last ones and its epilogue run: the epilogue (under
// scf.if at each block's last k-step) and the pipeline's fill no longer
// stand between the blocks of an SM. The accumulator restarts at each
// block's first k-step (arith.select of zeros, which the register lowering
// folds into wgmma's scale-d).
//
// EXPERIMENTAL (issue 9), and slower: 0.82x kernels/fp8_gemm.mlir at
// 4096³ and 0.84x at 8192³ on the H100 (bench/RESULTS.md, session 15). The
// same code with one block a program is as slow: what costs is not the
// persistence but the loop's loads arriving later than fp8_gemm's (its
// warps wait at the full barrier 27% of the samples against 11%), not yet
// explained (not the block order, the register scale-d or the epilogue's
// stores; the loads' divisions, which tile-invariant-divisions multiplies
// since session 22, were worth 2%: 0.85x / 0.87x on the H200). C stored
// through shared memory instead runs the same 3-stage config 1.14x / 1.05x
// faster but leaves no room for the 4th stage, which is worth more
// (session 22: bench/exp-gemm-staged-c/).
// Verified at awkward shapes and in bf16; two mutants in
// test/mutants. The accumulator is stored from registers (no staging
// buffer beside the ring: tile-assign-layouts), so 4 stages of 128 x 256
// fit.

!a_tile = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_K>>
!b_tile = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, BLOCK_K>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!c_tile = tensor<?x?xf16,  #tile.shape<BLOCK_M, BLOCK_N>>

tile.kernel @fp8_gemm_persistent(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                                 %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<N, K>},
                                 %C: memref<?x?xf16> {tile.shape = #tile.shape<M, N>},
                                 %scale_a: f32, %scale_b: f32)
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_N", [256, 128]>,
                #tile.param<"BLOCK_K", [128, 64]>,
                #tile.param<"WARPS", [8, 4]>,
                #tile.param<"STAGES", [4, 3, 5, 6]>,
                #tile.param<"PROGRAMS", [132]>],
      constraints = [
        // Operand stages must fit the 227 KiB of shared memory of an SM
        // (the epilogue stores C from registers: tile-assign-layouts
        // stages no accumulator stored in a loop).
        #tile.expr<"(BLOCK_M + BLOCK_N) * BLOCK_K * STAGES <= 227 * 1024">,
        // The fp32 accumulator in registers: at most 128 a thread.
        #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 32 * WARPS">,
        // Each warpgroup (4 warps) owns at least 64 rows of the block.
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"min(PROGRAMS, cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N))">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "gemm"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %M = tile.dim "M"
  %N = tile.dim "N"
  %K = tile.dim "K"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"
  %bk = tile.param "BLOCK_K"

  %pid = tile.program_id x
  %np = tile.num_programs x
  %num_m = arith.ceildivui %M, %bm : index
  %num_n = arith.ceildivui %N, %bn : index
  %tiles = arith.muli %num_m, %num_n : index
  %k_iters = arith.ceildivui %K, %bk : index
  %k_last = arith.subi %k_iters, %c1 : index
  %left = arith.subi %tiles, %pid : index
  %mine = arith.ceildivui %left, %np : index
  %total = arith.muli %mine, %k_iters : index
  // The block and k-step of an iteration in 32 bits (two divisions an
  // iteration, by loop invariants; 64-bit ones cost a branch and a call
  // each): tile-pipeline-loads recomputes them for the load STAGES - 1
  // iterations ahead.
  %pid_32 = arith.index_cast %pid : index to i32
  %np_32 = arith.index_cast %np : index to i32
  %num_m_32 = arith.index_cast %num_m : index to i32
  %k_iters_32 = arith.index_cast %k_iters : index to i32

  %scale = arith.mulf %scale_a, %scale_b : f32
  %scale_t = tile.splat %scale : !acc
  %init = tile.splat %zero : !acc
  %sum, %kk_end = scf.for %it = %c0 to %total step %c1
      iter_args(%acc = %init, %kk = %c0) -> (!acc, index) {
    // Where iteration %it loads: only the loads read this, so after
    // tile-pipeline-loads only the thread that issues the loads computes
    // it, STAGES - 1 iterations ahead.
    %it_32 = arith.index_cast %it : index to i32
    %t = arith.divui %it_32, %k_iters_32 : i32
    %tk = arith.muli %t, %k_iters_32 : i32
    %kk_32 = arith.subi %it_32, %tk : i32
    %tnp = arith.muli %t, %np_32 : i32
    %tile_id = arith.addi %pid_32, %tnp : i32
    // Blocks in column-major order: a wave of programs shares B's blocks.
    %pid_n_32 = arith.divui %tile_id, %num_m_32 : i32
    %pn_m = arith.muli %pid_n_32, %num_m_32 : i32
    %pid_m_32 = arith.subi %tile_id, %pn_m : i32
    %pid_m = arith.index_cast %pid_m_32 : i32 to index
    %pid_n = arith.index_cast %pid_n_32 : i32 to index
    %kk_load = arith.index_cast %kk_32 : i32 to index
    %m0 = arith.muli %pid_m, %bm : index
    %n0 = arith.muli %pid_n, %bn : index
    %k0 = arith.muli %kk_load, %bk : index
    %a = tile.load %A[%m0, %k0] : memref<?x?xf8E4M3FN> -> !a_tile
    %b = tile.load %B[%n0, %k0] : memref<?x?xf8E4M3FN> -> !b_tile
    // The k-step the products need, counted (%kk) rather than divided:
    // every thread waits for it before the dot.
    %first = arith.cmpi eq, %kk, %c0 : index
    %acc_in = arith.select %first, %init, %acc : !acc
    %next = tile.dot %a, %b, %acc_in {transpose_rhs} : !a_tile, !b_tile -> !acc
    %last = arith.cmpi eq, %kk, %k_last : index
    scf.if %last {
      // The block's origin again, once a block.
      %e_t = arith.divui %it_32, %k_iters_32 : i32
      %e_tnp = arith.muli %e_t, %np_32 : i32
      %e_tile = arith.addi %pid_32, %e_tnp : i32
      %e_pid_n_32 = arith.divui %e_tile, %num_m_32 : i32
      %e_pn_m = arith.muli %e_pid_n_32, %num_m_32 : i32
      %e_pid_m_32 = arith.subi %e_tile, %e_pn_m : i32
      %e_pid_m = arith.index_cast %e_pid_m_32 : i32 to index
      %e_pid_n = arith.index_cast %e_pid_n_32 : i32 to index
      %e_m0 = arith.muli %e_pid_m, %bm : index
      %e_n0 = arith.muli %e_pid_n, %bn : index
      %scaled = arith.mulf %next, %scale_t : !acc
      %c = arith.truncf %scaled : !acc to !c_tile
      tile.store %c, %C[%e_m0, %e_n0] : !c_tile -> memref<?x?xf16>
    }
    %kk_1 = arith.addi %kk, %c1 : index
    %kk_next = arith.select %last, %c0, %kk_1 : index
    scf.yield %next, %kk_next : !acc, index
  }
  tile.return
}
