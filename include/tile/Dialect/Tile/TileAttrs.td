//===- TileAttrs.td - tile attributes ----------------------*- tablegen -*-===//
#ifndef TILE_ATTRS_TD
#define TILE_ATTRS_TD

include "tile/Dialect/Tile/TileDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/TensorEncoding.td"

class Tile_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Tile_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Tile_ShapeAttr : Tile_Attr<"Shape", "shape",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "The symbolic extent of each dimension of a tile or tensor";
  let description = [{
    Each dimension is a symbol (a tuning parameter such as `BLOCK_M`, or a
    problem size such as `D`) or an integer.

    As a tensor encoding it gives a tile its symbolic shape: the tensor is
    dynamic exactly where the entry is a symbol and static (with the same
    extent) where it is an integer:
    `tensor<?x64xf32, #tile.shape<BLOCK_M, 64>>`.

    As the `tile.shape` argument attribute of a kernel's memref argument it
    names the problem sizes: `%q: memref<?x?x?x?xbf16> {tile.shape =
    #tile.shape<B, H, S, D>}`.
  }];
  let parameters = (ins ArrayRefParameter<"::mlir::Attribute", "dims">:$dims);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The symbol of dimension `i`, or "" where it is an integer.
    ::llvm::StringRef getSymbol(unsigned i) const;
    /// The integer extent of dimension `i`, or std::nullopt for a symbol.
    std::optional<int64_t> getExtent(unsigned i) const;
    unsigned getRank() const { return getDims().size(); }
    /// A readable rendering such as "BLOCK_M x 64".
    std::string str() const;
  }];
}

def Tile_ParamAttr : Tile_Attr<"Param", "param"> {
  let summary = "A named tuning parameter and its candidate values";
  let description = [{
    `#tile.param<"BLOCK_M", [64, 128, 256]>`: the tuner tries each candidate;
    a configuration binds one. The first candidate is the default, taken when
    a configuration leaves the parameter out.
  }];
  let parameters = (ins StringRefParameter<"parameter name">:$name,
                        ArrayRefParameter<"int64_t", "candidate values">:$values);
  let assemblyFormat = "`<` $name `,` `[` $values `]` `>`";
  let genVerifyDecl = 1;
}

def Tile_ExprAttr : Tile_Attr<"Expr", "expr"> {
  let summary = "An integer expression over parameters and problem sizes";
  let description = [{
    `#tile.expr<"cdiv(M, BLOCK_M)">`. Operators `|| && == != < <= > >= + - *
    / %` with C precedence, unary minus, and `cdiv(a, b)`, `min(a, b)`,
    `max(a, b)`. Checked when parsed; evaluated once a configuration and the
    problem sizes are known.
  }];
  let parameters = (ins StringRefParameter<"expression text">:$text);
  let assemblyFormat = "`<` $text `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Evaluates under `bindings`; the error names an unbound symbol.
    ::llvm::Expected<int64_t> evaluate(const ::tile::Bindings &bindings) const;
    /// Symbol names the expression uses.
    ::llvm::SmallVector<std::string> getSymbols() const;
  }];
}

def Tile_ReduceKind : I32EnumAttr<"ReduceKind", "combining function of tile.reduce", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"max", 1>, I32EnumAttrCase<"min", 2>]> {
  let cppNamespace = "::mlir::tile";
}

def Tile_Axis : I32EnumAttr<"Axis", "launch-grid axis", [
    I32EnumAttrCase<"x", 0>, I32EnumAttrCase<"y", 1>, I32EnumAttrCase<"z", 2>]> {
  let cppNamespace = "::mlir::tile";
}

//===----------------------------------------------------------------------===//
// Register layouts: which elements of a tile each thread of a block holds
//===----------------------------------------------------------------------===//

def Tile_LayoutAttrInterface : AttrInterface<"LayoutAttrInterface"> {
  let cppNamespace = "::mlir::tile";
  let description = [{
    A register layout: how the elements of a tile (a static shape) are
    distributed over the threads of a block. Thread `t` holds
    `getElementsPerThread(shape)` elements, numbered 0, 1, ...; element `i`
    of thread `t` is the tile element at `getCoordinates(shape)(t, i)`, an
    affine map from (thread, element) to one coordinate per dimension.
    Several threads may hold the same element (replication, e.g. the four
    lanes of a quad in a slice of the wgmma layout); a valid layout holds
    every element of the tile at least once. Lowerings ask a layout where an
    element lives instead of repeating the index arithmetic of each
    instruction.
  }];
  let methods = [
    InterfaceMethod<"Threads of the block the layout spreads a tile over.",
      "int64_t", "getNumThreads", (ins)>,
    InterfaceMethod<"Rank of the tiles the layout applies to.",
      "int64_t", "getRank", (ins)>,
    InterfaceMethod<[{Whether a tile of `shape` fits the layout (e.g. whole
      warpgroup row slices); emits through `emitError` if not.}],
      "::mlir::LogicalResult", "verifyShape",
      (ins "::llvm::ArrayRef<int64_t>":$shape,
           "::llvm::function_ref<::mlir::InFlightDiagnostic()>":$emitError)>,
    InterfaceMethod<"Elements each thread holds of a tile of `shape`.",
      "int64_t", "getElementsPerThread", (ins "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<[{(thread, element) -> the element's coordinates in a
      tile of `shape`, an affine map of two dimensions and rank results.}],
      "::mlir::AffineMap", "getCoordinates", (ins "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<[{Elements each thread holds of the tile of `shape`
      (rank - 1 dimensions) that reducing dimension `dim` leaves: see
      #tile.slice.}],
      "int64_t", "getSliceElementsPerThread",
      (ins "int64_t":$dim, "::llvm::ArrayRef<int64_t>":$shape)>,
    InterfaceMethod<[{(thread, element) -> coordinates of that slice's
      elements (rank - 1 results).}],
      "::mlir::AffineMap", "getSliceCoordinates",
      (ins "int64_t":$dim, "::llvm::ArrayRef<int64_t>":$shape)>,
  ];
}

def Tile_WgmmaAccLayoutAttr : Tile_Attr<"WgmmaAccLayout", "wgmma_acc",
    [DeclareAttrInterfaceMethods<Tile_LayoutAttrInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "The accumulator layout of wgmma (m64nNk*) over warpgroups";
  let description = [{
    `#tile.wgmma_acc<warpgroups = W>`: the layout in which `wgmma.mma_async`
    leaves its fp32 accumulator (PTX ISA, "Register fragments for wgmma
    .m64nNk16", figure wgmma-64N16-D), for an M x N tile and `W`
    warpgroups of 128 threads. Warpgroup `w` owns rows
    `[w M/W, (w+1) M/W)` in 64-row slices (one or two: a wgmma computes 64
    rows); in a slice, warp `k` of the warpgroup owns 16 rows and lane `l`
    of that warp holds, in each 8-column group `j`, two pairs:

    ```
              col 8j + 0 1   2 3   4 5   6 7
    row 16k + 0    l=0   l=1   l=2   l=3        e = 0, 1 of element
              1    l=4   l=5   l=6   l=7        4j + 2h + e, h = 0
              ...
              7    l=28  l=29  l=30  l=31
              8    l=0   l=1   l=2   l=3        the same lanes, h = 1
              ...
             15    l=28  l=29  l=30  l=31
    ```

    Element `i` of a thread is, with `s = i / (N/2)` the slice and
    `r = i mod (N/2)`: row `w M/W + 64 s + 16 k + l/4 + 8 ((r/2) mod 2)`,
    column `8 (r/4) + 2 (l mod 4) + r mod 2`. This numbering is the order
    of the wgmma accumulator registers, so element `i` is register `r` of
    slice `s`. The same registers, converted to 16 or 8 bits, are the
    register-A fragment of the next wgmma (flash attention's P).

    Its slice along dimension 1 (a row vector: `tile.reduce` along rows)
    holds `2 x slices` rows a thread: element `2 s + h` is row
    `w M/W + 64 s + 16 k + l/4 + 8 h`, the four lanes of a quad holding
    the same rows.
  }];
  let parameters = (ins "int64_t":$warpgroups);
  let assemblyFormat = "`<` `warpgroups` `=` $warpgroups `>`";
  let genVerifyDecl = 1;
}

def Tile_BlockedLayoutAttr : Tile_Attr<"BlockedLayout", "blocked",
    [DeclareAttrInterfaceMethods<Tile_LayoutAttrInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "Contiguous runs of elements per thread, for memory-bound code";
  let description = [{
    `#tile.blocked<size_per_thread = [1, 8], threads_per_warp = [4, 8],
    warps = [4, 1], order = [1, 0]>` (Triton's blocked encoding): each
    thread holds a `size_per_thread` block of adjacent elements, the 32
    lanes of a warp tile `threads_per_warp` such blocks, the warps of the
    block tile `warps` warp tiles, and the whole pattern repeats over the
    tile. `order` lists the dimensions fastest-varying first, both for
    numbering lanes and warps and for a thread's elements. With the
    example, a warp covers 4 rows of 64 columns, 8 consecutive elements
    (16 bytes of bf16) a thread, and 4 warps cover 16 rows:

    ```
             cols 0-7  8-15  ...  56-63
    row 0    l=0       l=1   ...  l=7       warp 0
        1    l=8       l=9   ...  l=15
        2    l=16      ...
        3    l=24      ...        l=31
        4    warp 1, the same pattern
    ```

    Element `i` of a thread: its position in the thread's block
    (`size_per_thread`, `order` fastest first), then which repetition
    (`shape / (size_per_thread x threads_per_warp x warps)` per dimension,
    the same order). `threads_per_warp` multiplies to 32; `warps`
    multiplies to the block's warps. Its slice along `dim` drops that
    dimension; the threads along it hold the same elements.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t", "">:$sizePerThread,
                        ArrayRefParameter<"int64_t", "">:$threadsPerWarp,
                        ArrayRefParameter<"int64_t", "">:$warps,
                        ArrayRefParameter<"int64_t", "">:$order);
  let assemblyFormat = [{
    `<` `size_per_thread` `=` `[` $sizePerThread `]` `,`
        `threads_per_warp` `=` `[` $threadsPerWarp `]` `,`
        `warps` `=` `[` $warps `]` `,` `order` `=` `[` $order `]` `>`
  }];
  let genVerifyDecl = 1;
}

def Tile_SliceLayoutAttr : Tile_Attr<"SliceLayout", "slice",
    [DeclareAttrInterfaceMethods<Tile_LayoutAttrInterface>,
     DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "The layout a reduction leaves: a parent layout minus one dimension";
  let description = [{
    `#tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 2>>`: the
    layout of `tile.reduce ... dim 1` of a tile laid out as `parent` (and
    of the operand of `tile.broadcast ... dim 1` to it). Each thread holds
    the reduced values of the parent elements it held; threads that held
    elements differing only along `dim` hold the same value. The parent
    says which elements those are (`getSliceCoordinates`).
  }];
  let parameters = (ins "int64_t":$dim, "::mlir::tile::LayoutAttrInterface":$parent);
  let assemblyFormat = "`<` `dim` `=` $dim `,` `parent` `=` $parent `>`";
  let genVerifyDecl = 1;
}

def Tile_SharedLayoutAttr : Tile_Attr<"SharedLayout", "shared",
    [DeclareAttrInterfaceMethods<VerifiableTensorEncoding>]> {
  let summary = "A tile in shared memory, laid out as wgmma reads an operand";
  let description = [{
    `#tile.shared<swizzle = S>` (S = 128, 64 or 32 bytes): a 2-d tile of R
    rows and K columns (the columns contiguous) in shared memory the way
    TMA writes a box with an S-byte swizzle and a wgmma matrix descriptor
    reads it: A (M x K) and B as N x K are K-major operands, B as K x N an
    MN-major one (16-bit types; wgmma reads it transposed). The columns
    come in chunks of S bytes (64 bf16 for S = 128), one chunk after the
    other, each R x S bytes; in a chunk, row r starts at byte S r and its
    16-byte unit u lies at unit u XOR p(r), the phase changing every 128
    bytes of rows:

    ```
    byte of (r, c) = (c / W) S R + S r + ((16 u) XOR (16 p(r))) + b
      with p(r) = (r S / 128) mod (S / 16), W = S / element bytes columns a
      chunk, c mod W = u (16 / element bytes) + b / element bytes
    ```

    For S = 128, p(r) = r mod 8: eight rows (1024 bytes) are one swizzle
    atom; for 64, rows 2i and 2i + 1 share a phase of 4 (atoms of 512
    bytes); for 32, rows 4i..4i + 3 of 2 (256). The buffer starts at a
    multiple of 1024 bytes. tile-assign-layouts picks the widest S that a
    row fills (64 fp8 or 32 bf16 columns: 64). A tile converts to it from
    registers with `tile.convert_layout` (the register lowering writes each
    thread's elements at their swizzled places); `tile.dot` reads it
    through matrix descriptors.

    `transposed = true`: the R x C tile is stored as its C x R transpose
    (the formula above with r and c swapped): a K x N B K-major, as fp8
    wgmma reads B. TMA cannot write it; a `tile.convert_layout` from the
    tile staged untransposed does (fp8: 4 x 4 byte transposes with `prmt`).

    `acc_order = true` (with `transposed`, fp8): the stored rows' elements
    run, in each group of 16, in the order in which an fp8 wgmma register-A
    fragment taken from the wgmma accumulator as it lies reads the
    accumulator's columns: position 4q + i holds index
    8 (i / 2) + 2q + (i mod 2) (q = 0..3, i = 0..3).

    ```
    position  0  1  2  3 |  4  5  6  7 |  8  9 10 11 | 12 13 14 15
    index     0  1  8  9 |  2  3 10 11 |  4  5 12 13 |  6  7 14 15
    ```

    Lane q of a quad holds accumulator columns 2q, 2q + 1, 8 + 2q, 9 + 2q
    of each 16 (#tile.wgmma_acc) and an fp8 A fragment reads columns
    4q..4q + 3: with B's K index stored in this order, the accumulator
    converted to fp8 in place is the A operand (flash attention's P) and
    P B sums the same products. FlashAttention-3 shuffles P instead.
  }];
  let parameters = (ins "int64_t":$swizzle,
                        DefaultValuedParameter<"bool", "false">:$transposed,
                        DefaultValuedParameter<"bool", "false">:$accOrder);
  let assemblyFormat = [{
    `<` `swizzle` `=` $swizzle (`,` `transposed` `=` $transposed^)?
        (`,` `acc_order` `=` $accOrder^)? `>`
  }];
  let builders = [
    AttrBuilder<(ins "int64_t":$swizzle), [{
      return $_get($_ctxt, swizzle, false, false);
    }]>
  ];
  let extraClassDeclaration = [{
    /// Rows and columns of a tile of `shape` as stored (swapped when
    /// transposed).
    int64_t storedRows(::llvm::ArrayRef<int64_t> shape) const {
      return getTransposed() ? shape[1] : shape[0];
    }
    int64_t storedColumns(::llvm::ArrayRef<int64_t> shape) const {
      return getTransposed() ? shape[0] : shape[1];
    }
  }];
  let genVerifyDecl = 1;
}

#endif // TILE_ATTRS_TD
