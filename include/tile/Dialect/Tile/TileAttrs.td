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

#endif // TILE_ATTRS_TD
