// RUN: tile-opt %s -split-input-file -verify-diagnostics

// Every diagnostic of the tile dialect's verifiers and attribute parsers.

//===----------------------------------------------------------------------===//
// tile.kernel: signature
//===----------------------------------------------------------------------===//

// expected-error @+1 {{'tile.kernel' op returns nothing: write results through memref arguments instead}}
tile.kernel @results() -> i32 attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #1 ('memref<?xf32>') needs a {tile.shape = #tile.shape<...>} attribute naming each of its dimensions}}
tile.kernel @no_shape(%a: memref<?xf32> {tile.shape = #tile.shape<N>}, %b: memref<?xf32>)
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// A tile.shape that is not a #tile.shape does not count.
// expected-error @+1 {{argument #0 ('memref<?xf32>') needs a {tile.shape = #tile.shape<...>} attribute}}
tile.kernel @shape_not_shape(%a: memref<?xf32> {tile.shape = 3 : i64})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #0 has rank 2 but its tile.shape <M> has 1 dimensions}}
tile.kernel @rank_mismatch(%a: memref<?x?xf32> {tile.shape = #tile.shape<M>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #0 dimension 1 is 32 but its tile.shape says 64}}
tile.kernel @extent_mismatch(%a: memref<?x32xf32> {tile.shape = #tile.shape<M, 64>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// A static extent on a dynamic memref dimension.
// expected-error-re @+1 {{argument #0 dimension 0 is {{.*}} but its tile.shape says 64}}
tile.kernel @extent_on_dynamic(%a: memref<?xf32> {tile.shape = #tile.shape<64>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #0 must be a ranked memref, got 'memref<*xf32>'}}
tile.kernel @unranked(%a: memref<*xf32>) attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #1 has type 'tensor<4xf32>'; kernel arguments are memrefs or scalars (integer, index, float)}}
tile.kernel @tensor_arg(%n: index, %t: tensor<4xf32>) attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #0 has type 'complex<f32>'; kernel arguments are memrefs or scalars}}
tile.kernel @complex_arg(%c: complex<f32>) attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{argument #0 is a scalar and cannot have a tile.shape}}
tile.kernel @scalar_shape(%n: index {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.kernel: params, config, grid and expressions
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{declares parameter 'BLOCK' twice}}
tile.kernel @dup_param() attributes {
    params = [#tile.param<"BLOCK", [64]>, #tile.param<"BLOCK", [128]>],
    grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{'N' is both a parameter and a problem size}}
tile.kernel @param_is_size(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"N", [64]>], grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{has both 'params' and a bound 'config'; tile-specialize replaces the first by the second}}
tile.kernel @params_and_config() attributes {
    params = [#tile.param<"BLOCK", [64]>], config = {BLOCK = 64 : i64},
    grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{grid must have 1 to 3 dimensions, got 0}}
tile.kernel @grid_empty() attributes {grid = []} {
  tile.return
}

// -----

// expected-error @+1 {{grid must have 1 to 3 dimensions, got 4}}
tile.kernel @grid_4d() attributes {
    grid = [#tile.expr<"1">, #tile.expr<"1">, #tile.expr<"1">, #tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op requires attribute 'grid'}}
tile.kernel @no_grid() {
  tile.return
}

// -----

// expected-error @+1 {{grid expression "cdiv(M, BLOCK)" uses 'BLOCK', which is neither a parameter nor a problem size of this kernel}}
tile.kernel @grid_unknown(%a: memref<?xf32> {tile.shape = #tile.shape<M>})
    attributes {grid = [#tile.expr<"cdiv(M, BLOCK)">]} {
  tile.return
}

// -----

// expected-error @+1 {{constraint "BLOCK_M * K <= 4096" uses 'K', which is neither a parameter nor a problem size of this kernel}}
tile.kernel @constraint_unknown(%a: memref<?xf32> {tile.shape = #tile.shape<M>})
    attributes {params = [#tile.param<"BLOCK_M", [64]>],
                constraints = [#tile.expr<"BLOCK_M > 0">, #tile.expr<"BLOCK_M * K <= 4096">],
                grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{num_warps "WARPS" uses 'WARPS', which is neither a parameter nor a problem size of this kernel}}
tile.kernel @warps_unknown() attributes {
    params = [#tile.param<"STAGES", [2]>],
    grid = [#tile.expr<"1">], num_warps = #tile.expr<"WARPS">} {
  tile.return
}

// -----

// expected-error @+1 {{num_stages "STAGES + 1" uses 'STAGES', which is neither a parameter nor a problem size of this kernel}}
tile.kernel @stages_unknown() attributes {
    params = [#tile.param<"WARPS", [4]>],
    grid = [#tile.expr<"1">], num_warps = #tile.expr<"WARPS">,
    num_stages = #tile.expr<"STAGES + 1">} {
  tile.return
}

// -----

// expected-error @+1 {{overlap_carried_dots "OVERLAP" uses 'OVERLAP', which is neither a parameter nor a problem size of this kernel}}
tile.kernel @overlap_unknown() attributes {
    params = [#tile.param<"WARPS", [4]>],
    grid = [#tile.expr<"1">], num_warps = #tile.expr<"WARPS">,
    overlap_carried_dots = #tile.expr<"OVERLAP">} {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op region #0 ('body') failed to verify constraint: region with 1 blocks}}
tile.kernel @no_body() attributes {grid = [#tile.expr<"1">]}

// -----

tile.kernel @unknown_tile_size() attributes {
    params = [#tile.param<"BLOCK_M", [64]>], grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'tile.iota' op result tile uses the size 'BLOCK_N', which is neither a parameter nor a problem size of kernel @unknown_tile_size}}
  %t = tile.iota dim 0 : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>
  tile.return
}

// -----

// Tiles in nested regions are checked too.
tile.kernel @unknown_tile_size_nested(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    // expected-error @+1 {{'tile.load' op result tile uses the size 'BLOCK', which is neither a parameter nor a problem size of kernel @unknown_tile_size_nested}}
    %t = tile.load %a[%i] : memref<?xf32> -> tensor<?xf32, #tile.shape<BLOCK>>
  }
  tile.return
}

// -----

tile.kernel @return_in_loop() attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c1 step %c1 {
    // expected-error @+1 {{'tile.return' op expects parent op 'tile.kernel'}}
    tile.return
  }
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.param, tile.dim, tile.program_id
//===----------------------------------------------------------------------===//

// -----

tile.kernel @undeclared_param() attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'tile.param' op 'BLOCK_K' is not a parameter of kernel @undeclared_param (declared: none)}}
  %p = tile.param "BLOCK_K"
  tile.return
}

// -----

tile.kernel @undeclared_param2(%a: memref<?xf32> {tile.shape = #tile.shape<K>})
    attributes {params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
                grid = [#tile.expr<"1">]} {
  // A problem size is not a parameter.
  // expected-error @+1 {{'tile.param' op 'K' is not a parameter of kernel @undeclared_param2 (declared: BLOCK_M, BLOCK_N)}}
  %p = tile.param "K"
  tile.return
}

// -----

func.func @param_outside() -> index {
  // expected-error @+1 {{'tile.param' op must be inside a tile.kernel}}
  %p = tile.param "BLOCK"
  return %p : index
}

// -----

func.func @dim_outside() -> index {
  // expected-error @+1 {{'tile.dim' op must be inside a tile.kernel}}
  %d = tile.dim "N"
  return %d : index
}

// -----

tile.kernel @unknown_dim(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {params = [#tile.param<"BLOCK", [64]>], grid = [#tile.expr<"1">]} {
  // A parameter is not a problem size.
  // expected-error @+1 {{'tile.dim' op 'BLOCK' is not a problem size of kernel @unknown_dim; name it in an argument's tile.shape}}
  %d = tile.dim "BLOCK"
  tile.return
}

// -----

tile.kernel @bad_axis() attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'axis' [x, y, z]}}
  %p = tile.program_id w
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.load, tile.store
//===----------------------------------------------------------------------===//

// -----

tile.kernel @load_indices(%a: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op takes one index per source dimension: expected 2, got 1}}
  %t = tile.load %a[%c0] : memref<?x?xf32> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @store_indices(%a: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %x = arith.constant 0.0 : f32
  %t = tile.splat %x : tensor<16x16xf32>
  // expected-error @+1 {{'tile.store' op takes one index per destination dimension: expected 2, got 3}}
  tile.store %t, %a[%c0, %c0, %c0] : tensor<16x16xf32> -> memref<?x?xf32>
  tile.return
}

// -----

tile.kernel @load_unranked(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  %u = memref.cast %a : memref<?xf32> to memref<*xf32>
  // expected-error @+1 {{'tile.load' op source must be a ranked memref}}
  %t = tile.load %u[] : memref<*xf32> -> tensor<16xf32>
  tile.return
}

// -----

tile.kernel @store_unranked(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  %u = memref.cast %a : memref<?xf32> to memref<*xf32>
  %x = arith.constant 0.0 : f32
  %t = tile.splat %x : tensor<16xf32>
  // expected-error @+1 {{'tile.store' op destination must be a ranked memref}}
  tile.store %t, %u[] : tensor<16xf32> -> memref<*xf32>
  tile.return
}

// -----

tile.kernel @load_rank_high(%a: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op tile rank 3 must be between 1 and the source rank 2}}
  %t = tile.load %a[%c0, %c0] : memref<?x?xf32> -> tensor<2x16x16xf32>
  tile.return
}

// -----

tile.kernel @store_rank_zero(%a: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %x = arith.constant 0.0 : f32
  %t = tile.splat %x : tensor<f32>
  // expected-error @+1 {{'tile.store' op tile rank 0 must be between 1 and the destination rank 1}}
  tile.store %t, %a[%c0] : tensor<f32> -> memref<?xf32>
  tile.return
}

// -----

tile.kernel @load_elt(%a: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op tile element type 'f32' differs from the source element type 'bf16'; convert with arith.extf/arith.truncf}}
  %t = tile.load %a[%c0, %c0] : memref<?x?xbf16> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @store_elt(%a: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %x = arith.constant 0.0 : f32
  %t = tile.splat %x : tensor<16x16xf32>
  // expected-error @+1 {{'tile.store' op tile element type 'f32' differs from the destination element type 'bf16'}}
  tile.store %t, %a[%c0, %c0] : tensor<16x16xf32> -> memref<?x?xbf16>
  tile.return
}

// -----

tile.kernel @load_unencoded_dynamic(%a: memref<?x?xf32> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'tile.load' op tile 'tensor<?x16xf32>' has a dynamic dimension that names no symbol; write its sizes in a #tile.shape encoding, e.g. tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>}}
  %t = tile.load %a[%c0, %c0] : memref<?x?xf32> -> tensor<?x16xf32>
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.dot
//===----------------------------------------------------------------------===//

// -----

tile.kernel @dot_rank() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<16xbf16>
  %b = tile.splat %zb : tensor<16x16xbf16>
  %c = tile.splat %zf : tensor<16x16xf32>
  // expected-error @+1 {{'tile.dot' op operands must be 2-d tiles, got ranks 1, 2 and 2}}
  %d = tile.dot %a, %b, %c : tensor<16xbf16>, tensor<16x16xbf16> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @dot_mixed_elt() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zh = arith.constant 0.0 : f16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<16x16xbf16>
  %b = tile.splat %zh : tensor<16x16xf16>
  %c = tile.splat %zf : tensor<16x16xf32>
  // expected-error @+1 {{'tile.dot' op lhs and rhs must have the same element type, got 'bf16' and 'f16'}}
  %d = tile.dot %a, %b, %c : tensor<16x16xbf16>, tensor<16x16xf16> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @dot_f32_operands() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zf : tensor<16x16xf32>
  // expected-error @+1 {{'tile.dot' op operands must be bf16, f16, f8E4M3FN or f8E5M2, got 'f32'}}
  %d = tile.dot %a, %a, %a : tensor<16x16xf32>, tensor<16x16xf32> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @dot_int_operands() attributes {grid = [#tile.expr<"1">]} {
  %zi = arith.constant 0 : i8
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zi : tensor<16x16xi8>
  %c = tile.splat %zf : tensor<16x16xf32>
  // expected-error @+1 {{'tile.dot' op operands must be bf16, f16, f8E4M3FN or f8E5M2, got 'i8'}}
  %d = tile.dot %a, %a, %c : tensor<16x16xi8>, tensor<16x16xi8> -> tensor<16x16xf32>
  tile.return
}

// -----

tile.kernel @dot_acc_f16() attributes {grid = [#tile.expr<"1">]} {
  %zh = arith.constant 0.0 : f16
  %a = tile.splat %zh : tensor<16x16xf16>
  // expected-error @+1 {{'tile.dot' op accumulator must be f32, got 'f16'}}
  %d = tile.dot %a, %a, %a : tensor<16x16xf16>, tensor<16x16xf16> -> tensor<16x16xf16>
  tile.return
}

// -----

!a = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b = tensor<?x?xbf16, #tile.shape<BLOCK_N, BLOCK_K>>
!c = tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
tile.kernel @dot_contraction() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>,
              #tile.param<"BLOCK_K", [64]>],
    grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : !a
  %b = tile.splat %zb : !b
  %c = tile.splat %zf : !c
  // A K-major rhs without transpose_rhs: the sizes are only equal by value.
  // expected-error @+1 {{'tile.dot' op contraction sizes differ: lhs is BLOCK_M x BLOCK_K and rhs is BLOCK_N x BLOCK_K (K x N)}}
  %d = tile.dot %a, %b, %c : !a, !b -> !c
  tile.return
}

// -----

!a = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!c = tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
tile.kernel @dot_contraction_transposed() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>,
              #tile.param<"BLOCK_K", [64]>],
    grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : !a
  %b = tile.splat %zb : !b
  %c = tile.splat %zf : !c
  // expected-error @+1 {{'tile.dot' op contraction sizes differ: lhs is BLOCK_M x BLOCK_K and rhs is BLOCK_K x BLOCK_N (N x K, transpose_rhs)}}
  %d = tile.dot %a, %b, %c {transpose_rhs} : !a, !b -> !c
  tile.return
}

// -----

tile.kernel @dot_contraction_static() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<64x32xbf16>
  %b = tile.splat %zb : tensor<16x64xbf16>
  %c = tile.splat %zf : tensor<64x64xf32>
  // expected-error @+1 {{'tile.dot' op contraction sizes differ: lhs is 64 x 32 and rhs is 16 x 64 (K x N)}}
  %d = tile.dot %a, %b, %c : tensor<64x32xbf16>, tensor<16x64xbf16> -> tensor<64x64xf32>
  tile.return
}

// -----

!a = tensor<?x?xbf16, #tile.shape<BLOCK_M, BLOCK_K>>
!b = tensor<?x?xbf16, #tile.shape<BLOCK_K, BLOCK_N>>
!c = tensor<?x?xf32, #tile.shape<BLOCK_N, BLOCK_M>>
tile.kernel @dot_acc_shape() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>,
              #tile.param<"BLOCK_K", [64]>],
    grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : !a
  %b = tile.splat %zb : !b
  %c = tile.splat %zf : !c
  // expected-error @+1 {{'tile.dot' op accumulator is BLOCK_N x BLOCK_M but the product is BLOCK_M x BLOCK_N}}
  %d = tile.dot %a, %b, %c : !a, !b -> !c
  tile.return
}

// -----

tile.kernel @dot_acc_shape_transposed() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<64x32xbf16>
  %b = tile.splat %zb : tensor<16x32xbf16>
  %c = tile.splat %zf : tensor<64x32xf32>
  // expected-error @+1 {{'tile.dot' op accumulator is 64 x 32 but the product is 64 x 16}}
  %d = tile.dot %a, %b, %c {transpose_rhs} : tensor<64x32xbf16>, tensor<16x32xbf16> -> tensor<64x32xf32>
  tile.return
}

// -----

tile.kernel @dot_acc_result() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<16x16xbf16>
  %c = tile.splat %zf : tensor<16x16xf32>
  // expected-error @+1 {{'tile.dot' op failed to verify that all of {acc, result} have same type}}
  %d = "tile.dot"(%a, %a, %c) : (tensor<16x16xbf16>, tensor<16x16xbf16>, tensor<16x16xf32>) -> tensor<16x32xf32>
  tile.return
}

// -----

tile.kernel @dot_unencoded() attributes {grid = [#tile.expr<"1">]} {
  %zb = arith.constant 0.0 : bf16
  %zf = arith.constant 0.0 : f32
  %a = tile.splat %zb : tensor<16x16xbf16>
  %c = tile.splat %zf : tensor<16x16xf32>
  %u = tensor.cast %c : tensor<16x16xf32> to tensor<?x16xf32>
  // expected-error @+1 {{'tile.dot' op accumulator 'tensor<?x16xf32>' has a dynamic dimension that names no symbol}}
  %d = tile.dot %a, %a, %u : tensor<16x16xbf16>, tensor<16x16xbf16> -> tensor<?x16xf32>
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.reduce, tile.broadcast
//===----------------------------------------------------------------------===//

// -----

tile.kernel @reduce_dim() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16x8xf32>
  // expected-error @+1 {{'tile.reduce' op dim 2 is out of range for the 2-d input}}
  %r = tile.reduce sum %s dim 2 : tensor<16x8xf32> -> tensor<16xf32>
  tile.return
}

// -----

tile.kernel @reduce_shape() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
    grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  // expected-error @+1 {{'tile.reduce' op result must be input BLOCK_M x BLOCK_N without dimension 1 (BLOCK_M), got BLOCK_N}}
  %r = tile.reduce max %s dim 1
      : tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>> -> tensor<?xf32, #tile.shape<BLOCK_N>>
  tile.return
}

// -----

tile.kernel @reduce_to_scalar_shape() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16xf32>
  // expected-error @+1 {{'tile.reduce' op result must be input 16 without dimension 0 (a scalar), got 1}}
  %r = tile.reduce min %s dim 0 : tensor<16xf32> -> tensor<1xf32>
  tile.return
}

// -----

tile.kernel @reduce_elt() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16x8xf32>
  // expected-error @+1 {{'tile.reduce' op input and result element types differ: 'f16' vs 'f32'}}
  %r = tile.reduce sum %s dim 1 : tensor<16x8xf32> -> tensor<16xf16>
  tile.return
}

// -----

tile.kernel @reduce_vector() attributes {grid = [#tile.expr<"1">]} {
  %z = arith.constant dense<0.0> : vector<4xf32>
  %s = tile.splat %z : tensor<16x8xvector<4xf32>>
  // expected-error @+1 {{'tile.reduce' op reduces integers or floats, got 'vector<4xf32>'}}
  %r = tile.reduce sum %s dim 1 : tensor<16x8xvector<4xf32>> -> tensor<16xvector<4xf32>>
  tile.return
}

// -----

tile.kernel @reduce_negative_dim() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16x8xf32>
  // expected-error @+1 {{'tile.reduce' op attribute 'dim' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  %r = tile.reduce sum %s dim -1 : tensor<16x8xf32> -> tensor<16xf32>
  tile.return
}

// -----

tile.kernel @reduce_bad_kind() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16x8xf32>
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'kind' [sum, max, min]}}
  %r = tile.reduce prod %s dim 1 : tensor<16x8xf32> -> tensor<16xf32>
  tile.return
}

// -----

tile.kernel @broadcast_dim() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16xf32>
  // expected-error @+1 {{'tile.broadcast' op dim 2 is out of range for the 2-d result}}
  %b = tile.broadcast %s dim 2 : tensor<16xf32> -> tensor<16x8xf32>
  tile.return
}

// -----

tile.kernel @broadcast_shape() attributes {
    params = [#tile.param<"BLOCK_M", [64]>, #tile.param<"BLOCK_N", [64]>],
    grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<?xf32, #tile.shape<BLOCK_M>>
  // expected-error @+1 {{'tile.broadcast' op input must be result BLOCK_M x BLOCK_N without dimension 0 (BLOCK_N), got BLOCK_M}}
  %b = tile.broadcast %s dim 0
      : tensor<?xf32, #tile.shape<BLOCK_M>> -> tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>
  tile.return
}

// -----

tile.kernel @broadcast_elt() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  %s = tile.splat %zf : tensor<16xf32>
  // expected-error @+1 {{'tile.broadcast' op input and result element types differ: 'f32' vs 'bf16'}}
  %b = tile.broadcast %s dim 1 : tensor<16xf32> -> tensor<16x8xbf16>
  tile.return
}

//===----------------------------------------------------------------------===//
// tile.splat, tile.iota
//===----------------------------------------------------------------------===//

// -----

tile.kernel @splat_dynamic() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  // expected-error @+1 {{'tile.splat' op result 'tensor<?x?xf32>' has a dynamic dimension that names no symbol; write its sizes in a #tile.shape encoding}}
  %s = tile.splat %zf : tensor<?x?xf32>
  tile.return
}

// -----

tile.kernel @splat_type() attributes {grid = [#tile.expr<"1">]} {
  %zf = arith.constant 0.0 : f32
  // expected-error @+1 {{'tile.splat' op failed to verify that the scalar's type is the tile's element type}}
  %s = "tile.splat"(%zf) : (f32) -> tensor<16xbf16>
  tile.return
}

// -----

tile.kernel @iota_dim() attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'tile.iota' op dim 2 is out of range for a 2-d tile}}
  %i = tile.iota dim 2 : tensor<16x16xi32>
  tile.return
}

// -----

tile.kernel @iota_float() attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'tile.iota' op result elements must be signless integers or index, got 'f32'}}
  %i = tile.iota dim 0 : tensor<16xf32>
  tile.return
}

// -----

tile.kernel @iota_unsigned() attributes {grid = [#tile.expr<"1">]} {
  // expected-error @+1 {{'tile.iota' op result elements must be signless integers or index, got 'ui32'}}
  %i = tile.iota dim 0 : tensor<16xui32>
  tile.return
}

//===----------------------------------------------------------------------===//
// #tile.shape
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{#tile.shape needs at least one dimension}}
tile.kernel @shape_empty(%a: memref<?xf32> {tile.shape = #tile.shape<>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{#tile.shape extent 0 must be positive}}
tile.kernel @shape_zero(%a: memref<0xf32> {tile.shape = #tile.shape<0>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

// expected-error @+1 {{#tile.shape extent -4 must be positive}}
func.func private @shape_negative() attributes {s = #tile.shape<M, -4>}

// -----

// expected-error @+1 {{'M.x' is not a valid symbol name in #tile.shape}}
func.func private @shape_bad_symbol() attributes {s = #tile.shape<M.x>}

// -----

// expected-error @+1 {{expected integer value}}
func.func private @shape_string() attributes {s = #tile.shape<"M">}

// -----

// expected-error @+1 {{#tile.shape<BLOCK_M x BLOCK_N> has 2 dimensions but the tensor has 1}}
func.func private @encoding_rank(tensor<?xf32, #tile.shape<BLOCK_M, BLOCK_N>>)

// -----

// expected-error @+1 {{dimension 1 of the tensor must be 64 as #tile.shape<BLOCK_M x 64> says}}
func.func private @encoding_static(tensor<?x32xf32, #tile.shape<BLOCK_M, 64>>)

// -----

// expected-error @+1 {{dimension 1 of the tensor must be 64 as #tile.shape<BLOCK_M x 64> says}}
func.func private @encoding_static_dynamic(tensor<?x?xf32, #tile.shape<BLOCK_M, 64>>)

// -----

// expected-error @+1 {{dimension 0 of the tensor must be '?' since #tile.shape<BLOCK_M x BLOCK_N> names it 'BLOCK_M'}}
func.func private @encoding_symbol(tensor<64x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>)

//===----------------------------------------------------------------------===//
// #tile.param
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{parameter 'BLOCK' lists 64 twice}}
func.func private @param_dup() attributes {p = #tile.param<"BLOCK", [64, 128, 64]>}

// -----

// The candidate list cannot be empty: the parser wants at least one value.
// expected-error @+2 {{failed to parse Tile_ParamAttr parameter 'values'}}
// expected-error @+1 {{expected integer value}}
func.func private @param_empty() attributes {p = #tile.param<"BLOCK", []>}

// -----

// expected-error @+1 {{parameter name '2D' must be an identifier}}
func.func private @param_name() attributes {p = #tile.param<"2D", [1]>}

// -----

// expected-error @+1 {{parameter name '' must be an identifier}}
func.func private @param_name_empty() attributes {p = #tile.param<"", [1]>}

//===----------------------------------------------------------------------===//
// #tile.expr
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{invalid expression: expected a number, a name or '(' at column 1 of ""}}
func.func private @expr_empty() attributes {e = #tile.expr<"">}

// -----

// expected-error @+1 {{invalid expression: expected a number, a name or '(' at column 4 of "M +"}}
func.func private @expr_trailing_op() attributes {e = #tile.expr<"M +">}

// -----

// expected-error @+1 {{invalid expression: unknown function 'ceil' (known: cdiv, min, max) at column 1 of "ceil(M, 2)"}}
func.func private @expr_function() attributes {e = #tile.expr<"ceil(M, 2)">}

// -----

// expected-error @+1 {{invalid expression: expected ')' at column 7 of "(M + 1"}}
func.func private @expr_paren() attributes {e = #tile.expr<"(M + 1">}

// -----

// expected-error @+1 {{invalid expression: expected ',' in min(a, b) at column 7 of "min(M N)"}}
func.func private @expr_comma() attributes {e = #tile.expr<"min(M N)">}

// -----

// expected-error @+1 {{invalid expression: expected ')' after the arguments of cdiv at column 11 of "cdiv(M, 2 "}}
func.func private @expr_call_paren() attributes {e = #tile.expr<"cdiv(M, 2 ">}

// -----

// expected-error @+1 {{invalid expression: unexpected '|' at column 3 of "M | N"}}
func.func private @expr_bitwise() attributes {e = #tile.expr<"M | N">}

// -----

// expected-error @+1 {{invalid expression: unexpected 'N' at column 3 of "M N"}}
func.func private @expr_juxtaposed() attributes {e = #tile.expr<"M N">}

// -----

// expected-error @+1 {{invalid expression: integer out of range}}
func.func private @expr_overflow() attributes {e = #tile.expr<"99999999999999999999">}

// -----

// An invalid expression in a kernel's grid.
// expected-error @+1 {{invalid expression: unexpected ')' at column 5 of "cdiv)"}}
tile.kernel @grid_syntax() attributes {grid = [#tile.expr<"cdiv)">]} {
  tile.return
}

// -----

// A misspelt kernel attribute is an error, not a silently ignored extra.
// expected-error @+1 {{'tile.kernel' op has an unknown attribute 'num_wraps'; did you mean 'num_warps'?}}
tile.kernel @misspelt() attributes {grid = [#tile.expr<"1">], num_wraps = #tile.expr<"8">} {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op has an unknown attribute 'bogus' (a kernel's attributes are params, constraints, grid, num_warps, num_stages, min_blocks_per_sm, overlap_carried_dots and reference; another dialect's attribute needs its prefix, e.g. 'mydialect.bogus')}}
tile.kernel @unknown() attributes {grid = [#tile.expr<"1">], bogus = 1} {
  tile.return
}

// -----

// Another dialect's attribute, with its prefix, is kept.
tile.kernel @prefixed() attributes {grid = [#tile.expr<"1">], mydialect.note = "kept"} {
  tile.return
}

// -----

// expected-error @+1 {{'tile.kernel' op argument #0 is a memref in memory space #gpu.address_space<workgroup>; kernel arguments are tensors in global memory: drop the memory space}}
tile.kernel @workgroup_arg(%A: memref<?xf32, #gpu.address_space<workgroup>> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">]} {
  tile.return
}

// -----

tile.kernel @transpose_rank(%A: memref<?x?x?xf32> {tile.shape = #tile.shape<N, N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %a = tile.load %A[%c0, %c0, %c0] : memref<?x?x?xf32> -> tensor<2x4x8xf32>
  // expected-error @+1 {{'tile.transpose' op transposes 2-d tiles, got a 3-d input}}
  %t = tile.transpose %a : tensor<2x4x8xf32> -> tensor<2x8x4xf32>
  tile.return
}

// -----

tile.kernel @transpose_shape(%A: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %a = tile.load %A[%c0, %c0] : memref<?x?xf32> -> tensor<?x?xf32, #tile.shape<BM, BN>>
  // expected-error @+1 {{'tile.transpose' op result must be the input BM x BN with its dimensions swapped (BN x BM), got BM x BN}}
  %t = tile.transpose %a : tensor<?x?xf32, #tile.shape<BM, BN>> -> tensor<?x?xf32, #tile.shape<BM, BN>>
  tile.return
}

// -----

tile.kernel @convert_layout_shape(%A: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %a = tile.load %A[%c0, %c0] : memref<?x?xf32> -> tensor<4x8xf32>
  // expected-error @+1 {{'tile.convert_layout' op input 4 x 8 and result 8 x 4 must have the same shape}}
  %t = tile.convert_layout %a : tensor<4x8xf32> -> tensor<8x4xf32>
  tile.return
}

// -----

tile.kernel @convert_layout_type(%A: memref<?x?xf32> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %a = tile.load %A[%c0, %c0] : memref<?x?xf32> -> tensor<4x8xf32>
  // expected-error @+1 {{'tile.convert_layout' op input and result element types differ: 'f32' vs 'bf16'}}
  %t = tile.convert_layout %a : tensor<4x8xf32> -> tensor<4x8xbf16>
  tile.return
}

// -----

!staged = tensor<64x64xbf16, #tile.shared<swizzle = 128>>
// expected-error @+1 {{!tile.ring: 0 stages; a ring has 1 to 32 buffers}}
func.func private @ring_stages() -> !tile.ring<0, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>

// -----

// expected-error @+1 {{!tile.ring holds tiles laid out in shared memory (#tile.shared), got 'tensor<64x64xbf16>'}}
func.func private @ring_registers() -> !tile.ring<2, tensor<64x64xbf16>>

// -----

!ring = !tile.ring<2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
tile.kernel @ring_get_type(%A: memref<?x?xbf16> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %r = tile.ring_alloc : !ring
  // expected-error @+1 {{'tile.ring_get' op gives ('tensor<64x128xbf16, #tile.shared<swizzle = 128>>'), but the ring holds ('tensor<64x64xbf16, #tile.shared<swizzle = 128>>')}}
  %t = tile.ring_get %r[%c0] : !ring -> tensor<64x128xbf16, #tile.shared<swizzle = 128>>
  tile.return
}

// -----

!ring = !tile.ring<2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
tile.kernel @ring_put_type(%A: memref<?x?xf16> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %r = tile.ring_alloc : !ring
  // expected-error @+1 {{'tile.ring_put' op tile element type 'bf16' differs from the source element type 'f16'}}
  tile.ring_put %r[%c0], %A[%c0, %c0] : !ring, memref<?x?xf16>
  tile.return
}

// -----

!ring = !tile.ring<2, tensor<64x64xbf16, #tile.shared<swizzle = 128>>>
tile.kernel @ring_put_member(%A: memref<?x?xbf16> {tile.shape = #tile.shape<N, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %r = tile.ring_alloc : !ring
  // expected-error @+1 {{'tile.ring_put' op puts member 1 of a ring of 1 member tile(s)}}
  tile.ring_put %r[%c0], %A[%c0, %c0] {member = 1} : !ring, memref<?x?xbf16>
  tile.return
}
