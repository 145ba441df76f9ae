// fp8 flash-attention forward, software-pipelined by hand: the program
// of kernels/fp8_attention.mlir (same arguments, result and reference)
// with its key loop rotated as FlashAttention-3's "intra-warpgroup
// overlap" is, so that the tensor cores work while the warps compute the
// softmax.
//
// EXPERIMENTAL, and slower on the H100 than kernels/fp8_attention.mlir:
// 0.94x at D = 64 and 0.78x at D = 128, best configs, S = 4096 / 8192
// (bench/RESULTS.md, session 14). Every config verifies and the mutants
// are caught. ptxas moves the P V wait up to the start of the softmax
// (no overlap; kept after it only with a block boundary, which measured
// no faster), and the loop carries more registers (186 vs 151 at
// 128 x 128 / 8 warps). Kept as the program that exercises a rotated
// loop: early dots with counted waits, a carried register-A operand, a
// peeled first block.
//
// Iteration j issues S(j) = Q K(j)^T, rescales O by the previous
// block's alpha and issues O += P(j-1) V(j-1), and computes the softmax of
// S(j) while P(j-1) V(j-1) is still running (tile-pipeline-loads issues
// each dot right after its operands and waits for it at its first reader,
// or before the next P replaces the P it reads: the wait for S(j) lets
// the younger P V go on), as FlashAttention-3's loop does. The first block's S and softmax are peeled before the loop, the
// last block's P V after it; the last V block is loaded before the loop
// so that its load and transposition are not exposed at the end. P(j-1)
// is carried from one iteration to the next in registers, in the layout
// in which wgmma reads an fp8 A (V staged acc_order, as in
// fp8_attention.mlir).
//
// The descales fold into the score scale (dq dk scale log2 e) and into the
// final division (dv / l), so they cost nothing per score.

!q_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, D>>
!kv_tile  = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, D>>
!o_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, D>>
!o_acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, D>>
!s_tile   = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!p_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_N>>
!idx_tile = tensor<?x?xi32,  #tile.shape<BLOCK_M, BLOCK_N>>
!mask     = tensor<?x?xi1,   #tile.shape<BLOCK_M, BLOCK_N>>
!row      = tensor<?xf32,    #tile.shape<BLOCK_M>>

tile.kernel @fp8_attention(
    %Q: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %K: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %V: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %O: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %scale: f32, %causal: i32,
    %descale_q: f32, %descale_k: f32, %descale_v: f32)
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 192]>,
                #tile.param<"BLOCK_N", [128, 64, 256]>,
                #tile.param<"WARPS", [8, 4, 12]>,
                #tile.param<"STAGES", [2, 3]>],
      constraints = [
        // Q, STAGES blocks of K and V, two blocks of V^T (the transposed
        // copy) and the last V block with its transposed copy in shared
        // memory.
        #tile.expr<"(BLOCK_M + 2 * BLOCK_N * STAGES + 4 * BLOCK_N) * D <= 227 * 1024">,
        // The fp32 score and output accumulators in registers: at most
        // 192 a thread (of 255), and with ~32 more a thread within the 64K
        // registers of a block (12 warps: 168 a thread). This admits
        // BLOCK_M = 192, BLOCK_N = 128, 12 warps at D = 128, the fastest
        // config there on the H100 (14% over the best 8-warp one), though
        // ptxas 13.0 spills 52 bytes of it; larger tiles spill kilobytes
        // (bench/RESULTS.md, session 6).
        #tile.expr<"BLOCK_M * (BLOCK_N + D) <= 192 * 32 * WARPS">,
        #tile.expr<"BLOCK_M * (BLOCK_N + D) + 1024 * WARPS <= 65536">,
        // Each warp owns 16 or 32 query rows (one or two 64-row slices per
        // warpgroup of 4 warps).
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">,
        #tile.expr<"BLOCK_M <= 32 * WARPS">],
      grid = [#tile.expr<"cdiv(S_Q, BLOCK_M)">, #tile.expr<"B * H">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      reference = "attention"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %neg_inf = arith.constant 0xFF800000 : f32
  %log2e = arith.constant 1.44269504 : f32
  %H = tile.dim "H"
  %S_KV = tile.dim "S_KV"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"

  // Query blocks in reverse order (the causal tail first).
  %pid_x = tile.program_id x
  %num_m = tile.num_programs x
  %last_m = arith.subi %num_m, %pid_x : index
  %pid_m = arith.subi %last_m, %c1 : index
  %bh = tile.program_id y
  %b = arith.divui %bh, %H : index
  %h = arith.remui %bh, %H : index
  %q0 = arith.muli %pid_m, %bm : index

  %q = tile.load %Q[%b, %h, %q0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !q_tile
  // Scores in base 2, with the descales of Q and K folded in.
  %qk_descale = arith.mulf %descale_q, %descale_k : f32
  %qk_scale0 = arith.mulf %scale, %qk_descale : f32
  %qk_scale = arith.mulf %qk_scale0, %log2e : f32
  %qk_scale_t = tile.splat %qk_scale : !s_tile
  %qk_scale_r = tile.splat %qk_scale : !row

  %is_causal = arith.cmpi ne, %causal, %c0_i32 : i32
  %q_end = arith.addi %q0, %bm : index
  %diag_end = arith.minui %q_end, %S_KV : index
  %kv_end = arith.select %is_causal, %diag_end, %S_KV : index

  %q0_i32 = arith.index_cast %q0 : index to i32
  %rows0 = tile.iota dim 0 : !idx_tile
  %q0_t = tile.splat %q0_i32 : !idx_tile
  %rows = arith.addi %rows0, %q0_t : !idx_tile
  %cols0 = tile.iota dim 1 : !idx_tile
  %s_kv_i32 = arith.index_cast %S_KV : index to i32
  %s_kv_t = tile.splat %s_kv_i32 : !idx_tile
  %causal_t = tile.splat %is_causal : !mask
  %true = arith.constant true
  %true_t = tile.splat %true : !mask
  %neg_inf_t = tile.splat %neg_inf : !s_tile

  %acc_init = tile.splat %zero : !o_acc
  %s_init = tile.splat %zero : !s_tile

  // Block 0's K, and the V of the last key block (the loop ends before
  // it), loaded now.
  %k_first = tile.load %K[%b, %h, %c0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile
  %bn_m1 = arith.subi %bn, %c1 : index
  %kv_up = arith.addi %kv_end, %bn_m1 : index
  %num_n = arith.divui %kv_up, %bn : index
  %last_blk = arith.subi %num_n, %c1 : index
  %last_n0 = arith.muli %last_blk, %bn : index
  %v_last = tile.load %V[%b, %h, %last_n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile


  // Block 0: S and its softmax (the running maximum starts at its own).
  %qk_first = tile.dot %q, %k_first, %s_init {transpose_rhs}
      : !q_tile, !kv_tile -> !s_tile
  %in_range0 = arith.cmpi slt, %cols0, %s_kv_t : !idx_tile
  %after0 = arith.cmpi sgt, %cols0, %rows : !idx_tile
  %hidden0 = arith.andi %after0, %causal_t : !mask
  %shown0 = arith.xori %hidden0, %true_t : !mask
  %keep0 = arith.andi %in_range0, %shown0 : !mask
  %s_first = arith.select %keep0, %qk_first, %neg_inf_t : !mask, !s_tile
  %m_raw0 = tile.reduce max %s_first dim 1 : !s_tile -> !row
  %m_first = arith.mulf %m_raw0, %qk_scale_r : !row
  %m_first_b = tile.broadcast %m_first dim 1 : !row -> !s_tile
  %s_scaled0 = arith.mulf %s_first, %qk_scale_t fastmath<contract> : !s_tile
  %s_shift0 = arith.subf %s_scaled0, %m_first_b fastmath<contract> : !s_tile
  %p_first = math.exp2 %s_shift0 : !s_tile
  %l_first = tile.reduce sum %p_first dim 1 : !s_tile -> !row
  %p8_first = arith.truncf %p_first : !s_tile to !p_tile

  // Iteration n0: S of block n0, P V of block n0 - BLOCK_N.
  %one = arith.constant 1.0 : f32
  %alpha_init = tile.splat %one : !row
  %m_fin, %l_fin, %acc_pre, %p8_last, %alpha_last = scf.for %n0 = %bn to %kv_end step %bn
      iter_args(%m_i = %m_first, %l_i = %l_first, %acc = %acc_init,
                %p8_prev = %p8_first, %alpha_prev = %alpha_init)
      -> (!row, !row, !o_acc, !p_tile, !row) {
    %n_prev = arith.subi %n0, %bn : index
    %k = tile.load %K[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile
    %v = tile.load %V[%b, %h, %n_prev, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile

    %qk = tile.dot %q, %k, %s_init {transpose_rhs}
        : !q_tile, !kv_tile -> !s_tile
    // acc scaled to the running maximum of block n0 - BLOCK_N (that
    // block's alpha, from the previous iteration), then its P V added.
    %alpha_prev_b = tile.broadcast %alpha_prev dim 1 : !row -> !o_acc
    %acc_prev = arith.mulf %acc, %alpha_prev_b : !o_acc
    %acc_pv = tile.dot %p8_prev, %v, %acc_prev : !p_tile, !kv_tile -> !o_acc

    %n0_i32 = arith.index_cast %n0 : index to i32
    %n0_t = tile.splat %n0_i32 : !idx_tile
    %cols = arith.addi %cols0, %n0_t : !idx_tile
    %in_range = arith.cmpi slt, %cols, %s_kv_t : !idx_tile
    %after = arith.cmpi sgt, %cols, %rows : !idx_tile
    %hidden = arith.andi %after, %causal_t : !mask
    %shown = arith.xori %hidden, %true_t : !mask
    %keep = arith.andi %in_range, %shown : !mask
    %s = arith.select %keep, %qk, %neg_inf_t : !mask, !s_tile

    // Online softmax in fp32.
    %m_raw = tile.reduce max %s dim 1 : !s_tile -> !row
    %m_blk = arith.mulf %m_raw, %qk_scale_r : !row
    %m_new = arith.maximumf %m_i, %m_blk : !row
    %m_new_b = tile.broadcast %m_new dim 1 : !row -> !s_tile
    %s_scaled = arith.mulf %s, %qk_scale_t fastmath<contract> : !s_tile
    %s_shift = arith.subf %s_scaled, %m_new_b fastmath<contract> : !s_tile
    %p = math.exp2 %s_shift : !s_tile
    %m_diff = arith.subf %m_i, %m_new : !row
    %alpha = math.exp2 %m_diff : !row
    %l_scaled = arith.mulf %l_i, %alpha : !row
    %l_blk = tile.reduce sum %p dim 1 : !s_tile -> !row
    %l_new = arith.addf %l_scaled, %l_blk : !row

    %p8 = arith.truncf %p : !s_tile to !p_tile
    scf.yield %m_new, %l_new, %acc_pv, %p8, %alpha
        : !row, !row, !o_acc, !p_tile, !row
  }
  %alpha_last_b = tile.broadcast %alpha_last dim 1 : !row -> !o_acc
  %acc_last = arith.mulf %acc_pre, %alpha_last_b : !o_acc
  %acc_fin = tile.dot %p8_last, %v_last, %acc_last : !p_tile, !kv_tile -> !o_acc

  // O = acc * dv / l.
  %dv = tile.splat %descale_v : !row
  %inv_l = arith.divf %dv, %l_fin : !row
  %inv_l_b = tile.broadcast %inv_l dim 1 : !row -> !o_acc
  %o = arith.mulf %acc_fin, %inv_l_b : !o_acc
  %o8 = arith.truncf %o : !o_acc to !o_tile
  tile.store %o8, %O[%b, %h, %q0, %c0] : !o_tile -> memref<?x?x?x?xf8E4M3FN>
  tile.return
}
