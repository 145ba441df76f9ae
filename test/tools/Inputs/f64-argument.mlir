// Input of tile-run.test: an argument type the runtime does not take.
tile.kernel @k(%A: memref<?x?xf64> {tile.shape = #tile.shape<M, K>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}
