// A mixture-of-experts router: P = softmax(X Wᵀ) along each row, X (T x H)
// tokens, W (E x H) one row of weights an expert, P (T x E) f32. One
// program computes BLOCK_M rows of P over all E experts (E <= 256, a
// multiple of 8: one wgmma N), so the row max and sum are reductions of
// the GEMM's accumulator tile in registers (#tile.wgmma_acc), with no
// round trip through memory. Rows past T read zeros and are not stored.
// It has no hand-written reference yet: tile-run checks it on the GPU with
// --reference cpu (its program run on the host).

!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!w_tile = tensor<?x?xbf16, #tile.shape<E, BLOCK_K>>
!acc    = tensor<?x?xf32,  #tile.shape<BLOCK_M, E>>
!row    = tensor<?xf32,    #tile.shape<BLOCK_M>>

tile.kernel @router_softmax(
    %X: memref<?x?xbf16> {tile.shape = #tile.shape<T, H>},
    %W: memref<?x?xbf16> {tile.shape = #tile.shape<E, H>},
    %P: memref<?x?xf32> {tile.shape = #tile.shape<T, E>})
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64, 256]>,
                #tile.param<"BLOCK_K", [64]>,
                #tile.param<"WARPS", [4, 8]>,
                #tile.param<"STAGES", [4, 3]>],
      constraints = [
        #tile.expr<"(BLOCK_M + E) * BLOCK_K * 2 * STAGES <= 227 * 1024">,
        #tile.expr<"BLOCK_M * E <= 128 * 32 * WARPS">,
        #tile.expr<"BLOCK_M % (16 * WARPS) == 0">],
      grid = [#tile.expr<"cdiv(T, BLOCK_M)">],
      num_warps = #tile.expr<"WARPS">,
      num_stages = #tile.expr<"STAGES">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %log2e = arith.constant 1.44269504 : f32
  %H = tile.dim "H"
  %bm = tile.param "BLOCK_M"
  %bk = tile.param "BLOCK_K"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %bm : index
  %init = tile.splat %zero : !acc
  %logits = scf.for %k = %c0 to %H step %bk iter_args(%acc = %init) -> (!acc) {
    %x = tile.load %X[%m0, %k] : memref<?x?xbf16> -> !x_tile
    %w = tile.load %W[%c0, %k] : memref<?x?xbf16> -> !w_tile
    %next = tile.dot %x, %w, %acc {transpose_rhs} : !x_tile, !w_tile -> !acc
    scf.yield %next : !acc
  }
  %max = tile.reduce max %logits dim 1 : !acc -> !row
  %max_b = tile.broadcast %max dim 1 : !row -> !acc
  %shifted = arith.subf %logits, %max_b : !acc
  %log2e_t = tile.splat %log2e : !acc
  %scaled = arith.mulf %shifted, %log2e_t : !acc
  %e = math.exp2 %scaled : !acc
  %sum = tile.reduce sum %e dim 1 : !acc -> !row
  %sum_b = tile.broadcast %sum dim 1 : !row -> !acc
  %p = arith.divf %e, %sum_b : !acc
  tile.store %p, %P[%m0, %c0] : !acc -> memref<?x?xf32>
  tile.return
}
