// A transpose in f32 whose space has a block too large for one SM's shared
// memory: tile.convert_layout goes through shared memory, BLOCK_R x BLOCK_C
// x 4 bytes, and 512 x 128 x 4 = 256 KiB is over sm_90's 227 KiB. tile-run
// drops that config before it reaches LLVM (test/tools/prune.test).

!x_tile = tensor<?x?xf32, #tile.shape<BLOCK_R, BLOCK_C>>
!y_tile = tensor<?x?xf32, #tile.shape<BLOCK_C, BLOCK_R>>

tile.kernel @huge_transpose(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
                            %Y: memref<?x?xf32> {tile.shape = #tile.shape<C, R>})
    attributes {
      params = [#tile.param<"BLOCK_R", [64, 512]>,
                #tile.param<"BLOCK_C", [64, 128]>,
                #tile.param<"WARPS", [4, 32]>],
      constraints = [
        #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">],
      grid = [#tile.expr<"cdiv(C, BLOCK_C)">, #tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">} {
  %bc = tile.param "BLOCK_C"
  %br = tile.param "BLOCK_R"
  %pc = tile.program_id x
  %pr = tile.program_id y
  %c0 = arith.muli %pc, %bc : index
  %r0 = arith.muli %pr, %br : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xf32> -> !x_tile
  %y = tile.transpose %x : !x_tile -> !y_tile
  tile.store %y, %Y[%c0, %r0] : !y_tile -> memref<?x?xf32>
  tile.return
}
