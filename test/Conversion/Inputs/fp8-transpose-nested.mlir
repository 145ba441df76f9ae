tile.kernel @fp8_nested2(%A: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>},
                    %B: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>},
                    %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"4">,
                num_stages = #tile.expr<"2">} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %N = tile.dim "N"
  %init = tile.splat %zero : tensor<128x64xf32>
  %a = tile.load %A[%c0, %c0] : memref<?x?xf8E4M3FN> -> tensor<128x128xf8E4M3FN>
  scf.for %o = %c0 to %c2 step %c1 {
    scf.for %n = %c0 to %N step %c64 {
      %b = tile.load %B[%c0, %n] : memref<?x?xf8E4M3FN> -> tensor<128x64xf8E4M3FN>
      %d = tile.dot %a, %b, %init : tensor<128x128xf8E4M3FN>, tensor<128x64xf8E4M3FN> -> tensor<128x64xf32>
      tile.store %d, %C[%o, %n] : tensor<128x64xf32> -> memref<?x?xf32>
    }
  }
  tile.return
}
