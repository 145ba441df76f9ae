// RUN: tile-opt %s | tile-opt | FileCheck %s
// RUN: tile-opt %s --mlir-print-op-generic | tile-opt | FileCheck %s

// Round trip of every tile op and attribute, in the custom and the generic
// form. Tiles with a #tile.shape encoding print as `!SYMxSYMxelt` aliases.

// CHECK-DAG: ![[A_BMxBK:BLOCK_MxBLOCK_Kxbf16]] = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
// CHECK-DAG: ![[A_BMx64:BLOCK_Mx64xf32]] = tensor<?x64xf32, #tile.shape<BLOCK_M, 64>>
// CHECK-DAG: !BLOCK_MxDxbf16 = tensor<?x?xbf16, #tile.shape<BLOCK_M, D>>
// CHECK-DAG: !Dxbf16 = tensor<?xbf16, #tile.shape<D>>
// CHECK-DAG: !_1x1x16xDxbf16 = tensor<1x1x16x?xbf16, #tile.shape<1, 1, 16, D>>
// CHECK-DAG: !BLOCK_Mxf32 = tensor<?xf32, #tile.shape<BLOCK_M>>
// CHECK-DAG: !BLOCK_MxBLOCK_Nxf8E4M3FN = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_N>>

//===----------------------------------------------------------------------===//
// Kernel attributes, scalar arguments, program coordinates, params, dims.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: tile.kernel @coords(
// CHECK-SAME: %{{.*}}: memref<?x?xf32> {tile.shape = #tile.shape<M, N>},
// CHECK-SAME: %{{.*}}: f32, %{{.*}}: i32, %{{.*}}: index, %{{.*}}: i64, %{{.*}}: bf16)
// CHECK-SAME: attributes {constraints = [#tile.expr<"BLOCK_M % 16 == 0">, #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 128 && (M > 0 || N != 0)">],
// CHECK-SAME: grid = [#tile.expr<"cdiv(M, BLOCK_M)">, #tile.expr<"cdiv(N, BLOCK_N)">, #tile.expr<"max(1, min(-2 + 3, M / 2 - M % 2))">],
// CHECK-SAME: num_stages = #tile.expr<"STAGES">, num_warps = #tile.expr<"4 * 2">,
// CHECK-SAME: params = [#tile.param<"BLOCK_M", [64, 128]>, #tile.param<"BLOCK_N", [32]>, #tile.param<"STAGES", [3, 2, 4]>]}
// CHECK-NEXT: tile.program_id x
// CHECK-NEXT: tile.program_id y
// CHECK-NEXT: tile.program_id z
// CHECK-NEXT: tile.num_programs x
// CHECK-NEXT: tile.num_programs y
// CHECK-NEXT: tile.num_programs z
// CHECK-NEXT: [[BM:%.*]] = tile.param "BLOCK_M"
// CHECK-NEXT: [[M:%.*]] = tile.dim "M"
// CHECK-NEXT: arith.muli [[BM]], [[M]] : index
// CHECK-NEXT: tile.return
// CHECK-NEXT: }
tile.kernel @coords(%x: memref<?x?xf32> {tile.shape = #tile.shape<M, N>},
                    %s: f32, %i: i32, %n: index, %l: i64, %h: bf16)
    attributes {
      params = [#tile.param<"BLOCK_M", [64, 128]>, #tile.param<"BLOCK_N", [32]>,
                #tile.param<"STAGES", [3, 2, 4]>],
      constraints = [#tile.expr<"BLOCK_M % 16 == 0">,
                     #tile.expr<"BLOCK_M * BLOCK_N <= 128 * 128 && (M > 0 || N != 0)">],
      grid = [#tile.expr<"cdiv(M, BLOCK_M)">, #tile.expr<"cdiv(N, BLOCK_N)">,
              #tile.expr<"max(1, min(-2 + 3, M / 2 - M % 2))">],
      num_warps = #tile.expr<"4 * 2">,
      num_stages = #tile.expr<"STAGES">} {
  %px = tile.program_id x
  %py = tile.program_id y
  %pz = tile.program_id z
  %nx = tile.num_programs x
  %ny = tile.num_programs y
  %nz = tile.num_programs z
  %bm = tile.param "BLOCK_M"
  %m = tile.dim "M"
  %p = arith.muli %bm, %m : index
  tile.return
}

// A kernel without arguments or parameters, only a grid.
// CHECK-LABEL: tile.kernel @empty()
// CHECK-SAME: attributes {grid = [#tile.expr<"1">]}
// CHECK-NEXT: tile.return
tile.kernel @empty() attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

//===----------------------------------------------------------------------===//
// Loads and stores.
//===----------------------------------------------------------------------===//

// Static tiles (no encoding) and a partly static encoded tile.
// CHECK-LABEL: tile.kernel @static_tiles(
// CHECK-SAME: [[SRC:%[^:]*]]: memref<64x?xf32> {tile.shape = #tile.shape<64, N>}
// CHECK-SAME: [[DST:%[^:]*]]: memref<?x64xf32> {tile.shape = #tile.shape<M, 64>}
// CHECK: [[C0:%.*]] = arith.constant 0 : index
// CHECK: [[T:%.*]] = tile.load [[SRC]][[[C0]], [[C0]]] : memref<64x?xf32> -> tensor<64x32xf32>
// CHECK: tile.store [[T]], [[DST]][[[C0]], [[C0]]] : tensor<64x32xf32> -> memref<?x64xf32>
// CHECK: [[U:%.*]] = tile.load [[DST]][[[C0]], [[C0]]] : memref<?x64xf32> -> ![[A_BMx64]]
// CHECK: tile.store [[U]], [[DST]][[[C0]], [[C0]]] : ![[A_BMx64]] -> memref<?x64xf32>
tile.kernel @static_tiles(%src: memref<64x?xf32> {tile.shape = #tile.shape<64, N>},
                          %dst: memref<?x64xf32> {tile.shape = #tile.shape<M, 64>})
    attributes {params = [#tile.param<"BLOCK_M", [16]>],
                grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %t = tile.load %src[%c0, %c0] : memref<64x?xf32> -> tensor<64x32xf32>
  tile.store %t, %dst[%c0, %c0] : tensor<64x32xf32> -> memref<?x64xf32>
  %u = tile.load %dst[%c0, %c0]
      : memref<?x64xf32> -> tensor<?x64xf32, #tile.shape<BLOCK_M, 64>>
  tile.store %u, %dst[%c0, %c0]
      : tensor<?x64xf32, #tile.shape<BLOCK_M, 64>> -> memref<?x64xf32>
  tile.return
}

// Rank-reducing accesses of a (B, H, S, D) tensor.
// CHECK-LABEL: tile.kernel @rank_reducing(
// CHECK-SAME: [[Q:%[^:]*]]: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S, D>}
// CHECK-SAME: [[O:%[^:]*]]: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S, D>}
// CHECK-DAG: [[B:%.*]] = tile.program_id y
// CHECK-DAG: [[S:%.*]] = tile.program_id x
// CHECK-DAG: [[C0:%.*]] = arith.constant 0 : index
// CHECK: [[Q2:%.*]] = tile.load [[Q]][[[B]], [[B]], [[S]], [[C0]]] : memref<?x?x?x?xbf16> -> !BLOCK_MxDxbf16
// CHECK: [[Q1:%.*]] = tile.load [[Q]][[[B]], [[B]], [[S]], [[C0]]] : memref<?x?x?x?xbf16> -> !Dxbf16
// CHECK: [[Q4:%.*]] = tile.load [[Q]][[[B]], [[B]], [[S]], [[C0]]] : memref<?x?x?x?xbf16> -> !_1x1x16xDxbf16
// CHECK: tile.store [[Q2]], [[O]][[[B]], [[B]], [[S]], [[C0]]] : !BLOCK_MxDxbf16 -> memref<?x?x?x?xbf16>
// CHECK: tile.store [[Q1]], [[O]][[[B]], [[B]], [[S]], [[C0]]] : !Dxbf16 -> memref<?x?x?x?xbf16>
// CHECK: tile.store [[Q4]], [[O]][[[B]], [[B]], [[S]], [[C0]]] : !_1x1x16xDxbf16 -> memref<?x?x?x?xbf16>
tile.kernel @rank_reducing(%q: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S, D>},
                           %o: memref<?x?x?x?xbf16> {tile.shape = #tile.shape<B, H, S, D>})
    attributes {params = [#tile.param<"BLOCK_M", [64, 128]>],
                grid = [#tile.expr<"cdiv(S, BLOCK_M)">, #tile.expr<"B * H">]} {
  %c0 = arith.constant 0 : index
  %s = tile.program_id x
  %b = tile.program_id y
  %q2 = tile.load %q[%b, %b, %s, %c0]
      : memref<?x?x?x?xbf16> -> tensor<?x?xbf16, #tile.shape<BLOCK_M, D>>
  %q1 = tile.load %q[%b, %b, %s, %c0]
      : memref<?x?x?x?xbf16> -> tensor<?xbf16, #tile.shape<D>>
  %q4 = tile.load %q[%b, %b, %s, %c0]
      : memref<?x?x?x?xbf16> -> tensor<1x1x16x?xbf16, #tile.shape<1, 1, 16, D>>
  tile.store %q2, %o[%b, %b, %s, %c0]
      : tensor<?x?xbf16, #tile.shape<BLOCK_M, D>> -> memref<?x?x?x?xbf16>
  tile.store %q1, %o[%b, %b, %s, %c0]
      : tensor<?xbf16, #tile.shape<D>> -> memref<?x?x?x?xbf16>
  tile.store %q4, %o[%b, %b, %s, %c0]
      : tensor<1x1x16x?xbf16, #tile.shape<1, 1, 16, D>> -> memref<?x?x?x?xbf16>
  tile.return
}

// Strided (non-contiguous) memref arguments.
// CHECK-LABEL: tile.kernel @strided(
// CHECK-SAME: [[A:%[^:]*]]: memref<?x?xbf16, strided<[?, 1]>> {tile.shape = #tile.shape<M, K>}
// CHECK-SAME: [[C:%[^:]*]]: memref<?x?xbf16, strided<[?, 1], offset: ?>> {tile.shape = #tile.shape<M, K>}
// CHECK: [[T:%.*]] = tile.load [[A]][{{.*}}] : memref<?x?xbf16, strided<[?, 1]>> -> ![[A_BMxBK]]
// CHECK: tile.store [[T]], [[C]][{{.*}}] : ![[A_BMxBK]] -> memref<?x?xbf16, strided<[?, 1], offset: ?>>
tile.kernel @strided(%a: memref<?x?xbf16, strided<[?, 1]>> {tile.shape = #tile.shape<M, K>},
                     %c: memref<?x?xbf16, strided<[?, 1], offset: ?>> {tile.shape = #tile.shape<M, K>})
    attributes {params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_K", [32]>],
                grid = [#tile.expr<"cdiv(M, BLOCK_M)">]} {
  %c0 = arith.constant 0 : index
  %t = tile.load %a[%c0, %c0]
      : memref<?x?xbf16, strided<[?, 1]>> -> tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
  tile.store %t, %c[%c0, %c0]
      : tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>> -> memref<?x?xbf16, strided<[?, 1], offset: ?>>
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.dot
//===----------------------------------------------------------------------===//

// CHECK-LABEL: tile.kernel @dot(
// CHECK: [[A:%.*]] = tile.splat %{{.*}} : ![[A_BMxBK]]
// CHECK: [[B:%.*]] = tile.splat %{{.*}} : !BLOCK_KxBLOCK_Nxbf16
// CHECK: [[BT:%.*]] = tile.splat %{{.*}} : !BLOCK_NxBLOCK_Kxbf16
// CHECK: [[ACC:%.*]] = tile.splat %{{.*}} : !BLOCK_MxBLOCK_Nxf32
// CHECK: [[D0:%.*]] = tile.dot [[A]], [[B]], [[ACC]] : ![[A_BMxBK]], !BLOCK_KxBLOCK_Nxbf16 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: [[D1:%.*]] = tile.dot [[A]], [[BT]], [[D0]] {transpose_rhs} : ![[A_BMxBK]], !BLOCK_NxBLOCK_Kxbf16 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.dot %{{.*}}, %{{.*}}, [[D1]] : !BLOCK_MxBLOCK_Kxf16, !BLOCK_KxBLOCK_Nxf16 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.dot %{{.*}}, %{{.*}}, %{{.*}} {transpose_rhs} : !BLOCK_MxBLOCK_Kxf8E4M3FN, !BLOCK_NxBLOCK_Kxf8E4M3FN -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.dot %{{.*}}, %{{.*}}, %{{.*}} : !BLOCK_MxBLOCK_Kxf8E5M2, !BLOCK_KxBLOCK_Nxf8E5M2 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.dot %{{.*}}, %{{.*}}, %{{.*}} {transpose_rhs} : tensor<64x16xbf16>, tensor<32x16xbf16> -> tensor<64x32xf32>
tile.kernel @dot() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>,
              #tile.param<"BLOCK_K", [32]>],
    grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zh = arith.constant 0.0 : f16
  %z8 = arith.constant 0.0 : f8E4M3FN
  %z5 = arith.constant 0.0 : f8E5M2
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
  %b = tile.splat %zb : tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
  %bt = tile.splat %zb : tensor<?x?xbf16, #tile.shape<BLOCK_N, BLOCK_K>>
  %acc = tile.splat %zf : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %d0 = tile.dot %a, %b, %acc
      : tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>, tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
        -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %d1 = tile.dot %a, %bt, %d0 {transpose_rhs}
      : tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>, tensor<?x?xbf16, #tile.shape<BLOCK_N, BLOCK_K>>
        -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %ah = tile.splat %zh : tensor<?x?xf16, #tile.shape<BLOCK_M, BLOCK_K>>
  %bh = tile.splat %zh : tensor<?x?xf16, #tile.shape<BLOCK_K, BLOCK_N>>
  %d2 = tile.dot %ah, %bh, %d1
      : tensor<?x?xf16, #tile.shape<BLOCK_M, BLOCK_K>>, tensor<?x?xf16, #tile.shape<BLOCK_K, BLOCK_N>>
        -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %a8 = tile.splat %z8 : tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_K>>
  %b8 = tile.splat %z8 : tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, BLOCK_K>>
  %d3 = tile.dot %a8, %b8, %d2 {transpose_rhs}
      : tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_K>>, tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_N, BLOCK_K>>
        -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %a5 = tile.splat %z5 : tensor<?x?xf8E5M2, #tile.shape<BLOCK_M, BLOCK_K>>
  %b5 = tile.splat %z5 : tensor<?x?xf8E5M2, #tile.shape<BLOCK_K, BLOCK_N>>
  %d4 = tile.dot %a5, %b5, %d3
      : tensor<?x?xf8E5M2, #tile.shape<BLOCK_M, BLOCK_K>>, tensor<?x?xf8E5M2, #tile.shape<BLOCK_K, BLOCK_N>>
        -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %sa = tile.splat %zb : tensor<64x16xbf16>
  %sb = tile.splat %zb : tensor<32x16xbf16>
  %sc = tile.splat %zf : tensor<64x32xf32>
  %d5 = tile.dot %sa, %sb, %sc {transpose_rhs}
      : tensor<64x16xbf16>, tensor<32x16xbf16> -> tensor<64x32xf32>
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.reduce, tile.broadcast, tile.splat, tile.iota
//===----------------------------------------------------------------------===//

// CHECK-LABEL: tile.kernel @reduce_broadcast(
// CHECK: [[S:%.*]] = tile.splat %{{.*}} : !BLOCK_MxBLOCK_Nxf32
// CHECK: [[R0:%.*]] = tile.reduce sum [[S]] dim 1 : !BLOCK_MxBLOCK_Nxf32 -> !BLOCK_Mxf32
// CHECK: [[R1:%.*]] = tile.reduce max [[S]] dim 0 : !BLOCK_MxBLOCK_Nxf32 -> !BLOCK_Nxf32
// CHECK: [[R2:%.*]] = tile.reduce min [[R0]] dim 0 : !BLOCK_Mxf32 -> tensor<f32>
// CHECK: tile.reduce max %{{.*}} dim 1 : !BLOCK_MxBLOCK_Nxi32 -> !BLOCK_Mxi32
// CHECK: tile.reduce sum %{{.*}} dim 0 : tensor<4x8xf16> -> tensor<8xf16>
// CHECK: tile.broadcast [[R0]] dim 1 : !BLOCK_Mxf32 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.broadcast [[R1]] dim 0 : !BLOCK_Nxf32 -> !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.broadcast [[R2]] dim 0 : tensor<f32> -> !BLOCK_Mxf32
// CHECK: tile.broadcast %{{.*}} dim 1 : tensor<8xf16> -> tensor<8x2xf16>
tile.kernel @reduce_broadcast() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
    grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %zh = arith.constant 0.0 : f16
  %s = tile.splat %zf : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %r0 = tile.reduce sum %s dim 1
      : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>> -> tensor<?xf32, #tile.shape<BLOCK_M>>
  %r1 = tile.reduce max %s dim 0
      : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>> -> tensor<?xf32, #tile.shape<BLOCK_N>>
  %r2 = tile.reduce min %r0 dim 0 : tensor<?xf32, #tile.shape<BLOCK_M>> -> tensor<f32>
  %i = tile.splat %zi : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>
  %ri = tile.reduce max %i dim 1
      : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>> -> tensor<?xi32, #tile.shape<BLOCK_M>>
  %h = tile.splat %zh : tensor<4x8xf16>
  %rh = tile.reduce sum %h dim 0 : tensor<4x8xf16> -> tensor<8xf16>
  %b0 = tile.broadcast %r0 dim 1
      : tensor<?xf32, #tile.shape<BLOCK_M>> -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %b1 = tile.broadcast %r1 dim 0
      : tensor<?xf32, #tile.shape<BLOCK_N>> -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %b2 = tile.broadcast %r2 dim 0 : tensor<f32> -> tensor<?xf32, #tile.shape<BLOCK_M>>
  %bh = tile.broadcast %rh dim 1 : tensor<8xf16> -> tensor<8x2xf16>
  tile.return
}

// CHECK-LABEL: tile.kernel @splat_iota(
// CHECK-SAME: [[X:%[^:]*]]: f32, [[N:%[^:]*]]: index)
// CHECK: tile.splat [[X]] : !BLOCK_MxBLOCK_Nxf32
// CHECK: tile.splat [[N]] : !BLOCK_Mxindex
// CHECK: tile.splat %{{.*}} : !BLOCK_MxBLOCK_Nxi1
// CHECK: tile.splat [[X]] : tensor<16x16xf32>
// CHECK: tile.iota dim 0 : !BLOCK_MxBLOCK_Nxi32
// CHECK: tile.iota dim 1 : !BLOCK_MxBLOCK_Nxi32
// CHECK: tile.iota dim 0 : !BLOCK_Mxindex
// CHECK: tile.iota dim 1 : tensor<4x8xi64>
tile.kernel @splat_iota(%x: f32, %n: index) attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
    grid = [#tile.expr<"1">]} {
  %true = arith.constant true
  %s0 = tile.splat %x : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  %s1 = tile.splat %n : tensor<?xindex, #tile.shape<BLOCK_M>>
  %s2 = tile.splat %true : tensor<?x?xi1, #tile.shape<BLOCK_M, BLOCK_N>>
  %s3 = tile.splat %x : tensor<16x16xf32>
  %i0 = tile.iota dim 0 : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>
  %i1 = tile.iota dim 1 : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>
  %i2 = tile.iota dim 0 : tensor<?xindex, #tile.shape<BLOCK_M>>
  %i3 = tile.iota dim 1 : tensor<4x8xi64>
  tile.return
}

//===----------------------------------------------------------------------===//
// arith, math and scf on tiles.
//===----------------------------------------------------------------------===//

// CHECK-LABEL: tile.kernel @elementwise(
// CHECK-SAME: [[X:%[^:]*]]: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>}
// CHECK-SAME: [[Y:%[^:]*]]: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, N>}
// CHECK: [[T:%.*]] = tile.load [[X]]{{.*}} -> !BLOCK_MxBLOCK_Nxbf16
// CHECK: [[E:%.*]] = arith.extf [[T]] : !BLOCK_MxBLOCK_Nxbf16 to !BLOCK_MxBLOCK_Nxf32
// CHECK: [[P:%.*]] = math.exp2 [[E]] : !BLOCK_MxBLOCK_Nxf32
// CHECK: [[R:%.*]] = tile.iota dim 0 : !BLOCK_MxBLOCK_Nxi32
// CHECK: [[C:%.*]] = tile.iota dim 1 : !BLOCK_MxBLOCK_Nxi32
// CHECK: [[MASK:%.*]] = arith.cmpi sgt, [[C]], [[R]] : !BLOCK_MxBLOCK_Nxi32
// CHECK: [[SEL:%.*]] = arith.select [[MASK]], [[P]], %{{.*}} : !BLOCK_MxBLOCK_Nxi1, !BLOCK_MxBLOCK_Nxf32
// CHECK: [[LOOP:%.*]] = scf.for [[IV:%[^ ]*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args([[ACC:%.*]] = [[SEL]]) -> (!BLOCK_MxBLOCK_Nxf32) {
// CHECK-NEXT: [[SUM:%.*]] = arith.addf [[ACC]], [[E]] : !BLOCK_MxBLOCK_Nxf32
// CHECK-NEXT: scf.yield [[SUM]] : !BLOCK_MxBLOCK_Nxf32
// CHECK-NEXT: }
// CHECK: [[F8:%.*]] = arith.truncf [[LOOP]] : !BLOCK_MxBLOCK_Nxf32 to !BLOCK_MxBLOCK_Nxf8E4M3FN
// CHECK: tile.store [[F8]], [[Y]]{{.*}} : !BLOCK_MxBLOCK_Nxf8E4M3FN -> memref<?x?xf8E4M3FN>
!bf = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_N>>
!f32 = tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
!i32 = tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>
!i1 = tensor<?x?xi1, #tile.shape<BLOCK_M, BLOCK_N>>
!f8 = tensor<?x?xf8E4M3FN, #tile.shape<BLOCK_M, BLOCK_N>>
tile.kernel @elementwise(%x: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>},
                         %y: memref<?x?xf8E4M3FN> {tile.shape = #tile.shape<M, N>})
    attributes {params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
                grid = [#tile.expr<"cdiv(M, BLOCK_M)">, #tile.expr<"cdiv(N, BLOCK_N)">]} {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %c1 = arith.constant 1 : index
  %ninf = arith.constant 0xFF800000 : f32
  %t = tile.load %x[%c0, %c0] : memref<?x?xbf16> -> !bf
  %e = arith.extf %t : !bf to !f32
  %p = math.exp2 %e : !f32
  %rows = tile.iota dim 0 : !i32
  %cols = tile.iota dim 1 : !i32
  %mask = arith.cmpi sgt, %cols, %rows : !i32
  %ninf_t = tile.splat %ninf : !f32
  %sel = arith.select %mask, %p, %ninf_t : !i1, !f32
  %loop = scf.for %iv = %c0 to %c4 step %c1 iter_args(%acc = %sel) -> (!f32) {
    %sum = arith.addf %acc, %e : !f32
    scf.yield %sum : !f32
  }
  %f8 = arith.truncf %loop : !f32 to !f8
  tile.store %f8, %y[%c0, %c0] : !f8 -> memref<?x?xf8E4M3FN>
  tile.return
}

// tile.transpose and tile.convert_layout round-trip.
// CHECK-LABEL: tile.kernel @transpose_convert
// CHECK: tile.transpose {{.*}} : !BMxBNxbf16 -> !BNxBMxbf16
// CHECK: tile.convert_layout {{.*}} : tensor<4x64xf32, #tile.blocked<size_per_thread = [1, 2], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>> -> tensor<4x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [4, 8], warps = [1, 4], order = [0, 1]>>
tile.kernel @transpose_convert(%x: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>},
                               %y: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {params = [#tile.param<"BM", [64]>, #tile.param<"BN", [32]>],
                grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %t = tile.load %x[%c0, %c0] : memref<?x?xbf16> -> tensor<?x?xbf16, #tile.shape<BM, BN>>
  %tt = tile.transpose %t : tensor<?x?xbf16, #tile.shape<BM, BN>> -> tensor<?x?xbf16, #tile.shape<BN, BM>>
  %f = tile.load %y[%c0, %c0] : memref<?x?xf32> -> tensor<4x64xf32, #tile.blocked<size_per_thread = [1, 2], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>>
  %g = tile.convert_layout %f : tensor<4x64xf32, #tile.blocked<size_per_thread = [1, 2], threads_per_warp = [1, 32], warps = [4, 1], order = [1, 0]>> -> tensor<4x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [4, 8], warps = [1, 4], order = [0, 1]>>
  tile.return
}

// Rings (tile-pipeline-loads), async dots and tile.dot_wait round-trip.
// CHECK-LABEL: tile.kernel @rings
// CHECK: %[[R:.*]] = tile.ring_alloc : <2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
// CHECK: tile.ring_put %[[R]][%{{.*}}], %arg0[%{{.*}}, %{{.*}}] : <2, {{.*}}>, memref<?x?xbf16>
// CHECK: tile.ring_put %[[R]][%{{.*}}], %arg0[%{{.*}}, %{{.*}}] {member = 1 : i64} : <2, {{.*}}>, memref<?x?xbf16>
// CHECK: %[[T:.*]]:2 = tile.ring_get %[[R]][%{{.*}}] : <2, {{.*}}> -> tensor<64x64xbf16, #tile.shared<swizzle = 128>>, tensor<64x64xbf16, #tile.shared<swizzle = 128>>
// CHECK: %[[D:.*]] = tile.dot %[[T]]#0, %[[T]]#1, %{{.*}} {async, transpose_rhs}
// CHECK: tile.dot_wait %[[D]] {pending = 0 : i64} : tensor<64x64xf32, #tile.wgmma_acc<warpgroups = 1>>
// CHECK: tile.ring_release %[[R]][%{{.*}}] : <2, {{.*}}>
!ring = !tile.ring<2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
!staged = tensor<64x64xbf16, #tile.shared<swizzle = 128>>
!acc = tensor<64x64xf32, #tile.wgmma_acc<warpgroups = 1>>
tile.kernel @rings(%x: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %r = tile.ring_alloc : !ring
  tile.ring_put %r[%c0], %x[%c0, %c0] : !ring, memref<?x?xbf16>
  tile.ring_put %r[%c0], %x[%c0, %c0] {member = 1} : !ring, memref<?x?xbf16>
  %t:2 = tile.ring_get %r[%c0] : !ring -> !staged, !staged
  %acc = tile.splat %zero : !acc
  %d = tile.dot %t#0, %t#1, %acc {transpose_rhs, async} : !staged, !staged -> !acc
  %w = tile.dot_wait %d {pending = 0} : !acc
  tile.ring_release %r[%c0] : !ring
  tile.return
}
