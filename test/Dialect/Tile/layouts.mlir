// RUN: tile-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// The register layouts (#tile.wgmma_acc, #tile.blocked, #tile.slice) as
// tensor encodings: they print as they parse and check the tensor's shape.

// CHECK-LABEL: func.func private @layouts
// CHECK-SAME: tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 2>>
// CHECK-SAME: tensor<128xf32, #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 2>>>
// CHECK-SAME: tensor<64x256xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [4, 1], order = [1, 0]>>
// CHECK-SAME: tensor<64xf32, #tile.slice<dim = 1, parent = #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [4, 1], order = [1, 0]>>>
func.func private @layouts(
    tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 2>>,
    tensor<128xf32, #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 2>>>,
    tensor<64x256xbf16, #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [4, 1], order = [1, 0]>>,
    tensor<64xf32, #tile.slice<dim = 1, parent = #tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8], warps = [4, 1], order = [1, 0]>>>)

// -----

// expected-error @+1 {{#tile.wgmma_acc<warpgroups = 2> needs 64 or 128 rows a warpgroup, not 64 rows}}
func.func private @too_few_rows(tensor<64x64xf32, #tile.wgmma_acc<warpgroups = 2>>)

// -----

// expected-error @+1 {{#tile.wgmma_acc needs a positive multiple of 8 columns, not 12}}
func.func private @odd_columns(tensor<64x12xf32, #tile.wgmma_acc<warpgroups = 1>>)

// -----

// expected-error @+1 {{a tensor laid out as #tile.wgmma_acc<warpgroups = 1> needs a static shape}}
func.func private @dynamic(tensor<?x64xf32, #tile.wgmma_acc<warpgroups = 1>>)

// -----

// expected-error @+1 {{#tile.wgmma_acc needs 1 to 8 warpgroups, not 0}}
func.func private @no_warpgroups(tensor<64x64xf32, #tile.wgmma_acc<warpgroups = 0>>)

// -----

// expected-error @+1 {{#tile.blocked threads_per_warp must multiply to 32 (a warp), not 16}}
func.func private @half_warp(tensor<64xf32, #tile.blocked<size_per_thread = [1], threads_per_warp = [16], warps = [1], order = [0]>>)

// -----

// expected-error @+1 {{#tile.blocked holds at most 1024 elements a thread along a dimension and 32 warps in all}}
func.func private @huge(tensor<64xf32, #tile.blocked<size_per_thread = [4611686018427387904], threads_per_warp = [32], warps = [1], order = [0]>>)

// -----

// expected-error @+1 {{#tile.blocked holds at most 1024 elements a thread along a dimension and 32 warps in all}}
func.func private @many_warps(tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [4, 8], warps = [16, 4], order = [1, 0]>>)

// -----

// Found by the dialect fuzzer: products of many entries overflowed.
// expected-error @+1 {{#tile.blocked holds at most 1024 elements a thread along a dimension and 32 warps in all}}
func.func private @many_dims(tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1xf32, #tile.blocked<size_per_thread = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], threads_per_warp = [32, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], warps = [32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32], order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]>>)

// -----

// expected-error @+1 {{#tile.blocked threads_per_warp must multiply to 32 (a warp), not more}}
func.func private @many_lanes(tensor<1x1x1x1x1x1x1x1x1x1x1x1x1x1xf32, #tile.blocked<size_per_thread = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], threads_per_warp = [32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 32], warps = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]>>)

// -----

// expected-error @+1 {{#tile.blocked order must be a permutation of the dimensions 0..1}}
func.func private @bad_order(tensor<64x64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [4, 8], warps = [1, 1], order = [1, 1]>>)

// -----

// expected-error @+1 {{#tile.blocked needs size_per_thread, threads_per_warp, warps and order of one rank (at least 1)}}
func.func private @ranks(tensor<64x64xf32, #tile.blocked<size_per_thread = [1], threads_per_warp = [4, 8], warps = [1, 1], order = [1, 0]>>)

// -----

// expected-error @+1 {{#tile.blocked covers 32 elements a repetition along dimension 1, which does not divide 48}}
func.func private @partial(tensor<16x48xf32, #tile.blocked<size_per_thread = [1, 4], threads_per_warp = [4, 8], warps = [1, 1], order = [1, 0]>>)

// -----

// expected-error @+1 {{#tile.blocked of rank 2 does not lay out a tile of rank 1}}
func.func private @rank_mismatch(tensor<64xf32, #tile.blocked<size_per_thread = [1, 1], threads_per_warp = [4, 8], warps = [1, 1], order = [1, 0]>>)

// -----

// expected-error @+1 {{#tile.slice dimension 2 is not a dimension of its rank-2 parent}}
func.func private @slice_dim(tensor<64xf32, #tile.slice<dim = 2, parent = #tile.wgmma_acc<warpgroups = 1>>>)

// -----

// expected-error @+1 {{#tile.slice of a slice is not supported}}
func.func private @slice_of_slice(tensor<f32, #tile.slice<dim = 0, parent = #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 1>>>>)

// -----

// The rows of a wgmma slice must still be whole warpgroup slices.
// expected-error @+1 {{#tile.wgmma_acc<warpgroups = 1> needs 64 or 128 rows a warpgroup, not 32 rows}}
func.func private @slice_rows(tensor<32xf32, #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 1>>>)

// -----

// #tile.shared: whole 128-byte swizzle atoms (8 rows of 128 bytes).
// CHECK-LABEL: @staged
// CHECK-SAME: tensor<128x64xbf16, #tile.shared<swizzle = 128>>
func.func private @staged(tensor<128x64xbf16, #tile.shared<swizzle = 128>>)

// -----

// expected-error @+1 {{#tile.shared: swizzle = 16 is not supported; use 32, 64 or 128 (bytes, as TMA and wgmma swizzle)}}
func.func private @swizzle_16(tensor<128x64xbf16, #tile.shared<swizzle = 16>>)

// -----

// 64 and 32 bytes: rows of 64 (32 bf16) and 32 bytes.
// CHECK-LABEL: @staged_64
// CHECK-SAME: tensor<128x32xbf16, #tile.shared<swizzle = 64>>
func.func private @staged_64(tensor<128x32xbf16, #tile.shared<swizzle = 64>>)
// CHECK-LABEL: @staged_32
// CHECK-SAME: tensor<64x32xf8E4M3FN, #tile.shared<swizzle = 32>>
func.func private @staged_32(tensor<64x32xf8E4M3FN, #tile.shared<swizzle = 32>>)

// -----

// expected-error @+1 {{a 128 x 32 tile of 'bf16' does not fill whole 128-byte swizzle atoms (#tile.shared<swizzle = 128>): rows a multiple of 8, a row a multiple of 128 bytes}}
func.func private @short_rows(tensor<128x32xbf16, #tile.shared<swizzle = 128>>)

// -----

// expected-error @+1 {{a tensor laid out as #tile.shared<swizzle = 128> needs a static 2-d shape}}
func.func private @rank3(tensor<2x8x64xbf16, #tile.shared<swizzle = 128>>)

// -----

// (found by the lowering fuzzer: a ring of empty tiles had no shared memory)
// expected-error @+1 {{a tensor laid out as #tile.shared<swizzle = 128> needs a static 2-d shape of positive extents}}
func.func private @no_rows(tensor<0x64xbf16, #tile.shared<swizzle = 128>>)

// -----

// (found by the dialect fuzzer: the row's bytes overflowed int64)
// expected-error @+1 {{a 128 x 9223372036854775807 tile of 'bf16' does not fill whole 128-byte swizzle atoms}}
func.func private @huge_row(tensor<128x9223372036854775807xbf16, #tile.shared<swizzle = 128>>)

// -----

// expected-error @+1 {{a tensor laid out as #tile.shared<swizzle = 128> needs elements of 1, 2, 4 ... bytes that divide the swizzle, got 'i24'}}
func.func private @odd_width(tensor<128x64xi24, #tile.shared<swizzle = 128>>)

// -----

// An element type that does not parse is reported once, by the parser: the
// shared layout's check then has no type to look at (it crashed on the null
// type until session 21; tile-fuzz-lowering found it).
// expected-error @+1 {{undefined symbol alias id 'f16'}}
func.func private @unparsed_element(tensor<64x128x!f16, #tile.shared<swizzle = 128>>)

// -----

// acc_order orders the K index of a transposed (fp8) B.
// expected-error @+1 {{#tile.shared: acc_order orders a transposed tile's K index (an fp8 B); add transposed = true}}
func.func private @acc_order_untransposed(tensor<64x64xf8E4M3FN, #tile.shared<swizzle = 64, transposed = false, acc_order = true>>)

// -----

// expected-error @+1 {{needs 8-bit elements in whole groups of 16 along K (acc_order serves fp8 wgmma's register A)}}
func.func private @acc_order_bf16(tensor<64x64xbf16, #tile.shared<swizzle = 128, transposed = true, acc_order = true>>)

// -----

// A transposed tile's stored rows are its columns: a 16 x 64 tile of fp8
// fills 64-byte rows untransposed, not as its transpose (64 rows of 16
// bytes).
// expected-error @+1 {{a 16 x 64 tile of 'f8E4M3FN' does not fill whole 64-byte swizzle atoms (#tile.shared<swizzle = 64, transposed = true>): rows a multiple of 8, a row a multiple of 64 bytes (rows of the transpose)}}
func.func private @transposed_narrow(tensor<16x64xf8E4M3FN, #tile.shared<swizzle = 64, transposed = true>>)
