//===- HostTensors.h - a kernel's tensors in host memory --------*- C++ -*-===//
//
// The CPU path's counterpart of DeviceTensor: every tensor argument of a
// kernel in a host image with guard bands before and after it and its rows
// padded to 16 bytes, guards and padding holding the NaN canary of
// Verify.h; the output poisoned (NaN) before every run; the inputs hashed,
// so that a write into them is seen. Used by tile-run --target cpu and by
// the CPU reference of a GPU run (--reference cpu).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_HOSTTENSORS_H
#define TILE_TOOLS_TILE_RUN_HOSTTENSORS_H

#include "tile/Compiler/Compiler.h"
#include "tile/Compiler/HostKernel.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Verify.h"

#include <optional>
#include <string>
#include <vector>

namespace tile {

class HostTensors {
public:
  static constexpr size_t kGuardBytes = 4096;

  /// The host bytes the tensors of `src` at `sizes` take (guards and
  /// padding included), or nullopt when a tensor's extents are not positive
  /// or its size overflows.
  static std::optional<uint64_t> bytes(const KernelSource &src,
                                       const Bindings &sizes);

  /// Lays out the tensors: input i holds `packedInputs[i]` (row-major
  /// values), the output `outIndex` the poison; scalar i is `scalars[i]`
  /// (entries of tensors are ignored).
  static llvm::Expected<HostTensors>
  create(const KernelSource &src, const Bindings &sizes,
         llvm::ArrayRef<std::vector<char>> packedInputs,
         llvm::ArrayRef<runtime::ArgValue> scalars, unsigned outIndex);

  /// Poisons the output, then runs every program of the kernel's grid.
  llvm::Error run(const HostKernel &kernel, const Bindings &sizes,
                  unsigned threads);

  /// The output as the checker reads it.
  runtime::OutputView output() const;
  /// The output as fp32, rows x cols packed.
  std::vector<float> outputFloats() const;
  /// What the last run damaged: the output's canaries, an input's bytes;
  /// "" when nothing.
  std::string damage(const KernelSource &src) const;

private:
  std::vector<std::optional<runtime::GuardedLayout>> layouts;
  std::vector<std::vector<char>> images;
  std::vector<uint64_t> hashes;
  std::vector<HostArg> args;
  std::vector<char> poisoned;
  unsigned out = 0;
};

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_HOSTTENSORS_H
