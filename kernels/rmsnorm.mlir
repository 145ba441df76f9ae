// RMS normalisation forward over the last dimension (as LLaMA's RMSNorm),
// bf16 in and out, fp32 arithmetic:
//
//   Y[r, c] = X[r, c] * rsqrt(mean_c(X[r, c]^2) + 1e-6) * W[c]
//
// One program normalises BLOCK_R rows held whole in registers (BLOCK_C >=
// C): X is read once and Y written once. The padding past C loads as zero
// and adds nothing to the sum of squares.
//
// reference = "rmsnorm" computes every element exactly on the host with
// the same eps. Before it had one, tile-run checked it against the same
// program run on the host CPU (tile-run --reference cpu on a GPU,
// docs/cpu.md): all a new kernel needs to be checked against its lowering.

!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!f_tile = tensor<?x?xf32,  #tile.shape<BLOCK_R, BLOCK_C>>
!w_tile = tensor<?xbf16,   #tile.shape<BLOCK_C>>
!wf_tile = tensor<?xf32,   #tile.shape<BLOCK_C>>
!row    = tensor<?xf32,    #tile.shape<BLOCK_R>>

tile.kernel @rmsnorm(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                     %W: memref<?xbf16> {tile.shape = #tile.shape<C>},
                     %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
    attributes {
      params = [#tile.param<"BLOCK_R", [1, 2, 4]>,
                #tile.param<"WARPS", [8, 4, 16]>,
                #tile.param<"BLOCK_C", [4096, 256, 512, 1024, 2048, 8192]>],
      constraints = [
        #tile.expr<"BLOCK_C >= C">,
        #tile.expr<"BLOCK_C < 2 * max(C, 256)">,
        #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">,
        #tile.expr<"BLOCK_R <= WARPS">],
      grid = [#tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">,
      reference = "rmsnorm"} {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %eps = arith.constant 1.0e-6 : f32
  %C = tile.dim "C"
  %br = tile.param "BLOCK_R"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %br : index

  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile
  %xf = arith.extf %x : !x_tile to !f_tile
  %C_i32 = arith.index_cast %C : index to i32
  %C_f = arith.sitofp %C_i32 : i32 to f32
  %inv_c = arith.divf %one, %C_f : f32
  %inv_c_r = tile.splat %inv_c : !row
  %eps_r = tile.splat %eps : !row

  %sq = arith.mulf %xf, %xf : !f_tile
  %sq_sum = tile.reduce sum %sq dim 1 : !f_tile -> !row
  %ms = arith.mulf %sq_sum, %inv_c_r : !row
  %ms_eps = arith.addf %ms, %eps_r : !row
  %rstd = math.rsqrt %ms_eps : !row
  %rstd_b = tile.broadcast %rstd dim 1 : !row -> !f_tile
  %norm = arith.mulf %xf, %rstd_b : !f_tile

  %w = tile.load %W[%c0] : memref<?xbf16> -> !w_tile
  %wf = arith.extf %w : !w_tile to !wf_tile
  %w_b = tile.broadcast %wf dim 0 : !wf_tile -> !f_tile
  %y_f = arith.mulf %norm, %w_b : !f_tile
  %y = arith.truncf %y_f : !f_tile to !x_tile
  tile.store %y, %Y[%r0, %c0] : !x_tile -> memref<?x?xbf16>
  tile.return
}
