//===- TileOps.td - tile operations ------------------------*- tablegen -*-===//
#ifndef TILE_OPS_TD
#define TILE_OPS_TD

include "tile/Dialect/Tile/TileDialect.td"
include "tile/Dialect/Tile/TileAttrs.td"
include "tile/Dialect/Tile/TileTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// A tile: a ranked tensor, static or with a #tile.shape encoding.
def Tile_Tile : RankedTensorOf<[AnyType]>;

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Tile_KernelOp : Tile_Op<"kernel", [
    FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "A tile program: run once per point of its launch grid";
  let description = [{
    Arguments are global tensors (`memref`, row-major unless a strided layout
    says otherwise; each carries a `tile.shape` attribute that names its
    problem sizes) and scalars (integers, index, floats). Attributes:

    - `params`: the tuning parameters, `[#tile.param<"BLOCK_M", [64, 128]>, ...]`;
    - `constraints`: expressions every configuration must make non-zero;
    - `grid`: one to three expressions, the number of programs on x, y, z;
    - `num_warps`, `num_stages`: the warps of a program and the depth of the
      load pipeline, as expressions (usually a parameter's name; without
      `num_stages`, 2);
    - `min_blocks_per_sm`: an expression; when above 1, the lowering asks
      ptxas to fit that many programs on a multiprocessor at once
      (`.minnctapersm`, capping the registers a thread may use), so that
      one program's loads overlap another's arithmetic (memory-bound
      kernels: a tuning parameter, as `num_warps` is);
    - `overlap_carried_dots`: an expression; when non-zero,
      `tile-pipeline-loads` leaves a loop's `tile.dot` whose result is only
      carried to the next iteration (attention's `O = O * alpha + P V`) in
      flight across the back edge, waited for right before the carried
      value's first reader, so that the tensor cores run it back to back
      with the next iteration's first dot and one wait covers both (a
      tuning parameter: the operands stay live longer, which costs
      registers, and a transposed operand a third buffer);
    - `config`: set by `tile-specialize`, the bound configuration. A kernel
      with a `config` has no `params` left and static tiles;
    - `reference`: the reference computation `tile-run` checks results
      against: `"gemm"` (arguments A, B, C with C = A * B).

    ```mlir
    tile.kernel @copy(%x: memref<?xf32> {tile.shape = #tile.shape<N>},
                      %y: memref<?xf32> {tile.shape = #tile.shape<N>})
        attributes {params = [#tile.param<"BLOCK", [256, 1024]>],
                    grid = [#tile.expr<"cdiv(N, BLOCK)">]} {
      ...
      tile.return
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs,
                       OptionalAttr<TypedArrayAttrBase<Tile_ParamAttr, "tuning parameters">>:$params,
                       OptionalAttr<TypedArrayAttrBase<Tile_ExprAttr, "constraints">>:$constraints,
                       TypedArrayAttrBase<Tile_ExprAttr, "launch grid">:$grid,
                       OptionalAttr<Tile_ExprAttr>:$num_warps,
                       OptionalAttr<Tile_ExprAttr>:$num_stages,
                       OptionalAttr<Tile_ExprAttr>:$min_blocks_per_sm,
                       OptionalAttr<Tile_ExprAttr>:$overlap_carried_dots,
                       OptionalAttr<DictionaryAttr>:$config,
                       OptionalAttr<StrAttr>:$reference);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() { return &getBody(); }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }

    /// The name of the argument attribute that names a memref's problem sizes.
    static ::llvm::StringRef getShapeArgAttrName() { return "tile.shape"; }
    /// The #tile.shape of argument `i`, or null for a scalar.
    ShapeAttr getArgShape(unsigned i);
    /// The declared parameter called `name`, or null.
    ParamAttr lookupParam(::llvm::StringRef name);
    /// Whether some argument's #tile.shape names `name`.
    bool hasProblemSize(::llvm::StringRef name);
    /// A configuration has been bound (by tile-specialize).
    bool isSpecialized() { return getConfig().has_value(); }
  }];
}

def Tile_ReturnOp : Tile_Op<"return", [
    Pure, HasParent<"KernelOp">, ReturnLike, Terminator]> {
  let summary = "Ends a tile program";
  let description = [{ `tile.return` ends the body of a `tile.kernel`. }];
  let assemblyFormat = "attr-dict";
}

//===----------------------------------------------------------------------===//
// Program coordinates, parameters and problem sizes
//===----------------------------------------------------------------------===//

def Tile_ProgramIdOp : Tile_Op<"program_id", [Pure]> {
  let summary = "This program's coordinate on one axis of the launch grid";
  let description = [{ `%pid = tile.program_id x` (axes `x`, `y`, `z`). }];
  let arguments = (ins Tile_Axis:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

def Tile_NumProgramsOp : Tile_Op<"num_programs", [Pure]> {
  let summary = "The number of programs on one axis of the launch grid";
  let description = [{ `%n = tile.num_programs y`. }];
  let arguments = (ins Tile_Axis:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

def Tile_ParamOp : Tile_Op<"param", [Pure]> {
  let summary = "The value of a tuning parameter of the enclosing kernel";
  let description = [{
    `%bk = tile.param "BLOCK_K"`. The kernel must declare the parameter;
    `tile-specialize` replaces the op by the bound constant.
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs Index:$result);
  let assemblyFormat = "$name attr-dict";
  let hasVerifier = 1;
}

def Tile_DimOp : Tile_Op<"dim", [Pure]> {
  let summary = "The value of a problem size of the enclosing kernel";
  let description = [{
    `%K = tile.dim "K"`: the extent that a memref argument's `tile.shape`
    calls `K`. Lowered to a `memref.dim` of that argument, or to a constant
    when the problem size is bound at specialization.
  }];
  let arguments = (ins StrAttr:$name);
  let results = (outs Index:$result);
  let assemblyFormat = "$name attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Moving tiles between global memory and values
//===----------------------------------------------------------------------===//

def Tile_LoadOp : Tile_Op<"load", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Reads a rectangular block of a global tensor";
  let description = [{
    `%t = tile.load %src[%i, %j] : memref<?x?xbf16> -> !tile` reads the box
    that starts at element `[%i, %j]` and has the extent of the result tile.
    Elements outside the source read as zero, so partial blocks at the edges
    need no masks.

    The result may have fewer dimensions than the source: the box then has
    extent 1 in the leading source dimensions, which the result drops. A
    `(B, H, S, D)` tensor gives a `BLOCK_M x D` tile with
    `tile.load %q[%b, %h, %s, %c0]`.

    This is the shape of a TMA box load (`cp.async.bulk.tensor`, zero fill out
    of bounds) on sm_90, and of bounds-checked vector loads elsewhere.
  }];
  let arguments = (ins AnyRankedOrUnrankedMemRef:$source, Variadic<Index>:$indices);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = [{
    $source `[` $indices `]` attr-dict `:` type($source) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_StoreOp : Tile_Op<"store", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Writes a tile into a rectangular block of a global tensor";
  let description = [{
    `tile.store %t, %dst[%i, %j] : !tile -> memref<?x?xbf16>` writes the tile
    at element `[%i, %j]`. Elements that fall outside the destination are not
    written. As for `tile.load`, a tile of lower rank writes a box of extent 1
    in the leading destination dimensions. The tile's element type must be
    the destination's: convert first with `arith.truncf`/`arith.extf`.
  }];
  let arguments = (ins Tile_Tile:$value, AnyRankedOrUnrankedMemRef:$dest,
                       Variadic<Index>:$indices);
  let assemblyFormat = [{
    $value `,` $dest `[` $indices `]` attr-dict `:` type($value) `->` type($dest)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Computing on tiles
//===----------------------------------------------------------------------===//

def Tile_DotOp : Tile_Op<"dot", [Pure, AllTypesMatch<["acc", "result"]>]> {
  let summary = "Matrix product accumulated into a tile";
  let description = [{
    `%d = tile.dot %a, %b, %c : !a, !b -> !c` computes `c + a * b` with `a`
    of shape `M x K`, `b` of shape `K x N` (`N x K` with `transpose_rhs`, as
    for `Q * K^T` in attention) and `c` of shape `M x N`. Operands are bf16,
    f16, f8E4M3FN or f8E5M2 (both the same); the accumulator is f32.

    This is one warpgroup MMA (`wgmma`) sequence on sm_90 and `mma.sync` on
    sm_80: `transpose_rhs` selects the K-major layout of the B operand.

    With `async` (set by tile-pipeline-loads) the product may still be
    running when the op returns: its result may only be the accumulator of
    the next `async` dot (directly, or as the false value of an
    `arith.select %first, zeros, %acc` that restarts the sum, which the
    register lowering folds into wgmma's scale-d) or the operand of
    `tile.dot_wait`, and its operands (tiles in shared memory) must stay
    untouched until a `tile.dot_wait` says the dot has completed.
  }];
  let arguments = (ins Tile_Tile:$lhs, Tile_Tile:$rhs, Tile_Tile:$acc,
                       UnitAttr:$transpose_rhs, UnitAttr:$async);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc attr-dict `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The i1 `f` when the accumulator is `arith.select %f, zeros, %acc`
    /// (zeros a tile.splat of +0.0): a sum restarted where `f` holds, as a
    /// persistent GEMM does at each tile's first k-step. Null otherwise.
    ::mlir::Value getAccZeroedIf();
  }];
  let hasVerifier = 1;
}

def Tile_DotWaitOp : Tile_Op<"dot_wait", [AllTypesMatch<["input", "result"]>]> {
  let summary = "Waits until at most a number of async tile.dots run";
  let description = [{
    `%d = tile.dot_wait %acc {pending = 1} : !acc` returns when every
    `async` `tile.dot` issued before it has completed except the last
    `pending` ones (on sm_90a `wgmma.wait_group pending`). Its result is
    its operand: a value any op may read when the dot that made it is not
    one of those last `pending` (the dots issued after it, before the
    wait, are fewer than `pending + 1`), else still only the accumulator
    of the next async dot. tile-pipeline-loads puts one with `pending = 1`
    after each async dot of a GEMM loop (the dot of the previous iteration
    is then done and its operands may be released) and one with
    `pending = 0` after the loop; a dot it issues early is waited for at
    its first reader, with `pending` the number of async dots issued
    between the two (a rotated attention loop's S(j), waited for while
    P V(j-1) runs on).
  }];
  let arguments = (ins Tile_Tile:$input,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$pending);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Tile_ReduceOp : Tile_Op<"reduce", [Pure]> {
  let summary = "Reduces a tile along one dimension";
  let description = [{
    `%m = tile.reduce max %s dim 1 : !t2 -> !t1` combines the elements along
    dimension `dim` with `sum`, `max` or `min`; the result drops that
    dimension. Floating-point `max`/`min` propagate NaN (as `arith.maximumf`).
  }];
  let arguments = (ins Tile_ReduceKind:$kind, Tile_Tile:$input,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = [{
    $kind $input `dim` $dim attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_BroadcastOp : Tile_Op<"broadcast", [Pure]> {
  let summary = "Repeats a tile along a new dimension";
  let description = [{
    `%b = tile.broadcast %m dim 1 : !t1 -> !t2` inserts dimension `dim`, of
    the extent the result type gives, and repeats the input along it: the
    inverse shape of `tile.reduce`, as needed for `s - max(s)` row-wise.
  }];
  let arguments = (ins Tile_Tile:$input,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = [{
    $input `dim` $dim attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Tile_TransposeOp : Tile_Op<"transpose", [Pure]> {
  let summary = "Swaps the two dimensions of a 2-d tile";
  let description = [{
    `%t = tile.transpose %x : !t_mn -> !t_nm` gives element `[j, i]` of the
    result the value of element `[i, j]` of `%x` (M x N to N x M, the same
    element type).

    In registers it moves nothing: the result is laid out as the input's
    blocked layout with its dimensions swapped (tile-assign-layouts), so
    each thread keeps its elements. A store of the result then wants the
    other dimension contiguous, and tile-assign-layouts puts a
    `tile.convert_layout` in front of it (through shared memory).
  }];
  let arguments = (ins Tile_Tile:$input);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Tile_ConvertLayoutOp : Tile_Op<"convert_layout", [Pure]> {
  let summary = "The same tile in another register layout";
  let description = [{
    `%y = tile.convert_layout %x : tensor<64x64xbf16, #a> -> tensor<64x64xbf16, #b>`
    holds the elements of `%x` (same shape, same element type) laid out as
    `#b` instead of `#a`: a producer and a consumer that want different
    layouts (e.g. a transposed tile and a store whose contiguous dimension
    is the other one). tile-assign-layouts inserts it; the register
    lowering moves the elements through shared memory (each thread writes
    the elements it holds, a barrier, each thread reads the elements it
    will hold). Without layouts (the CPU path) it is the identity.
  }];
  let arguments = (ins Tile_Tile:$input);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Loading ahead: rings of shared-memory buffers (tile-pipeline-loads)
//===----------------------------------------------------------------------===//

def Tile_RingAllocOp : Tile_Op<"ring_alloc"> {
  let summary = "Shared-memory buffers for tiles loaded ahead";
  let description = [{
    `%r = tile.ring_alloc : !tile.ring<4, tensor<128x64xbf16, #tile.shared<swizzle = 128>>>`
    reserves the ring's buffers and barriers for the rest of the kernel.
    Made by tile-pipeline-loads, before the loop whose loads it moves
    ahead.
  }];
  let results = (outs Tile_RingType:$ring);
  let assemblyFormat = "attr-dict `:` type($ring)";
}

def Tile_RingPutOp : Tile_Op<"ring_put"> {
  let summary = "Starts loading a tile into the next buffer of a ring";
  let description = [{
    `tile.ring_put %r[%i], %src[%m, %k] {member = 1} : !ring, memref<?x?xbf16>`
    starts an asynchronous copy of the box at `[%m, %k]` of `%src` (the
    extent of the ring's member tile `member`, 0 if not given; zeros past
    the source's ends, as `tile.load`) into buffer `%i mod stages`, once
    the readers of load `%i - stages` released it. One thread issues it
    (on sm_90a a TMA load per 128-byte column chunk, completing on the
    buffer's "full" mbarrier); the others go on. Loads into one ring are
    numbered 0, 1, 2, ... in program order; load `%i` puts each member once.
  }];
  let arguments = (ins Tile_RingType:$ring, Index:$index,
                       AnyRankedOrUnrankedMemRef:$source,
                       Variadic<Index>:$indices,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntNonNegative]>, "0">:$member);
  let assemblyFormat = [{
    $ring `[` $index `]` `,` $source `[` $indices `]` attr-dict `:`
    type($ring) `,` type($source)
  }];
  let hasVerifier = 1;
}

def Tile_RingGetOp : Tile_Op<"ring_get"> {
  let summary = "Waits for a ring's load and gives its tile";
  let description = [{
    `%a, %b = tile.ring_get %r[%i] : !ring -> !a_staged, !b_staged`
    waits until load `%i` (the `tile.ring_put %r[%i]` of every member) has
    landed and gives the member tiles in buffer `%i mod stages`, staged in
    shared memory for `tile.dot`. They stay valid until
    `tile.ring_release %r[%i]`.
  }];
  let arguments = (ins Tile_RingType:$ring, Index:$index);
  let results = (outs Variadic<Tile_Tile>:$results);
  let assemblyFormat = [{
    $ring `[` $index `]` attr-dict `:` type($ring) `->` type($results)
  }];
  let hasVerifier = 1;
}

def Tile_RingReleaseOp : Tile_Op<"ring_release"> {
  let summary = "Says that the readers of a ring's buffer are done";
  let description = [{
    `tile.ring_release %r[%i] : !ring`: every thread has finished reading
    the tile of load `%i` (its `tile.dot`s have completed), so that load
    `%i + stages` may overwrite buffer `%i mod stages`.
  }];
  let arguments = (ins Tile_RingType:$ring, Index:$index);
  let assemblyFormat = "$ring `[` $index `]` attr-dict `:` type($ring)";
}

def Tile_SplatOp : Tile_Op<"splat", [Pure,
    TypesMatchWith<"the scalar's type is the tile's element type",
                   "result", "value", "::mlir::getElementTypeOrSelf($_self)">]> {
  let summary = "A tile whose every element is one scalar";
  let description = [{ `%z = tile.splat %zero : !acc`. }];
  let arguments = (ins AnyType:$value);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = "$value attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Tile_IotaOp : Tile_Op<"iota", [Pure]> {
  let summary = "A tile holding each element's index along one dimension";
  let description = [{
    `%r = tile.iota dim 0 : tensor<?x?xi32, #tile.shape<BLOCK_M, BLOCK_N>>`
    gives element `[i, j]` the value `i`. With `arith` comparisons and
    `arith.select` it builds masks, e.g. the causal mask of attention.
  }];
  let arguments = (ins ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Tile_Tile:$result);
  let assemblyFormat = "`dim` $dim attr-dict `:` type($result)";
  let hasVerifier = 1;
}

#endif // TILE_OPS_TD
