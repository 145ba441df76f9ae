//===- Module.h - PTX modules and their kernels -----------------*- C++ -*-===//
//
// Loads PTX through the driver's JIT (cuModuleLoadDataEx). A PTX that ptxas
// rejects comes back as an error that carries ptxas's log:
//
//   cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation
//   failed)
//   ptxas log:
//   ptxas application ptx input, line 12; error   : ...
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_MODULE_H
#define TILE_RUNTIME_MODULE_H

#include "tile/Runtime/CudaDriver.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace tile {
namespace runtime {

/// A loaded CUmodule, unloaded on destruction.
class Module {
public:
  Module() = default;
  /// JIT-compiles `ptx` for the current device. `verbose` asks ptxas for its
  /// resource report (registers, spills) in infoLog().
  static llvm::Expected<Module> loadPTX(CudaDriver &driver,
                                        llvm::StringRef ptx,
                                        bool verbose = false);
  ~Module() { reset(); }
  Module(Module &&other) noexcept { *this = std::move(other); }
  Module &operator=(Module &&other) noexcept;
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  CUmodule get() const { return module; }
  /// The JIT's info log (warnings; the resource report when verbose).
  const std::string &infoLog() const { return info; }

  /// The kernel `name`; a missing one is an error naming it.
  llvm::Expected<CUfunction> getFunction(llvm::StringRef name) const;

  void reset();

private:
  CudaDriver *driver = nullptr;
  CUmodule module = nullptr;
  std::string info;
};

/// Resource usage of a compiled kernel, from cuFuncGetAttribute.
struct FunctionAttributes {
  int numRegs = 0;          // registers per thread
  int localBytes = 0;       // local memory (spills, stack) per thread
  int staticSharedBytes = 0;
  int maxThreadsPerBlock = 0;
  int maxDynamicSharedBytes = 0; // the current opt-in setting
};

llvm::Expected<FunctionAttributes> getFunctionAttributes(CudaDriver &driver,
                                                         CUfunction function);

/// Sets CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES (needed for more than
/// 48 KiB of dynamic shared memory).
llvm::Error setMaxDynamicSharedMemory(CudaDriver &driver, CUfunction function,
                                      unsigned bytes);

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_MODULE_H
