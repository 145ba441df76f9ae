//===- Version.h - what the tools print for --version -----------*- C++ -*-===//
#ifndef TILE_SUPPORT_VERSION_H
#define TILE_SUPPORT_VERSION_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace tile {

/// "<tool> <version> (commit <hash>)", the LLVM/MLIR version it was built
/// with and the chips it compiles for.
void printVersion(llvm::raw_ostream &os, llvm::StringRef tool);

/// What tells this build's compiler apart from another's, for keys of
/// things it compiled (the tuning cache): the version and commit, and when
/// the commit does not name the sources exactly ("+changes", no git) a
/// hash of the running executable too, so that an edited compiler does
/// not reuse what the previous build compiled.
const std::string &compilerIdentity();

} // namespace tile

#endif // TILE_SUPPORT_VERSION_H
