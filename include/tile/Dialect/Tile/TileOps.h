//===- TileOps.h - tile operations ------------------------------*- C++ -*-===//
#ifndef TILE_DIALECT_TILE_TILEOPS_H
#define TILE_DIALECT_TILE_TILEOPS_H

#include "tile/Dialect/Tile/TileDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "tile/Dialect/Tile/TileOps.h.inc"

#endif // TILE_DIALECT_TILE_TILEOPS_H
