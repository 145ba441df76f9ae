// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=64,D=64}))' | FileCheck %s --implicit-check-not=tile.param --implicit-check-not='tensor<?' --check-prefixes=CHECK,M64
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=128,BLOCK_N=64,STAGES=2,BLOCK_M=128}))' | FileCheck %s --implicit-check-not=tile.param --implicit-check-not='tensor<?' --check-prefixes=CHECK,M128
// Defaults: every parameter takes its first candidate.
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=D=32}))' | FileCheck %s --implicit-check-not=tile.param --implicit-check-not='tensor<?' --check-prefixes=CHECK,DEF
// A bound problem size that no tile needs (M) also becomes a constant.
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=M=1000,D=64,BLOCK_M=64}))' | FileCheck %s --implicit-check-not=tile.param --implicit-check-not='tensor<?' --check-prefixes=CHECK,BOUNDM
// The result verifies and round-trips.
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=BLOCK_M=64,D=64}))' | tile-opt | FileCheck %s --implicit-check-not=tile.param --implicit-check-not='tensor<?' --check-prefixes=CHECK,M64

!x_tile   = tensor<?x?xbf16, #tile.shape<BLOCK_M, D>>
!acc      = tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
!row      = tensor<?xf32, #tile.shape<BLOCK_M>>
!partial  = tensor<?x16xf32, #tile.shape<BLOCK_M, 16>>

// CHECK-LABEL: tile.kernel @spec(
// CHECK-SAME: [[X:%[^:]*]]: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>}
// CHECK-SAME: [[Y:%[^:]*]]: memref<?x?xf32> {tile.shape = #tile.shape<M, N>}
// CHECK-SAME: [[N:%[^:]*]]: index)
// M64-SAME: attributes {config = {BLOCK_M = 64 : i64, BLOCK_N = 32 : i64, D = 64 : i64, STAGES = 3 : i64},
// M128-SAME: attributes {config = {BLOCK_M = 128 : i64, BLOCK_N = 64 : i64, D = 128 : i64, STAGES = 2 : i64},
// DEF-SAME: attributes {config = {BLOCK_M = 128 : i64, BLOCK_N = 32 : i64, D = 32 : i64, STAGES = 3 : i64},
// BOUNDM-SAME: attributes {config = {BLOCK_M = 64 : i64, BLOCK_N = 32 : i64, D = 64 : i64, M = 1000 : i64, STAGES = 3 : i64},
// The kernel keeps its constraints, grid, num_warps and num_stages; params go.
// CHECK-SAME: constraints = [#tile.expr<"BLOCK_M >= BLOCK_N">], grid = [#tile.expr<"cdiv(M, BLOCK_M)">],
// CHECK-SAME: num_stages = #tile.expr<"STAGES">, num_warps = #tile.expr<"4">}
// CHECK-NOT: params
// CHECK-NOT: tile.dim "D"

// CHECK: [[C0:%.*]] = arith.constant 0 : index
// tile.param "BLOCK_M" and tile.dim "D" become constants where they were.
// M64: [[BM:%.*]] = arith.constant 64 : index
// M128: [[BM:%.*]] = arith.constant 128 : index
// DEF: [[BM:%.*]] = arith.constant 128 : index
// BOUNDM: [[BM:%.*]] = arith.constant 64 : index
// M64-NEXT: [[D:%.*]] = arith.constant 64 : index
// M128-NEXT: [[D:%.*]] = arith.constant 128 : index
// DEF-NEXT: [[D:%.*]] = arith.constant 32 : index
// BOUNDM-NEXT: [[D:%.*]] = arith.constant 64 : index
// An unbound problem size stays a tile.dim.
// M64-NEXT: [[M:%.*]] = tile.dim "M"
// M128-NEXT: [[M:%.*]] = tile.dim "M"
// DEF-NEXT: [[M:%.*]] = tile.dim "M"
// BOUNDM-NEXT: [[M:%.*]] = arith.constant 1000 : index
// CHECK-NEXT: [[PID:%.*]] = tile.program_id x
// CHECK-NEXT: [[M0:%.*]] = arith.muli [[PID]], [[BM]] : index
// CHECK-NEXT: arith.addi [[M]], [[D]] : index
// M64-NEXT: [[XT:%.*]] = tile.load [[X]][[[M0]], [[C0]]] : memref<?x?xbf16> -> tensor<64x64xbf16>
// M128-NEXT: [[XT:%.*]] = tile.load [[X]][[[M0]], [[C0]]] : memref<?x?xbf16> -> tensor<128x128xbf16>
// DEF-NEXT: [[XT:%.*]] = tile.load [[X]][[[M0]], [[C0]]] : memref<?x?xbf16> -> tensor<128x32xbf16>
// M64-NEXT: [[XF:%.*]] = arith.extf [[XT]] : tensor<64x64xbf16> to tensor<64x64xf32>
// M128-NEXT: [[XF:%.*]] = arith.extf [[XT]] : tensor<128x128xbf16> to tensor<128x128xf32>
// DEF-NEXT: [[XF:%.*]] = arith.extf [[XT]] : tensor<128x32xbf16> to tensor<128x32xf32>
// M64-NEXT: [[INIT:%.*]] = tile.splat %{{.*}} : tensor<64x32xf32>
// M128-NEXT: [[INIT:%.*]] = tile.splat %{{.*}} : tensor<128x64xf32>
// DEF-NEXT: [[INIT:%.*]] = tile.splat %{{.*}} : tensor<128x32xf32>
// M64-NEXT: [[RI:%.*]] = tile.splat %{{.*}} : tensor<64xf32>
// M128-NEXT: [[RI:%.*]] = tile.splat %{{.*}} : tensor<128xf32>
// DEF-NEXT: [[RI:%.*]] = tile.splat %{{.*}} : tensor<128xf32>
// Loop-carried tiles: the iter_args, the block arguments and the results.
// M64-NEXT: [[LOOP:%.*]]:2 = scf.for [[IV:%[^ ]*]] = [[C0]] to [[N]] step %{{.*}} iter_args([[ACC:%[^ ]*]] = [[INIT]], [[ROW:%[^ ]*]] = [[RI]]) -> (tensor<64x32xf32>, tensor<64xf32>) {
// M128-NEXT: [[LOOP:%.*]]:2 = scf.for [[IV:%[^ ]*]] = [[C0]] to [[N]] step %{{.*}} iter_args([[ACC:%[^ ]*]] = [[INIT]], [[ROW:%[^ ]*]] = [[RI]]) -> (tensor<128x64xf32>, tensor<128xf32>) {
// DEF-NEXT: [[LOOP:%.*]]:2 = scf.for [[IV:%[^ ]*]] = [[C0]] to [[N]] step %{{.*}} iter_args([[ACC:%[^ ]*]] = [[INIT]], [[ROW:%[^ ]*]] = [[RI]]) -> (tensor<128x32xf32>, tensor<128xf32>) {
// A tile.param inside the loop becomes a constant too.
// M64-NEXT: arith.constant 32 : index
// M128-NEXT: arith.constant 64 : index
// DEF-NEXT: arith.constant 32 : index
// M64: [[R:%.*]] = tile.reduce max [[ACC]] dim 1 : tensor<64x32xf32> -> tensor<64xf32>
// M128: [[R:%.*]] = tile.reduce max [[ACC]] dim 1 : tensor<128x64xf32> -> tensor<128xf32>
// DEF: [[R:%.*]] = tile.reduce max [[ACC]] dim 1 : tensor<128x32xf32> -> tensor<128xf32>
// M64-NEXT: [[RB:%.*]] = arith.maximumf [[ROW]], [[R]] : tensor<64xf32>
// M64-NEXT: [[B:%.*]] = tile.broadcast [[RB]] dim 1 : tensor<64xf32> -> tensor<64x32xf32>
// M64-NEXT: [[E:%.*]] = math.exp2 [[B]] : tensor<64x32xf32>
// M64-NEXT: scf.yield [[E]], [[RB]] : tensor<64x32xf32>, tensor<64xf32>
// CHECK: }
// M64-NEXT: tile.store [[LOOP]]#0, [[Y]][[[M0]], [[C0]]] : tensor<64x32xf32> -> memref<?x?xf32>
// M128-NEXT: tile.store [[LOOP]]#0, [[Y]][[[M0]], [[C0]]] : tensor<128x64xf32> -> memref<?x?xf32>
// DEF-NEXT: tile.store [[LOOP]]#0, [[Y]][[[M0]], [[C0]]] : tensor<128x32xf32> -> memref<?x?xf32>
// BOUNDM: tile.store %{{.*}} : tensor<64x32xf32> -> memref<?x?xf32>
// A partly static tile and a static tile.
// M64-NEXT: tile.iota dim 0 : tensor<64x16xi32>
// M128-NEXT: tile.iota dim 0 : tensor<128x16xi32>
// DEF-NEXT: tile.iota dim 0 : tensor<128x16xi32>
// BOUNDM-NEXT: tile.iota dim 0 : tensor<64x16xi32>
// CHECK-NEXT: tile.iota dim 1 : tensor<8x16xi32>
// Nested regions other than loops.
// M64: scf.if %{{.*}} -> (tensor<64xf32>) {
// M64-NEXT: scf.yield [[LOOP]]#1 : tensor<64xf32>
// M64-NEXT: } else {
// M64-NEXT: [[Z:%.*]] = tile.splat %{{.*}} : tensor<64xf32>
// M64-NEXT: scf.yield [[Z]] : tensor<64xf32>
// CHECK: tile.return
tile.kernel @spec(%x: memref<?x?xbf16> {tile.shape = #tile.shape<M, D>},
                  %y: memref<?x?xf32> {tile.shape = #tile.shape<M, N>},
                  %n: index)
    attributes {
      params = [#tile.param<"BLOCK_M", [128, 64]>,
                #tile.param<"BLOCK_N", [32, 64]>,
                #tile.param<"STAGES", [3, 2]>],
      constraints = [#tile.expr<"BLOCK_M >= BLOCK_N">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M)">],
      num_warps = #tile.expr<"4">,
      num_stages = #tile.expr<"STAGES">} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %bm = tile.param "BLOCK_M"
  %d = tile.dim "D"
  %m = tile.dim "M"
  %pid = tile.program_id x
  %m0 = arith.muli %pid, %bm : index
  %md = arith.addi %m, %d : index
  %xt = tile.load %x[%m0, %c0] : memref<?x?xbf16> -> !x_tile
  %xf = arith.extf %xt : !x_tile to tensor<?x?xf32, #tile.shape<BLOCK_M, D>>
  %init = tile.splat %zero : !acc
  %row_init = tile.splat %zero : !row
  %res:2 = scf.for %i = %c0 to %n step %md iter_args(%acc = %init, %row = %row_init)
      -> (!acc, !row) {
    %bn = tile.param "BLOCK_N"
    %r = tile.reduce max %acc dim 1 : !acc -> !row
    %rb = arith.maximumf %row, %r : !row
    %b = tile.broadcast %rb dim 1 : !row -> !acc
    %e = math.exp2 %b : !acc
    scf.yield %e, %rb : !acc, !row
  }
  tile.store %res#0, %y[%m0, %c0] : !acc -> memref<?x?xf32>
  %p = tile.iota dim 0 : tensor<?x16xi32, #tile.shape<BLOCK_M, 16>>
  %s = tile.iota dim 1 : tensor<8x16xi32>
  %cond = arith.cmpi eq, %m, %c0 : index
  %sel = scf.if %cond -> (!row) {
    scf.yield %res#1 : !row
  } else {
    %z = tile.splat %zero : !row
    scf.yield %z : !row
  }
  tile.return
}

// A second kernel in the module gets the same configuration.
// CHECK-LABEL: tile.kernel @second(
// M64-SAME: attributes {config = {BLOCK_M = 64 : i64, BLOCK_N = 16 : i64, D = 64 : i64, STAGES = 2 : i64}, grid = [#tile.expr<"1">]}
// M128-SAME: attributes {config = {BLOCK_M = 128 : i64, BLOCK_N = 64 : i64, D = 128 : i64, STAGES = 2 : i64}, grid = [#tile.expr<"1">]}
// DEF-SAME: attributes {config = {BLOCK_M = 16 : i64, BLOCK_N = 16 : i64, D = 32 : i64, STAGES = 2 : i64}, grid = [#tile.expr<"1">]}
// BOUNDM-SAME: attributes {config = {BLOCK_M = 64 : i64, BLOCK_N = 16 : i64, D = 64 : i64, M = 1000 : i64, STAGES = 2 : i64}, grid = [#tile.expr<"1">]}
// M64-NEXT: tile.iota dim 0 : tensor<64x64xi32>
// M128-NEXT: tile.iota dim 0 : tensor<128x128xi32>
// DEF-NEXT: tile.iota dim 0 : tensor<16x32xi32>
// BOUNDM-NEXT: tile.iota dim 0 : tensor<64x64xi32>
// CHECK-NEXT: tile.return
tile.kernel @second(%a: memref<?x?xf32> {tile.shape = #tile.shape<M, D>})
    attributes {params = [#tile.param<"BLOCK_M", [16, 64, 128]>,
                          #tile.param<"BLOCK_N", [16, 32, 64]>,
                          #tile.param<"STAGES", [2, 3]>],
                grid = [#tile.expr<"1">]} {
  %t = tile.iota dim 0 : tensor<?x?xi32, #tile.shape<BLOCK_M, D>>
  tile.return
}
