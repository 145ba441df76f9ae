// Layer normalisation forward over the last dimension, bf16 in and out,
// fp32 arithmetic (as torch.nn.functional.layer_norm(x, (C,), w, b, eps)):
//
//   Y[r, c] = (X[r, c] - mean_r) * rsqrt(var_r + eps) * W[c] + B[c]
//
// with mean_r and the biased variance var_r over row r. One program
// normalises BLOCK_R rows, each held whole in registers (BLOCK_C >= C), so X
// is read once and Y written once. The padding past C loads as zero, which
// the mean's sum ignores; the deviations there are masked to zero before the
// variance. W and B are loaded as 1-d tiles and broadcast down the rows.
//
// No tile.dot: lowered op by op by the register layouts, like softmax.mlir.

!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!f_tile = tensor<?x?xf32,  #tile.shape<BLOCK_R, BLOCK_C>>
!i_tile = tensor<?x?xi32,  #tile.shape<BLOCK_R, BLOCK_C>>
!m_tile = tensor<?x?xi1,   #tile.shape<BLOCK_R, BLOCK_C>>
!w_tile = tensor<?xbf16,   #tile.shape<BLOCK_C>>
!wf_tile = tensor<?xf32,   #tile.shape<BLOCK_C>>
!row    = tensor<?xf32,    #tile.shape<BLOCK_R>>

tile.kernel @layernorm(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                       %W: memref<?xbf16> {tile.shape = #tile.shape<C>},
                       %B: memref<?xbf16> {tile.shape = #tile.shape<C>},
                       %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                       %eps: f32)
    attributes {
      params = [#tile.param<"BLOCK_R", [1, 2, 4]>,
                #tile.param<"WARPS", [8, 4, 16, 32]>,
                #tile.param<"BLOCK_C", [4096, 256, 512, 1024, 2048, 8192,
                                        16384, 32768]>,
                // Programs an SM must hold at once (ptxas then caps the
                // registers): one program's loads overlap another's
                // reductions.
                #tile.param<"MIN_BLOCKS", [1, 2, 4]>],
      constraints = [
        #tile.expr<"BLOCK_C >= C">,
        #tile.expr<"BLOCK_C < 2 * max(C, 256)">,
        #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">,
        #tile.expr<"BLOCK_R <= WARPS">,
        // At most 2048 threads an SM.
        #tile.expr<"MIN_BLOCKS * WARPS <= 64">],
      grid = [#tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">,
      min_blocks_per_sm = #tile.expr<"MIN_BLOCKS">,
      reference = "layernorm"} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %C = tile.dim "C"
  %br = tile.param "BLOCK_R"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %br : index

  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile
  %xf = arith.extf %x : !x_tile to !f_tile

  // 1 / C, once.
  %C_i32 = arith.index_cast %C : index to i32
  %C_f = arith.sitofp %C_i32 : i32 to f32
  %inv_c = arith.divf %one, %C_f : f32
  %inv_c_r = tile.splat %inv_c : !row

  %sum = tile.reduce sum %xf dim 1 : !f_tile -> !row
  %mean = arith.mulf %sum, %inv_c_r : !row
  %mean_b = tile.broadcast %mean dim 1 : !row -> !f_tile
  %dev = arith.subf %xf, %mean_b : !f_tile
  %cols = tile.iota dim 1 : !i_tile
  %C_t = tile.splat %C_i32 : !i_tile
  %in_row = arith.cmpi slt, %cols, %C_t : !i_tile
  %zero_t = tile.splat %zero : !f_tile
  %dev_m = arith.select %in_row, %dev, %zero_t : !m_tile, !f_tile
  %sq = arith.mulf %dev_m, %dev_m : !f_tile
  %sq_sum = tile.reduce sum %sq dim 1 : !f_tile -> !row
  %var = arith.mulf %sq_sum, %inv_c_r : !row
  %eps_r = tile.splat %eps : !row
  %var_eps = arith.addf %var, %eps_r : !row
  %rstd = math.rsqrt %var_eps : !row
  %rstd_b = tile.broadcast %rstd dim 1 : !row -> !f_tile
  %norm = arith.mulf %dev_m, %rstd_b : !f_tile

  %w = tile.load %W[%c0] : memref<?xbf16> -> !w_tile
  %b = tile.load %B[%c0] : memref<?xbf16> -> !w_tile
  %wf = arith.extf %w : !w_tile to !wf_tile
  %bf = arith.extf %b : !w_tile to !wf_tile
  %w_b = tile.broadcast %wf dim 0 : !wf_tile -> !f_tile
  %b_b = tile.broadcast %bf dim 0 : !wf_tile -> !f_tile
  %scaled = arith.mulf %norm, %w_b : !f_tile
  %y_f = arith.addf %scaled, %b_b : !f_tile
  %y = arith.truncf %y_f : !f_tile to !x_tile
  tile.store %y, %Y[%r0, %c0] : !x_tile -> memref<?x?xbf16>
  tile.return
}
