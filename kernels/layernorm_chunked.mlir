// Layer normalisation forward for long rows, streamed in chunks: the same
// function as kernels/layernorm.mlir (reference = "layernorm"), but a
// program keeps BLOCK_C columns of its row in registers at a time instead
// of the whole row, so that many programs fit on an SM and their loads
// overlap each other's arithmetic.
//
//   pass 1: for each chunk, running per-element sums of x and x^2 (fp32
//           tiles carried by the loop), reduced to the row's sums at the end;
//           var = E[x^2] - mean^2 (one pass: fine while |mean| is not far
//           above the standard deviation, as for activations);
//   pass 2: each chunk read again (from L2: the row was just read) and
//           written normalised, times W, plus B.
//
// Chunks past C read zeros (tile.load pads), which the sums ignore, and
// their outputs are not stored (tile.store clips).

!x_tile  = tensor<1x?xbf16, #tile.shape<1, BLOCK_C>>
!f_tile  = tensor<1x?xf32,  #tile.shape<1, BLOCK_C>>
!w_tile  = tensor<?xbf16,   #tile.shape<BLOCK_C>>
!wf_tile = tensor<?xf32,    #tile.shape<BLOCK_C>>
!row     = tensor<1xf32,    #tile.shape<1>>

tile.kernel @layernorm_chunked(
    %X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
    %W: memref<?xbf16> {tile.shape = #tile.shape<C>},
    %B: memref<?xbf16> {tile.shape = #tile.shape<C>},
    %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
    %eps: f32)
    attributes {
      params = [#tile.param<"BLOCK_C", [2048, 1024, 4096]>,
                #tile.param<"WARPS", [4, 8, 2]>,
                #tile.param<"MIN_BLOCKS", [4, 2, 8]>],
      constraints = [
        // 8 to 32 elements a thread of a chunk.
        #tile.expr<"BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_C <= 1024 * WARPS">,
        #tile.expr<"MIN_BLOCKS * WARPS <= 64">],
      grid = [#tile.expr<"R">],
      num_warps = #tile.expr<"WARPS">,
      min_blocks_per_sm = #tile.expr<"MIN_BLOCKS">,
      reference = "layernorm"} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %C = tile.dim "C"
  %bc = tile.param "BLOCK_C"
  %r = tile.program_id x

  %zero_t = tile.splat %zero : !f_tile
  %s_fin, %q_fin = scf.for %c0_ = %c0 to %C step %bc
      iter_args(%s = %zero_t, %q = %zero_t) -> (!f_tile, !f_tile) {
    %x = tile.load %X[%r, %c0_] : memref<?x?xbf16> -> !x_tile
    %xf = arith.extf %x : !x_tile to !f_tile
    %s_next = arith.addf %s, %xf : !f_tile
    %sq = arith.mulf %xf, %xf : !f_tile
    %q_next = arith.addf %q, %sq : !f_tile
    scf.yield %s_next, %q_next : !f_tile, !f_tile
  }
  %sum = tile.reduce sum %s_fin dim 1 : !f_tile -> !row
  %sum_sq = tile.reduce sum %q_fin dim 1 : !f_tile -> !row

  %C_i32 = arith.index_cast %C : index to i32
  %C_f = arith.sitofp %C_i32 : i32 to f32
  %inv_c = arith.divf %one, %C_f : f32
  %inv_c_r = tile.splat %inv_c : !row
  %mean = arith.mulf %sum, %inv_c_r : !row
  %ex2 = arith.mulf %sum_sq, %inv_c_r : !row
  %mean2 = arith.mulf %mean, %mean : !row
  %var_raw = arith.subf %ex2, %mean2 : !row
  %zero_r = tile.splat %zero : !row
  %var = arith.maximumf %var_raw, %zero_r : !row
  %eps_r = tile.splat %eps : !row
  %var_eps = arith.addf %var, %eps_r : !row
  %rstd = math.rsqrt %var_eps : !row
  %mean_b = tile.broadcast %mean dim 1 : !row -> !f_tile
  %rstd_b = tile.broadcast %rstd dim 1 : !row -> !f_tile

  scf.for %c1_ = %c0 to %C step %bc {
    %x = tile.load %X[%r, %c1_] : memref<?x?xbf16> -> !x_tile
    %xf = arith.extf %x : !x_tile to !f_tile
    %dev = arith.subf %xf, %mean_b : !f_tile
    %norm = arith.mulf %dev, %rstd_b : !f_tile
    %w = tile.load %W[%c1_] : memref<?xbf16> -> !w_tile
    %b = tile.load %B[%c1_] : memref<?xbf16> -> !w_tile
    %wf = arith.extf %w : !w_tile to !wf_tile
    %bf = arith.extf %b : !w_tile to !wf_tile
    %w_b = tile.broadcast %wf dim 0 : !wf_tile -> !f_tile
    %b_b = tile.broadcast %bf dim 0 : !wf_tile -> !f_tile
    %scaled = arith.mulf %norm, %w_b : !f_tile
    %y_f = arith.addf %scaled, %b_b : !f_tile
    %y = arith.truncf %y_f : !f_tile to !x_tile
    tile.store %y, %Y[%r, %c1_] : !x_tile -> memref<?x?xbf16>
  }
  tile.return
}
