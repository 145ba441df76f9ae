// Matrix transpose: Y[c, r] = X[r, c], X of R x C, bf16 (f16 with --dtype).
//
// Each program reads a BLOCK_R x BLOCK_C tile of X and writes it as the
// BLOCK_C x BLOCK_R tile of Y at the swapped position. tile.transpose moves
// nothing in registers (each thread keeps its elements; the layout's
// dimensions swap), so the transposed tile runs down Y's columns; the
// store wants Y's rows, and tile-assign-layouts puts a tile.convert_layout
// in front of it, which the register lowering does through shared memory.
// Both the load and the store then move 16 bytes a thread along rows: the
// kernel is bound by memory bandwidth (GB/s are reported).
//
// No tile.dot: lowered op by op (docs/design.md, "Register layouts").

!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!y_tile = tensor<?x?xbf16, #tile.shape<BLOCK_C, BLOCK_R>>

tile.kernel @transpose(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                       %Y: memref<?x?xbf16> {tile.shape = #tile.shape<C, R>})
    attributes {
      params = [#tile.param<"BLOCK_R", [64, 32, 128]>,
                #tile.param<"BLOCK_C", [64, 32, 128]>,
                #tile.param<"WARPS", [4, 8]>],
      constraints = [
        // 8 to 64 elements a thread: 16-byte accesses, few registers.
        #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
        #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">],
      grid = [#tile.expr<"cdiv(C, BLOCK_C)">, #tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">,
      reference = "transpose"} {
  %bc = tile.param "BLOCK_C"
  %br = tile.param "BLOCK_R"
  %pc = tile.program_id x
  %pr = tile.program_id y
  %c0 = arith.muli %pc, %bc : index
  %r0 = arith.muli %pr, %br : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile
  %y = tile.transpose %x : !x_tile -> !y_tile
  tile.store %y, %Y[%c0, %r0] : !y_tile -> memref<?x?xbf16>
  tile.return
}
