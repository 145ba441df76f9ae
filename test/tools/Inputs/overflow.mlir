// Input of limits.test: a constraint whose product overflows int64.
tile.kernel @k(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>})
    attributes {params = [#tile.param<"BLOCK_M", [128]>],
                constraints = [#tile.expr<"BLOCK_M * 4611686018427387904 > 0">],
                grid = [#tile.expr<"1">]} {
  tile.return
}
