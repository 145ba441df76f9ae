// A copy kernel with no reference, and one whose iota is a float tile.
tile.kernel @copy(%X: memref<?xf32> {tile.shape = #tile.shape<N>},
                  %Y: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [], grid = [#tile.expr<"cdiv(N, 64)">]} {
  %pid = tile.program_id x
  %c64 = arith.constant 64 : index
  %i = arith.muli %pid, %c64 : index
  %x = tile.load %X[%i] : memref<?xf32> -> tensor<64xf32>
  tile.store %x, %Y[%i] : tensor<64xf32> -> memref<?xf32>
  tile.return
}
