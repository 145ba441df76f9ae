//===- Passes.td - tile transformation passes --------------*- tablegen -*-===//
#ifndef TILE_TRANSFORMS_PASSES_TD
#define TILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileSpecialize : Pass<"tile-specialize", "::mlir::tile::KernelOp"> {
  let summary = "Binds a configuration: parameters become constants, tiles static";
  let description = [{
    Binds every tuning parameter of a `tile.kernel` to a value from `config`
    (a parameter left out takes its first candidate), checks the values
    against the candidates and the kernel's constraints, and then:

    - replaces `tile.param` by `arith.constant`;
    - replaces `tile.dim` by `arith.constant` for problem sizes that `config`
      also binds (e.g. `D=64`);
    - gives every tile its static shape and drops its `#tile.shape`;
    - replaces the kernel's `params` by `config`, the bound values.

    Every tile size must be bound: a tile sized by a problem size needs that
    size in `config`. Errors are reported at the kernel or the op concerned.
  }];
  let options = [
    Option<"config", "config", "std::string", /*default=*/"\"\"",
           "NAME=VALUE,... binding parameters and, optionally, problem sizes">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

#endif // TILE_TRANSFORMS_PASSES_TD
