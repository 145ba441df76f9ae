//===- TileDialect.td - the tile dialect -------------------*- tablegen -*-===//
#ifndef TILE_DIALECT_TD
#define TILE_DIALECT_TD

include "mlir/IR/OpBase.td"

def Tile_Dialect : Dialect {
  let name = "tile";
  let cppNamespace = "::mlir::tile";
  let summary = "Tile programs: one program instance computes one output block";
  let description = [{
    A `tile.kernel` is a program run once per point of a launch grid. Its body
    moves rectangular blocks ("tiles") between global memory (`memref`
    arguments) and values (ranked tensors), and computes on them with
    `tile.dot`, `tile.reduce`, `tile.broadcast` and plain `arith`/`math` ops.

    Block sizes and other knobs are named, tunable parameters of the kernel.
    Before a configuration is bound, a tile's size is symbolic: the tensor is
    dynamic and its `#tile.shape` encoding names the symbol of each dimension,
    e.g. `tensor<?x?xf32, #tile.shape<BLOCK_M, BLOCK_N>>`. `tile-specialize`
    binds a configuration and turns these into static tensors.
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

class Tile_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tile_Dialect, mnemonic, traits>;

#endif // TILE_DIALECT_TD
