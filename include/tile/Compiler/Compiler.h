//===- Compiler.h - kernel + configuration -> PTX ---------------*- C++ -*-===//
//
// The compiler as one C++ entry point: parse a kernel file, bind a
// configuration, lower it through the pipeline and return the PTX with its
// launch description. Each compile() builds its own MLIRContext, so configs
// can be compiled on several threads at once.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_COMPILER_COMPILER_H
#define TILE_COMPILER_COMPILER_H

#include "tile/Compiler/LaunchInfo.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tile {

class HostKernel;

/// A tuning parameter of a kernel, as declared.
struct ParamInfo {
  std::string name;
  std::vector<int64_t> candidates; // the first is the default
};

/// The pass whose test-mutation option plants `mutation`:
/// tile-skip-full-masks (mask-check-corner), tile-invariant-divisions
/// (divide-floor, the only one the CPU path also runs), else
/// convert-tile-to-nvgpu (which reports a name it does not know).
std::string plantedBugPass(const std::string &mutation);

struct CompileOptions {
  std::string chip = "sm_90a";
  std::string features = "+ptx80";
  int optLevel = 3;
  /// Print the IR after each pass (to stderr).
  bool printIRAfterAll = false;
  /// When not empty: the IR before and after every pass, one file each, in
  /// a tree under this directory (upstream's IR printing to a file tree).
  std::string irDumpDir;
  /// For testing the verifier only: a bug to plant in the generated code,
  /// "" for none; the pass it belongs to (plantedBugPass) gets it.
  std::string testMutation;
  /// Called with the launch description (grid, block, shared memory,
  /// parameters; no PTX yet) as soon as the tile program is lowered to the
  /// gpu dialect, before LLVM and the NVPTX backend run: an error stops the
  /// compile and compile() returns it. The tuner drops configs over the
  /// device's limits this way (tile/Tuner/Tuner.h).
  std::function<llvm::Error(const LaunchInfo &)> checkLaunch;
};

/// One tile.kernel, parsed once and compiled for any number of configs.
class KernelSource {
public:
  /// Reads `path` and checks that it holds exactly one tile.kernel (or the
  /// one called `kernelName`). Diagnostics carry file:line:col.
  static llvm::Expected<std::unique_ptr<KernelSource>>
  load(const std::string &path, const std::string &kernelName = "");
  static llvm::Expected<std::unique_ptr<KernelSource>>
  fromString(const std::string &text, const std::string &bufferName,
             const std::string &kernelName = "");

  const std::string &name() const { return kernel; }
  /// A hash (16 hex digits) of the source text, the kernel's name and the
  /// retyping (setOperandType, setOutputType): what a tuned config depends
  /// on besides the shape, the GPU and the compiler.
  std::string contentHash() const;
  const std::vector<ParamInfo> &params() const { return paramList; }
  const std::vector<std::string> &constraints() const { return constraintList; }
  const std::vector<KernelArgInfo> &args() const { return argList; }
  /// The kernel's `reference` attribute ("" if none).
  const std::string &reference() const { return referenceName; }
  /// The element type of the first tensor argument (the kernel's dtype).
  ElementType dtype() const;
  /// Problem sizes that size tiles (e.g. the head dimension D of attention):
  /// a configuration must bind them, so tile-run takes them from --shape.
  const std::vector<std::string> &tileSizeSymbols() const { return tileSizeList; }
  /// The coarsest float type the program rounds an intermediate tile to
  /// (an arith.truncf whose result is used by more than tile.store, e.g.
  /// attention's P before P V), after setOperandType; nullopt when it
  /// rounds only what it stores.
  std::optional<ElementType> coarsestIntermediateType() const;

  /// Whether a tile.dot of the program multiplies fp8 tiles (the tensor
  /// cores then accumulate with about 2^-13 precision).
  bool hasFloat8Dot() const { return float8Dot; }

  /// Problem-size symbols, in the order the arguments name them.
  const std::vector<std::string> &problemSizes() const { return sizeList; }

  /// Every combination of candidates that satisfies the constraints under
  /// `problemSizes` (constraints over unbound sizes are skipped), in
  /// declaration order of the candidates (the default config first).
  std::vector<Bindings> configSpace(const Bindings &problemSizes) const;

  /// Compiles the kernel with its operand type replaced by `type`
  /// everywhere: bf16 <-> f16 and f8e4m3 <-> f8e5m2, so one kernel source
  /// serves both types of a width.
  llvm::Error setOperandType(ElementType type);

  /// Compiles the kernel with the element type of its output tensors (those
  /// it stores into) set to `type` (bf16, f16 or f32): the float cast in
  /// front of each store is adjusted, or added, or dropped.
  llvm::Error setOutputType(ElementType type);

  /// Specializes for `config`, lowers to PTX and describes the launch.
  llvm::Expected<LaunchInfo> compile(const Bindings &config,
                                     const CompileOptions &options = {}) const;

  /// Specializes for `config` and lowers through linalg to host code
  /// (pipeline tile-to-cpu), JIT-compiled (HostKernel.h); options.optLevel
  /// is LLVM's, options.printIRAfterAll as for compile().
  llvm::Expected<std::unique_ptr<HostKernel>>
  compileForHost(const Bindings &config,
                 const CompileOptions &options = {}) const;

private:
  std::string text, bufferName, kernel, referenceName, retypeFrom, retypeTo,
      outputType;
  std::vector<ParamInfo> paramList;
  std::vector<std::string> constraintList;
  std::vector<KernelArgInfo> argList;
  std::vector<std::string> sizeList;
  std::vector<std::string> tileSizeList;
  std::optional<ElementType> intermediateType;
  bool float8Dot = false;
};

} // namespace tile

#endif // TILE_COMPILER_COMPILER_H
