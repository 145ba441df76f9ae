// EXPERIMENT (issue 9, session 22): kernels/fp8_attention.mlir with Q's
// load moved into the key loop, so that the ring stages and reloads it every
// iteration as fp8_attention_persistent.mlir must: what the reload alone
// costs, with no persistence. Generated from kernels/fp8_attention.mlir of
// 78ca9e9 (the load moved, Q's term of the shared-memory bound times
// STAGES, the kernel renamed).

// fp8 flash-attention forward (the seed's fp8_attention):
// O = softmax(scale * (dq Q)(dk K)^T) (dv V) per batch and head, with Q, K,
// V in e4m3 (B, H, S, D) and per-tensor descale factors dq, dk, dv (the
// fp8 inputs times their descale are the real values). The online softmax
// is kernels/attention.mlir's, in fp32; P is quantised to e4m3 before P V,
// as FlashAttention-3's fp8 forward does, and O is written in e4m3
// (`--out-dtype bf16|f16|f32` for another type). `--dtype f8e5m2` runs it
// with e5m2 operands (P then e5m2 too).
//
// fp8 tensor cores read both operands K-major. For S = Q K^T that is how
// Q and K arrive (rows of D bytes); for P V it is V^T, and V arrives key-
// major: tile-assign-layouts stages each V block as loaded and converts it
// to #tile.shared<transposed = true, acc_order = true>, which the register
// lowering does in shared memory (byte transposes; the keys in the order in
// which P, rounded to fp8 in S's accumulator layout, is wgmma's register
// A: no shuffles), so callers pass V as (B, H, S, D) like every other
// attention kernel.
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

tile.kernel @fp8_attention_qloop(
    %Q: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %K: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %V: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %O: memref<?x?x?x?xf8E4M3FN> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %scale: f32, %causal: i32,
    %descale_q: f32, %descale_k: f32, %descale_v: f32)
    attributes {
      params = [// 256 with 16 warps (four warpgroups, four warps a
                // scheduler): the best at D = 64, S = 2048 / 4096 / 8192,
                // +7% / +5% / +1% over the best config with fewer warps
                // on the H200 (bench/RESULTS.md, session 19).
                #tile.param<"BLOCK_M", [128, 64, 192, 256]>,
                // 192: the best at D = 64, causal S = 8192 (192 x 192 /
                // 12 warps, though ptxas spills 80-104 bytes of it, stores
                // plus loads; session 19) and at D = 128 causal on the
                // H100 (128 x 192 / 8; session 17). 96 and
                // 160 never were (96 has no spills at 192 x 96 / 12,
                // D = 128, but runs 7-9% below 192 x 128 and its 48
                // spilled bytes; bench/RESULTS.md, session 17).
                #tile.param<"BLOCK_N", [128, 64, 256, 192]>,
                #tile.param<"WARPS", [8, 4, 12, 16]>,
                #tile.param<"STAGES", [2, 3]>,
                // P V(j) left in flight into iteration j + 1 (1), or waited
                // for at once (0): kernel attribute overlap_carried_dots.
                #tile.param<"OVERLAP", [0, 1]>,
                // Programs an SM (min_blocks_per_sm), as attention.mlir's:
                // two 128-row, 8-warp programs gained 3-7% causal at
                // D = 64, S = 2048 / 4096, and ran 1.5-18% slower at
                // every other shape tuned (each program transposes its own V
                // blocks, and at D = 128 registers leave two programs only
                // BLOCK_N = 64; bench/RESULTS.md, session 21).
                #tile.param<"MIN_BLOCKS", [1, 2]>],
      constraints = [
        // Q, STAGES blocks of K and V, and two blocks of V^T (the
        // transposed copy; three with OVERLAP) in shared memory.
        #tile.expr<"MIN_BLOCKS * (BLOCK_M * STAGES + 2 * BLOCK_N * STAGES + (2 + OVERLAP) * BLOCK_N) * D <= 227 * 1024">,
        // The fp32 score and output accumulators in registers: at most
        // 192 a thread (of 255), and with ~32 more a thread within the 64K
        // registers of an SM, which MIN_BLOCKS programs share (12 warps:
        // 168 a thread). This admits
        // BLOCK_M = 192, BLOCK_N = 128, 12 warps at D = 128, the fastest
        // config there on the H100 (14% over the best 8-warp one), though
        // ptxas 13.0 spills 52 bytes of it; larger tiles spill kilobytes
        // (bench/RESULTS.md, session 6).
        #tile.expr<"BLOCK_M * (BLOCK_N + D) <= 192 * 32 * WARPS">,
        #tile.expr<"MIN_BLOCKS * (BLOCK_M * (BLOCK_N + D) + 1024 * WARPS) <= 65536">,
        #tile.expr<"MIN_BLOCKS == 1 || BLOCK_M == 128 && WARPS == 8">,
        // Each warp owns 16 or 32 query rows (one or two 64-row slices per
        // warpgroup of 4 warps).
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">,
        #tile.expr<"BLOCK_M <= 32 * WARPS">,
        // 256 rows only with 16 warps: with 8 (two 64-row slices a
        // warpgroup, 186-255 registers) the best of them ran 0.80-0.92x
        // the best config at each of the ten shapes tuned (D = 64 and
        // 128, causal and not; session 19).
        #tile.expr<"BLOCK_M < 256 || WARPS == 16">],
      grid = [#tile.expr<"cdiv(S_Q, BLOCK_M)">, #tile.expr<"B * H">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      overlap_carried_dots = #tile.expr<"OVERLAP">,
      min_blocks_per_sm = #tile.expr<"MIN_BLOCKS">,
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

  %m_init = tile.splat %neg_inf : !row
  %l_init = tile.splat %zero : !row
  %acc_init = tile.splat %zero : !o_acc
  %s_init = tile.splat %zero : !s_tile

  %m_fin, %l_fin, %acc_fin = scf.for %n0 = %c0 to %kv_end step %bn
      iter_args(%m_i = %m_init, %l_i = %l_init, %acc = %acc_init)
      -> (!row, !row, !o_acc) {
    %q = tile.load %Q[%b, %h, %q0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !q_tile
    %k = tile.load %K[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile
    %v = tile.load %V[%b, %h, %n0, %c0] : memref<?x?x?x?xf8E4M3FN> -> !kv_tile

    %qk = tile.dot %q, %k, %s_init {transpose_rhs}
        : !q_tile, !kv_tile -> !s_tile

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

    // acc = acc * alpha + P V, with P in e4m3 (values in [0, 1]).
    %alpha_b = tile.broadcast %alpha dim 1 : !row -> !o_acc
    %acc_scaled = arith.mulf %acc, %alpha_b : !o_acc
    %p8 = arith.truncf %p : !s_tile to !p_tile
    %acc_new = tile.dot %p8, %v, %acc_scaled : !p_tile, !kv_tile -> !o_acc
    scf.yield %m_new, %l_new, %acc_new : !row, !row, !o_acc
  }

  // O = acc * dv / l.
  %dv = tile.splat %descale_v : !row
  %inv_l = arith.divf %dv, %l_fin : !row
  %inv_l_b = tile.broadcast %inv_l dim 1 : !row -> !o_acc
  %o = arith.mulf %acc_fin, %inv_l_b : !o_acc
  %o8 = arith.truncf %o : !o_acc to !o_tile
  tile.store %o8, %O[%b, %h, %q0, %c0] : !o_tile -> memref<?x?x?x?xf8E4M3FN>
  tile.return
}
