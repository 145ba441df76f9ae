//===- dialect-fuzzer.cpp - libFuzzer target: parse, verify, print --------===//
//
// What `tile-opt file.mlir` does with no passes: read within the limits,
// parse with the tile dialect and the upstream dialects tile-opt registers,
// verify, print. The tile dialect's parsers (ops, #tile.shape, #tile.param,
// #tile.expr), its verifiers and its printers see arbitrary text here; none
// may crash, whatever the text.
//
// One property on top of "no crash": what tile-opt prints, tile-opt reads
// back (a module that verified prints as text that parses and verifies
// again), so a printer and its parser cannot drift apart unnoticed.
//
//===----------------------------------------------------------------------===//

#include "FuzzMLIR.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tile::fuzz::Session session;
  auto module =
      session.parse(llvm::StringRef(reinterpret_cast<const char *>(data), size));
  if (!module)
    return 0;

  // Both forms of the printer: the custom assembly and the generic form.
  std::string printed;
  {
    llvm::raw_string_ostream os(printed);
    module->print(os);
  }
  module->print(llvm::nulls(), mlir::OpPrintingFlags().printGenericOpForm());

  // The printed module may nest one level deeper than the input (the
  // implicit `module {}` around top-level ops), hence the larger limit.
  tile::fuzz::Session again;
  if (!again.parse(printed, 2 * tile::kMaxSourceNesting))
    __builtin_trap(); // tile-opt's own output is not valid tile-opt input
  return 0;
}
