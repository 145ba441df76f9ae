//===- tile-opt.cpp - the tile pass driver --------------------------------===//
//
// mlir-opt with the tile dialect, tile's passes and pipelines, and the
// upstream dialects and passes that the pipeline goes through. Reads a file,
// runs passes, prints the result; diagnostics carry locations and the exit
// status is non-zero on any error.
//
//===----------------------------------------------------------------------===//

#include "tile/Compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  tile::registerDialects(registry);
  tile::registerPassesAndPipelines();
  tile::initializeNVPTXTarget();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tile optimizer driver\n", registry));
}
