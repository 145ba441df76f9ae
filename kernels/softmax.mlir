// Row softmax: Y[r, :] = softmax(X[r, :]) over the last dimension, bf16 in
// and out, fp32 arithmetic (as torch.softmax(x, dim=-1)).
//
// One program computes BLOCK_R rows, each held whole in registers across
// the block's threads (BLOCK_C >= C), so X is read once and Y written once:
// the kernel is bound by memory bandwidth. Columns past C (the tile's
// padding, which tile.load fills with zeros) are masked to -inf before the
// maximum, so they add exp2(-inf) = 0 to the sum; rows past R are computed
// from zeros and not stored (tile.store clips). exp(x - m) is taken in base
// 2 as exp2((x - m) * log2 e).
//
// No tile.dot: the compiler lowers each op by its register layout
// (docs/design.md, "Register layouts"); nothing matches this kernel's shape.

!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!f_tile = tensor<?x?xf32,  #tile.shape<BLOCK_R, BLOCK_C>>
!i_tile = tensor<?x?xi32,  #tile.shape<BLOCK_R, BLOCK_C>>
!m_tile = tensor<?x?xi1,   #tile.shape<BLOCK_R, BLOCK_C>>
!row    = tensor<?xf32,    #tile.shape<BLOCK_R>>

tile.kernel @softmax(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                     %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
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
        // A whole row in one tile, in the smallest candidate that holds it.
        #tile.expr<"BLOCK_C >= C">,
        #tile.expr<"BLOCK_C < 2 * max(C, 256)">,
        // At least 8 elements (16 bytes) a thread, at most 64 in registers.
        #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">,
        #tile.expr<"BLOCK_R <= WARPS">,
        // At most 2048 threads an SM.
        #tile.expr<"MIN_BLOCKS * WARPS <= 64">],
      grid = [#tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">,
      min_blocks_per_sm = #tile.expr<"MIN_BLOCKS">,
      reference = "softmax"} {
  %c0 = arith.constant 0 : index
  %neg_inf = arith.constant 0xFF800000 : f32
  %log2e = arith.constant 1.44269504 : f32
  %one = arith.constant 1.0 : f32
  %C = tile.dim "C"
  %br = tile.param "BLOCK_R"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %br : index

  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile
  %xf = arith.extf %x : !x_tile to !f_tile

  // Columns past C do not take part.
  %cols = tile.iota dim 1 : !i_tile
  %C_i32 = arith.index_cast %C : index to i32
  %C_t = tile.splat %C_i32 : !i_tile
  %in_row = arith.cmpi slt, %cols, %C_t : !i_tile
  %neg_inf_t = tile.splat %neg_inf : !f_tile
  %xm = arith.select %in_row, %xf, %neg_inf_t : !m_tile, !f_tile

  %m = tile.reduce max %xm dim 1 : !f_tile -> !row
  %m_b = tile.broadcast %m dim 1 : !row -> !f_tile
  %log2e_t = tile.splat %log2e : !f_tile
  %d = arith.subf %xm, %m_b : !f_tile
  %d2 = arith.mulf %d, %log2e_t : !f_tile
  %e = math.exp2 %d2 : !f_tile
  %sum = tile.reduce sum %e dim 1 : !f_tile -> !row
  %one_r = tile.splat %one : !row
  %inv = arith.divf %one_r, %sum : !row
  %inv_b = tile.broadcast %inv dim 1 : !row -> !f_tile
  %p = arith.mulf %e, %inv_b : !f_tile
  %y = arith.truncf %p : !f_tile to !x_tile
  tile.store %y, %Y[%r0, %c0] : !x_tile -> memref<?x?xbf16>
  tile.return
}
