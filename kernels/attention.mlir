// Flash-attention forward: O = softmax(scale * Q K^T) V, per batch and head,
// with the online softmax of FlashAttention (and of the seed's Helion kernel).
//
// Q and O are (B, H, S_Q, D), K and V are (B, H, S_KV, D), contiguous, bf16.
// One program computes BLOCK_M query rows of one (batch, head): it streams
// K and V in blocks of BLOCK_N rows, keeps the running row maximum m and row
// sum l in fp32, rescales the fp32 accumulator when the maximum grows, and
// divides by l at the end. Scores are kept in base 2: exp(x) = exp2(x*log2 e),
// with log2 e folded into the scale. The row maximum is taken on the raw
// scores and scaled afterwards (so %scale must be positive, as softmax scales
// are), which lets scale * s - m be one fused multiply-add per score
// (fastmath<contract>).
//
// %causal != 0 masks key j > query i (top-left aligned, as torch's
// is_causal); the key loop then stops at the diagonal. Keys past S_KV (the
// zero-padded tail of the last block) are masked too, so S_Q and S_KV need
// not be multiples of the block sizes.

!q_tile   = tensor<?x?xbf16, #tile.shape<BLOCK_M, D>>
!kv_tile  = tensor<?x?xbf16, #tile.shape<BLOCK_N, D>>
!o_acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, D>>
!s_tile   = tensor<?x?xf32,  #tile.shape<BLOCK_M, BLOCK_N>>
!p_tile   = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>
!idx_tile = tensor<?x?xi32,  #tile.shape<BLOCK_M, BLOCK_N>>
!mask     = tensor<?x?xi1,   #tile.shape<BLOCK_M, BLOCK_N>>
!row      = tensor<?xf32,    #tile.shape<BLOCK_M>>

tile.kernel @attention(
    %Q: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %K: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %V: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S_KV, D>},
    %O: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S_Q, D>},
    %scale: f32, %causal: i32)
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 192, 256]>,
                #tile.param<"BLOCK_N", [128, 64, 32]>,
                #tile.param<"WARPS", [8, 4, 12, 16]>,
                #tile.param<"STAGES", [2, 3]>,
                // Programs an SM (min_blocks_per_sm): 2 splits the SM's
                // registers and shared memory between two 8-warp programs.
                // Causal, where programs are short and uneven and a second
                // one fills in behind one that ends, it gained 3-6% at
                // D = 64, S = 2048 / 4096 and 6-11% at D = 128; non-causal
                // up to 5% at D = 128 and within 2% at D = 64, S <= 4096;
                // at D = 64, S = 8192 it ran up to 5% slower, causal or not
                // (bench/RESULTS.md, session 21).
                #tile.param<"MIN_BLOCKS", [1, 2]>],
      constraints = [
        // Q, and STAGES blocks of K and V, in shared memory (each of
        // MIN_BLOCKS programs). Two programs need 2 x (their bytes, ~1 KiB
        // of barriers, 1 KiB the SM reserves) <= 228 KiB, which this bound
        // does not check: every 2-program config admitted fits (the
        // largest, 128 x 128 / 8 / 3 stages at D = 64, exactly).
        #tile.expr<"MIN_BLOCKS * (BLOCK_M + 2 * BLOCK_N * STAGES) * D * 2 <= 227 * 1024">,
        // Each warp owns 16 or 32 query rows (one or two 64-row slices per
        // warpgroup of 4 warps).
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">,
        #tile.expr<"BLOCK_M <= 32 * WARPS">,
        // The fp32 score and output accumulators within the 64K registers
        // of an SM, with ~32 a thread more: prunes 256 x 128 / 16 at
        // D = 128 (ptxas spills 1860 bytes of it).
        #tile.expr<"MIN_BLOCKS * (BLOCK_M * (BLOCK_N + D) + 1024 * WARPS) <= 65536">,
        // Two programs an SM only as two 128-row, 8-warp ones (the shape
        // of the gains; others ran slower, session 21).
        #tile.expr<"MIN_BLOCKS == 1 || BLOCK_M == 128 && WARPS == 8">,
        // 256 rows with 16 warps (four warpgroups, one 16-row slice a
        // warp): 256 x 128 / 16 / 2 stages ran 500 TFLOP/s at D = 64,
        // S = 4096 and 8192, +4% over the best config with fewer warps
        // (bench/RESULTS.md, session 20); with 8 warps (two slices a
        // warpgroup) they are not tried, as fp8_attention.mlir measured.
        #tile.expr<"BLOCK_M < 256 || WARPS == 16">],
      grid = [#tile.expr<"cdiv(S_Q, BLOCK_M)">, #tile.expr<"B * H">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">,
      min_blocks_per_sm = #tile.expr<"MIN_BLOCKS">,
      reference = "attention"} {
  %c0 = arith.constant 0 : index
  %c0_i32 = arith.constant 0 : i32
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %neg_inf = arith.constant 0xFF800000 : f32
  %log2e = arith.constant 1.44269504 : f32
  %H = tile.dim "H"
  %S_KV = tile.dim "S_KV"
  %bm = tile.param "BLOCK_M"
  %bn = tile.param "BLOCK_N"

  // Query blocks in reverse order: with causal masking the last blocks do
  // the most work, and starting them first shortens the tail of the grid.
  %pid_x = tile.program_id x
  %num_m = tile.num_programs x
  %last_m = arith.subi %num_m, %pid_x : index
  %c1 = arith.constant 1 : index
  %pid_m = arith.subi %last_m, %c1 : index
  %bh = tile.program_id y
  %b = arith.divui %bh, %H : index
  %h = arith.remui %bh, %H : index
  %q0 = arith.muli %pid_m, %bm : index

  %q = tile.load %Q[%b, %h, %q0, %c0] : memref<?x?x?x?xbf16> -> !q_tile
  %qk_scale = arith.mulf %scale, %log2e : f32
  %qk_scale_t = tile.splat %qk_scale : !s_tile
  %qk_scale_r = tile.splat %qk_scale : !row

  // Causal: keys up to the last query row of this block; else all keys.
  %is_causal = arith.cmpi ne, %causal, %c0_i32 : i32
  %q_end = arith.addi %q0, %bm : index
  %diag_end = arith.minui %q_end, %S_KV : index
  %kv_end = arith.select %is_causal, %diag_end, %S_KV : index

  // Row and column indices for the masks.
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
    %k = tile.load %K[%b, %h, %n0, %c0] : memref<?x?x?x?xbf16> -> !kv_tile
    %v = tile.load %V[%b, %h, %n0, %c0] : memref<?x?x?x?xbf16> -> !kv_tile

    // s = Q K^T (scaled into base 2 with the maximum below).
    %qk = tile.dot %q, %k, %s_init {transpose_rhs}
        : !q_tile, !kv_tile -> !s_tile

    // Mask keys past S_KV, and keys after the query when causal.
    %n0_i32 = arith.index_cast %n0 : index to i32
    %n0_t = tile.splat %n0_i32 : !idx_tile
    %cols = arith.addi %cols0, %n0_t : !idx_tile
    %in_range = arith.cmpi slt, %cols, %s_kv_t : !idx_tile
    %after = arith.cmpi sgt, %cols, %rows : !idx_tile
    %hidden = arith.andi %after, %causal_t : !mask
    %shown = arith.xori %hidden, %true_t : !mask
    %keep = arith.andi %in_range, %shown : !mask
    %s = arith.select %keep, %qk, %neg_inf_t : !mask, !s_tile

    // Online softmax.
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

    // acc = acc * alpha + P V
    %alpha_b = tile.broadcast %alpha dim 1 : !row -> !o_acc
    %acc_scaled = arith.mulf %acc, %alpha_b : !o_acc
    %p_lo = arith.truncf %p : !s_tile to !p_tile
    %acc_new = tile.dot %p_lo, %v, %acc_scaled : !p_tile, !kv_tile -> !o_acc
    scf.yield %m_new, %l_new, %acc_new : !row, !row, !o_acc
  }

  %l_b = tile.broadcast %l_fin dim 1 : !row -> !o_acc
  %o = arith.divf %acc_fin, %l_b : !o_acc
  %o_lo = arith.truncf %o : !o_acc to !q_tile
  tile.store %o_lo, %O[%b, %h, %q0, %c0] : !q_tile -> memref<?x?x?x?xbf16>
  tile.return
}
