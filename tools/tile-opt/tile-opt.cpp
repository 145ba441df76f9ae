//===- tile-opt.cpp - the tile pass driver --------------------------------===//
//
// mlir-opt with the tile dialect, tile's passes and pipelines, and the
// upstream dialects and passes that the pipeline goes through. Reads a file,
// runs passes, prints the result; diagnostics carry locations and the exit
// status is non-zero on any error. The input is read within tile's limits
// (tile/Support/SourceFile.h: a size limit, and a bracket-nesting limit
// checked before MLIR's recursive parser runs).
//
//===----------------------------------------------------------------------===//

#include "tile/Support/Version.h"
#include "llvm/Support/CommandLine.h"
#include "tile/Compiler/Registration.h"
#include "tile/Support/SourceFile.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  tile::registerDialects(registry);
  tile::registerPassesAndPipelines();
  tile::initializeNVPTXTarget();
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { tile::printVersion(os, "tile-opt"); });
  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "tile optimizer driver\n", registry);
  mlir::MlirOptMainConfig config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects() || config.shouldListPasses())
    return mlir::asMainReturnCode(
        mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));

  auto input = tile::readSource(inputFile);
  if (!input) {
    llvm::errs() << "tile-opt: error: " << llvm::toString(input.takeError())
                 << "\n";
    return 1;
  }
  if (auto err = tile::checkNesting((*input)->getBuffer(),
                                    (*input)->getBufferIdentifier())) {
    llvm::errs() << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  std::string message;
  auto output = mlir::openOutputFile(outputFile, &message);
  if (!output) {
    llvm::errs() << "tile-opt: error: " << message << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(*input), registry,
                                     config)))
    return 1;
  output->keep();
  return 0;
}
