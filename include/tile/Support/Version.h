//===- Version.h - what the tools print for --version -----------*- C++ -*-===//
#ifndef TILE_SUPPORT_VERSION_H
#define TILE_SUPPORT_VERSION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace tile {

/// "<tool> <version> (commit <hash>)", the LLVM/MLIR version it was built
/// with and the chips it compiles for.
void printVersion(llvm::raw_ostream &os, llvm::StringRef tool);

} // namespace tile

#endif // TILE_SUPPORT_VERSION_H
