// fp8_kn of tile-to-nvgpu-fp8-transpose.mlir after tile-pipeline-loads,
// edited by hand: its dot made async across iterations as a GEMM main loop
// is (tile.dot_wait {pending = 1} right after it, pending = 0 after the
// loop). tile-pipeline-loads does not do this to a dot reading a
// transposition (the transposition's buffer would be rewritten while the
// previous iteration's dot reads it): the wait right after the dot does
// not finish it (session 14's review), and the register lowering refuses
// it (session 16's review: one buffer between block barriers is no safer,
// a block barrier waits for no wgmma).
module {
  tile.kernel @fp8_kn(%arg0: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, K>}, %arg1: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<K, N>}, %arg2: memref<?x?xf32> {tile.shape = #tile.shape<M, N>}) attributes {config = {}, grid = [#tile.expr<"1">], num_stages = #tile.expr<"2">, num_warps = #tile.expr<"4">} {
    %c0 = arith.constant 0 : index
    %c128 = arith.constant 128 : index
    %cst = arith.constant 0.000000e+00 : f32
    %0 = tile.dim "K"
    %1 = tile.splat %cst : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
    %2 = tile.ring_alloc : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>
    %c0_0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c1_1 = arith.constant 1 : index
    scf.for %arg3 = %c0_0 to %c1_1 step %c1 {
      %5 = arith.muli %arg3, %c128 : index
      %6 = arith.addi %c0, %5 : index
      %7 = arith.cmpi slt, %6, %0 : index
      scf.if %7 {
        tile.ring_put %2[%arg3], %arg0[%c0, %6] : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>, memref<?x?xf8E4M3FN>
        tile.ring_put %2[%arg3], %arg1[%6, %c0] {member = 1 : i64} : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>, memref<?x?xf8E4M3FN>
      }
    }
    %3 = scf.for %arg3 = %c0 to %0 step %c128 iter_args(%arg4 = %1) -> (tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>) {
      %5 = arith.subi %arg3, %c0 : index
      %6 = arith.divui %5, %c128 : index
      %7 = arith.addi %6, %c1_1 : index
      %8 = arith.muli %c1_1, %c128 : index
      %9 = arith.addi %arg3, %8 : index
      %10 = arith.cmpi slt, %9, %0 : index
      scf.if %10 {
        tile.ring_put %2[%7], %arg0[%c0, %9] : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>, memref<?x?xf8E4M3FN>
        tile.ring_put %2[%7], %arg1[%9, %c0] {member = 1 : i64} : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>, memref<?x?xf8E4M3FN>
      }
      %11:2 = tile.ring_get %2[%6] : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>> -> tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>
      %12 = tile.convert_layout %11#1 : tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>> -> tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true>>
      %13 = tile.dot %11#0, %12, %arg4 {async} : tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 128, transposed = true>> -> tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
      %w = tile.dot_wait %13 {pending = 1 : i64} : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
      tile.ring_release %2[%6] : <2, tensor<128x128xf8E4M3FN, #tile.shared<swizzle = 128>>, tensor<128x64xf8E4M3FN, #tile.shared<swizzle = 64>>>
      scf.yield %w : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
    }
    %done = tile.dot_wait %3 {pending = 0 : i64} : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>>
    %4 = tile.convert_layout %done : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 1>> -> tensor<128x64xf32, #tile.blocked<size_per_thread = [1, 4], threads_per_warp = [2, 16], warps = [4, 1], order = [1, 0]>>
    tile.store %4, %arg2[%c0, %c0] : tensor<128x64xf32, #tile.blocked<size_per_thread = [1, 4], threads_per_warp = [2, 16], warps = [4, 1], order = [1, 0]>> -> memref<?x?xf32>
    tile.return
  }
}

