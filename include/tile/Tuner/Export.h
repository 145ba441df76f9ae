//===- Export.h - a compiled kernel as files a C++ program builds with -*- C++ -*-===//
//
// `tile-run --export DIR` (docs/api.md, "Exporting a kernel"): the PTX (and
// the cubin, where ptxas is found), the LaunchInfo as text, and a generated
// C++ header with a typed launch for one compiled config: the kernel's
// arguments as device pointers, scalars and problem sizes; the grid and
// shared memory as the LaunchInfo says; the TMA descriptors encoded with
// cuTensorMapEncodeTiled the way tile's runtime encodes them
// (runtime::makeTensorMapSpec, packParams). Loading and preparing happen
// once; the launch itself is one cuLaunchKernel, with no allocation and no
// synchronization, so it can be captured in a CUDA graph. The header needs
// only the CUDA driver API (cuda.h and libcuda), not tile.
//
//===----------------------------------------------------------------------===//

#ifndef TILE_TUNER_EXPORT_H
#define TILE_TUNER_EXPORT_H

#include "tile/Compiler/LaunchInfo.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tile {

struct ExportOptions {
  /// The chip the PTX is for (the cubin is assembled for it).
  std::string chip = "sm_90a";
  /// A ptxas (findPtxas()) to assemble the cubin with; "": no cubin.
  std::string ptxas;
  /// Lines for the header's opening comment (what was exported, by which
  /// tile); each becomes a `//` line.
  std::vector<std::string> notes;
};

/// The C++ identifier the exported kernel's namespace and files are named
/// after: the kernel's name with characters C++ does not allow in a name
/// replaced by '_' (and '_' appended to a keyword).
std::string exportName(const LaunchInfo &info);

/// The generated header for `info` (its PTX embedded as kPtx). Errors: a
/// grid expression it cannot translate, more than three grid dimensions.
llvm::Expected<std::string> generateLaunchHeader(const LaunchInfo &info,
                                                 const ExportOptions &options);

/// tile_cuda.h: declarations of the few CUDA driver types and functions
/// the generated header uses, with cuda.h's values, for building without
/// the CUDA toolkit's headers (define TILE_EXPORT_NO_CUDA_H); link libcuda
/// either way.
std::string cudaDeclarationsHeader();

/// Writes `dir`/<name>.h, <name>.ptx, <name>.cubin (when options.ptxas is
/// set and assembles it), <name>.launch.txt (launchInfoToText) and
/// tile_cuda.h, creating `dir`. Returns the paths written.
llvm::Expected<std::vector<std::string>>
exportKernel(const LaunchInfo &info, const std::string &dir,
             const ExportOptions &options);

} // namespace tile

#endif // TILE_TUNER_EXPORT_H
