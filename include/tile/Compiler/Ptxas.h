//===- Ptxas.h - assemble PTX offline with ptxas ----------------*- C++ -*-===//
//
// GPU-free evidence about generated code: ptxas assembles the PTX for the
// target and reports registers, spills and shared memory.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_COMPILER_PTXAS_H
#define TILE_COMPILER_PTXAS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tile {

struct PtxasReport {
  int registers = -1;
  int spillStoreBytes = 0;
  int spillLoadBytes = 0;
  int stackBytes = 0;
  int sharedBytes = 0; // static shared memory
  /// ptxas's advisory that it serialized the function's wgmmas (each one
  /// waited for before the next issues), as "C7512: insufficient register
  /// resources": its code and reason. "": none.
  std::string wgmmaSerialized;
  std::string log; // ptxas -v output
};

/// The ptxas to use: $TILE_PTXAS, then PATH, then /usr/local/cuda/bin. Empty
/// if none is found.
std::string findPtxas();

/// Assembles `ptx` for `arch` (e.g. sm_90a); fails with ptxas's log. The
/// cubin is kept at `cubinPath` when it is not empty.
llvm::Expected<PtxasReport> runPtxas(const std::string &ptxasPath,
                                     const std::string &ptx,
                                     const std::string &arch,
                                     const std::string &cubinPath = "");

/// The figures of a `ptxas -v` log: registers, spills, stack and shared
/// memory of its first function, and the first wgmma serialization
/// advisory in the log (ptxas prints the advisories before the functions'
/// figures; a module of ours has one function). The log is not kept.
PtxasReport parsePtxasLog(llvm::StringRef log);

/// The SASS of a cubin by `cuobjdump -sass` (found next to ptxas, then on
/// PATH); fails when there is none or it fails.
llvm::Expected<std::string> disassembleCubin(const std::string &ptxasPath,
                                             const std::string &cubinPath);

} // namespace tile

#endif // TILE_COMPILER_PTXAS_H
