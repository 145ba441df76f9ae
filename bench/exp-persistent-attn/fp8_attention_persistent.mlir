// EXPERIMENT (issue 9, session 22): kernels/fp8_attention.mlir as a
// persistent program, written the way kernels/fp8_gemm_persistent.mlir is:
// PROGRAMS programs (one an SM) each walk the (query block, batch-head)
// tiles pid, pid + PROGRAMS, ... in ONE loop of (tile, key block)
// iterations, so that tile-pipeline-loads' ring loads the next tile's Q and
// first K / V blocks while this tile's last key blocks, its final division
// and its store of O run. The question it answers: how much of the ~3 key
// blocks' time a program spends outside the key loop (Q's load, the
// pipeline's fill and drain, O's store; bench/RESULTS.md, session 21) a
// persistent program wins back at D = 64.
//
// What it costs: Q is a load of the loop, so the ring stages it with K and
// V and reloads it every iteration (L2 hits: a tile's Q is the same block
// for all its key blocks); a conditional load is not something
// tile-pipeline-loads prefetches. The running max restarts at each tile's
// first key block (-inf); the sum and the accumulator then restart by
// themselves, since alpha = exp2(-inf - m) = 0 scales them to zero, which
// is what the first key block of kernels/fp8_attention.mlir does too.
// Causal runs correctly but visits every key block (the mask hides the
// ones above the diagonal): the (tile, key block) of an iteration must be
// a function of the iteration alone for the ring to compute the loads
// STAGES - 1 iterations ahead, and with causal trip counts it is not.
//
// Measured (H200, bench/RESULTS.md, session 22): 0.82-0.84x
// kernels/fp8_attention.mlir at D = 64 and 0.74-0.76x at D = 128 as first
// run; 0.89-0.92x at D = 64 once tile-invariant-divisions multiplied the
// loop's divisions. fp8_attention_persistent_carried.mlir (the rows
// carried) runs 0.91-0.94x; fp8_attention_qloop.mlir shows what Q's
// reload costs alone (2-3% at D = 64).

!q_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, D>>
!kv_tile  = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, D>>
!o_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, D>>
!o_acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, D>>
!s_tile   = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!p_tile   = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_N>>
!idx_tile = tensor<?x?xi32,  #tile.shape<BLOCK_M, BLOCK_N>>
!mask     = tensor<?x?xi1,   #tile.shape<BLOCK_M, BLOCK_N>>
!row      = tensor<?xf32,    #tile.shape<BLOCK_M>>

tile.kernel @fp8_attention_persistent(
    %Q: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %K: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %V: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %O: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %scale: f32, %causal: i32,
    %descale_q: f32, %descale_k: f32, %descale_v: f32)
    attributes {
      params = [#tile.param<"BLOCK_M", [256, 128, 192]>,
                #tile.param<"BLOCK_N", [128, 64]>,
                #tile.param<"WARPS", [16, 8, 12]>,
                #tile.param<"STAGES", [2, 3]>,
                #tile.param<"OVERLAP", [0]>,
                #tile.param<"PROGRAMS", [132]>],
      constraints = [
        // Q, K and V staged STAGES times, and the V^T buffers.
        #tile.expr<"(BLOCK_M * STAGES + 2 * BLOCK_N * STAGES + (2 + OVERLAP) * BLOCK_N) * D <= 227 * 1024">,
        #tile.expr<"BLOCK_M * (BLOCK_N + D) <= 192 * 32 * WARPS">,
        #tile.expr<"BLOCK_M * (BLOCK_N + D) + 1024 * WARPS <= 65536">,
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">,
        #tile.expr<"BLOCK_M <= 32 * WARPS">,
        #tile.expr<"BLOCK_M < 256 || WARPS == 16">],
      grid = [#tile.expr<"min(PROGRAMS, cdiv(S_Q, BLOCK_M) * B * H)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      overlap_carried_dots = #tile.expr<"OVERLAP">,
      reference = "attention"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %neg_inf = arith.constant 0xFF800000 : f32
  %log2e = arith.constant 1.44269504 : f32
  %B = tile.dim "B"
  %H = tile.dim "H"
  %S_Q = tile.dim "S_Q"
  %S_KV = tile.dim "S_KV"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"

  %pid = tile.program_id x
  %np = tile.num_programs x
  %num_m = arith.ceildivui %S_Q, %bm : index
  %bh_count = arith.muli %B, %H : index
  %tiles = arith.muli %num_m, %bh_count : index
  %num_kv = arith.ceildivui %S_KV, %bn : index
  %kv_last = arith.subi %num_kv, %c1 : index
  %left = arith.subi %tiles, %pid : index
  %mine = arith.ceildivui %left, %np : index
  %total = arith.muli %mine, %num_kv : index
  // An iteration's tile and key block in 32 bits (divisions by loop
  // invariants), as fp8_gemm_persistent's.
  %pid_32 = arith.index_cast %pid : index to i32
  %np_32 = arith.index_cast %np : index to i32
  %num_m_32 = arith.index_cast %num_m : index to i32
  %num_kv_32 = arith.index_cast %num_kv : index to i32
  %H_32 = arith.index_cast %H : index to i32
  %bm_32 = arith.index_cast %bm : index to i32
  %bn_32 = arith.index_cast %bn : index to i32

  // Scores in base 2, with the descales of Q and K folded in.
  %qk_descale = arith.mulf %descale_q, %descale_k : f32
  %qk_scale0 = arith.mulf %scale, %qk_descale : f32
  %qk_scale = arith.mulf %qk_scale0, %log2e : f32
  %qk_scale_t = tile.splat %qk_scale : !s_tile
  %qk_scale_r = tile.splat %qk_scale : !row

  %is_causal = arith.cmpi ne, %causal, %c0_i32 : i32
  %rows0 = tile.iota dim 0 : !idx_tile
  %cols0 = tile.iota dim 1 : !idx_tile
  %s_kv_i32 = arith.index_cast %S_KV : index to i32
  %s_kv_t = tile.splat %s_kv_i32 : !idx_tile
  %causal_t = tile.splat %is_causal : !mask
  %true = arith.constant true
  %true_t = tile.splat %true : !mask
  %neg_inf_t = tile.splat %neg_inf : !s_tile

  %m_init = tile.splat %neg_inf : !row
  %l_init = tile.splat %zero : !row
  %acc_init = tile.splat %zero : !o_acc
  %s_init = tile.splat %zero : !s_tile
  %dv = tile.splat %descale_v : !row

  %m_fin, %l_fin, %acc_fin, %kk_fin = scf.for %it = %c0 to %total step %c1
      iter_args(%m_i = %m_init, %l_i = %l_init, %acc = %acc_init, %kk = %c0)
      -> (!row, !row, !o_acc, index) {
    // Where iteration %it loads (only the loads read this: the ring
    // computes it STAGES - 1 iterations ahead).
    %it_32 = arith.index_cast %it : index to i32
    %t = arith.divui %it_32, %num_kv_32 : i32
    %tk = arith.muli %t, %num_kv_32 : i32
    %kb_32 = arith.subi %it_32, %tk : i32
    %tnp = arith.muli %t, %np_32 : i32
    %tile_id = arith.addi %pid_32, %tnp : i32
    // Query blocks fastest: a wave of programs shares a head's K and V.
    %bh_32 = arith.divui %tile_id, %num_m_32 : i32
    %bhm = arith.muli %bh_32, %num_m_32 : i32
    %m_32 = arith.subi %tile_id, %bhm : i32
    %b_32 = arith.divui %bh_32, %H_32 : i32
    %bH = arith.muli %b_32, %H_32 : i32
    %h_32 = arith.subi %bh_32, %bH : i32
    %q0_32 = arith.muli %m_32, %bm_32 : i32
    %n0_32 = arith.muli %kb_32, %bn_32 : i32
    %b = arith.index_cast %b_32 : i32 to index
    %h = arith.index_cast %h_32 : i32 to index
    %q0 = arith.index_cast %q0_32 : i32 to index
    %n0 = arith.index_cast %n0_32 : i32 to index
    %q = tile.load %Q[%b, %h, %q0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !q_tile
    %k = tile.load %K[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile
    %v = tile.load %V[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile

    %qk = tile.dot %q, %k, %s_init {transpose_rhs}
        : !q_tile, !kv_tile -> !s_tile

    // The softmax's key block and query rows, counted (%kk) rather than
    // divided, as every thread needs them.
    %first = arith.cmpi eq, %kk, %c0 : index
    %last = arith.cmpi eq, %kk, %kv_last : index
    %t_s = arith.divui %it_32, %num_kv_32 : i32
    %tnp_s = arith.muli %t_s, %np_32 : i32
    %tile_s2 = arith.addi %pid_32, %tnp_s : i32
    %bh_s = arith.divui %tile_s2, %num_m_32 : i32
    %bhm_s = arith.muli %bh_s, %num_m_32 : i32
    %m_s = arith.subi %tile_s2, %bhm_s : i32
    %q0_s = arith.muli %m_s, %bm_32 : i32
    %kk_32 = arith.index_cast %kk : index to i32
    %n0_s = arith.muli %kk_32, %bn_32 : i32
    %q0_t = tile.splat %q0_s : !idx_tile
    %rows = arith.addi %rows0, %q0_t : !idx_tile
    %n0_t = tile.splat %n0_s : !idx_tile
    %cols = arith.addi %cols0, %n0_t : !idx_tile
    %in_range = arith.cmpi slt, %cols, %s_kv_t : !idx_tile
    %after = arith.cmpi sgt, %cols, %rows : !idx_tile
    %hidden = arith.andi %after, %causal_t : !mask
    %shown = arith.xori %hidden, %true_t : !mask
    %keep = arith.andi %in_range, %shown : !mask
    %s = arith.select %keep, %qk, %neg_inf_t : !mask, !s_tile

    // Online softmax in fp32; the running max restarts at a tile's first
    // key block.
    %m_prev = arith.select %first, %m_init, %m_i : !row
    %m_raw = tile.reduce max %s dim 1 : !s_tile -> !row
    %m_blk = arith.mulf %m_raw, %qk_scale_r : !row
    %m_new = arith.maximumf %m_prev, %m_blk : !row
    %m_new_b = tile.broadcast %m_new dim 1 : !row -> !s_tile
    %s_scaled = arith.mulf %s, %qk_scale_t fastmath<contract> : !s_tile
    %s_shift = arith.subf %s_scaled, %m_new_b fastmath<contract> : !s_tile
    %p = math.exp2 %s_shift : !s_tile
    %m_diff = arith.subf %m_prev, %m_new : !row
    %alpha = math.exp2 %m_diff : !row
    %l_scaled = arith.mulf %l_i, %alpha : !row
    %l_blk = tile.reduce sum %p dim 1 : !s_tile -> !row
    %l_new = arith.addf %l_scaled, %l_blk : !row

    %alpha_b = tile.broadcast %alpha dim 1 : !row -> !o_acc
    %acc_scaled = arith.mulf %acc, %alpha_b : !o_acc
    %p8 = arith.truncf %p : !s_tile to !p_tile
    %acc_new = tile.dot %p8, %v, %acc_scaled : !p_tile, !kv_tile -> !o_acc

    scf.if %last {
      // O = acc * dv / l at the tile's origin.
      %b_e = arith.divui %bh_s, %H_32 : i32
      %bH_e = arith.muli %b_e, %H_32 : i32
      %h_e = arith.subi %bh_s, %bH_e : i32
      %b_o = arith.index_cast %b_e : i32 to index
      %h_o = arith.index_cast %h_e : i32 to index
      %q0_o = arith.index_cast %q0_s : i32 to index
      %inv_l = arith.divf %dv, %l_new : !row
      %inv_l_b = tile.broadcast %inv_l dim 1 : !row -> !o_acc
      %o = arith.mulf %acc_new, %inv_l_b : !o_acc
      %o8 = arith.truncf %o : !o_acc to !o_tile
      tile.store %o8, %O[%b_o, %h_o, %q0_o, %c0] : !o_tile -> memref<?x?x?x?xf8E4M3FN>
    }
    %kk_1 = arith.addi %kk, %c1 : index
    %kk_next = arith.select %last, %c0, %kk_1 : index
    scf.yield %m_new, %l_new, %acc_new, %kk_next : !row, !row, !o_acc, index
  }
  tile.return
}
