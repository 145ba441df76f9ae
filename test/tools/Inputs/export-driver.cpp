// Runs the headers tile-run --export generated (test/tools/export.test)
// against a fake CUDA driver that prints every call: what the header
// computes (grid, shared memory, TMA descriptors, the packed parameters) is
// checked without a GPU. Built with -DTILE_EXPORT_NO_CUDA_H against the
// tile_cuda.h written beside the headers.

#include "attention.h"
#include "gemm.h"
#include "softmax.h"

#include <cstdio>
#include <cstring>

static unsigned paramCount = 0;
static int fakes = 0;

extern "C" {
CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  std::printf("cuModuleLoadData %s\n",
              std::strstr(static_cast<const char *>(image), ".entry") ? "ptx"
                                                                     : "?");
  *module = reinterpret_cast<CUmodule>(0x1000);
  return CUDA_SUCCESS;
}
CUresult cuModuleUnload(CUmodule) {
  std::printf("cuModuleUnload\n");
  return CUDA_SUCCESS;
}
CUresult cuModuleGetFunction(CUfunction *function, CUmodule, const char *name) {
  std::printf("cuModuleGetFunction %s\n", name);
  *function = reinterpret_cast<CUfunction>(0x2000);
  return CUDA_SUCCESS;
}
CUresult cuFuncSetAttribute(CUfunction, CUfunction_attribute attribute,
                            int value) {
  std::printf("cuFuncSetAttribute %d %d\n", int(attribute), value);
  return CUDA_SUCCESS;
}
CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  *ptr = 0xd0000000ull + 0x100000ull * fakes++;
  std::printf("cuMemAlloc %zu -> 0x%llx\n", bytes, *ptr);
  return CUDA_SUCCESS;
}
CUresult cuMemFree_v2(CUdeviceptr ptr) {
  std::printf("cuMemFree 0x%llx\n", ptr);
  return CUDA_SUCCESS;
}
CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *, size_t bytes) {
  std::printf("cuMemcpyHtoD 0x%llx %zu\n", dst, bytes);
  return CUDA_SUCCESS;
}
CUresult cuLaunchKernel(CUfunction, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned shared,
                        CUstream, void **params, void **extra) {
  std::printf("cuLaunchKernel grid %u %u %u block %u %u %u shared %u extra %s\n",
              gx, gy, gz, bx, by, bz, shared, extra ? "yes" : "none");
  for (unsigned i = 0; i < paramCount; ++i) {
    unsigned long long value;
    std::memcpy(&value, params[i], 8);
    std::printf("  param %u 0x%llx\n", i, value);
  }
  return CUDA_SUCCESS;
}
CUresult cuTensorMapEncodeTiled(
    CUtensorMap *, CUtensorMapDataType type, cuuint32_t rank, void *address,
    const cuuint64_t *dims, const cuuint64_t *strides, const cuuint32_t *box,
    const cuuint32_t *elementStrides, CUtensorMapInterleave interleave,
    CUtensorMapSwizzle swizzle, CUtensorMapL2promotion l2,
    CUtensorMapFloatOOBfill oob) {
  std::printf("cuTensorMapEncodeTiled type %d rank %u address %p dims", int(type),
              rank, address);
  for (unsigned i = 0; i < rank; ++i)
    std::printf(" %llu", (unsigned long long)dims[i]);
  std::printf(" strides");
  for (unsigned i = 0; i + 1 < rank; ++i)
    std::printf(" %llu", (unsigned long long)strides[i]);
  std::printf(" box");
  for (unsigned i = 0; i < rank; ++i)
    std::printf(" %u", box[i]);
  std::printf(" element_strides");
  for (unsigned i = 0; i < rank; ++i)
    std::printf(" %u", elementStrides[i]);
  std::printf(" interleave %d swizzle %d l2 %d oob %d\n", int(interleave),
              int(swizzle), int(l2), int(oob));
  return CUDA_SUCCESS;
}
}

template <typename K, typename A>
static void run(const char *what, K &kernel, const A &args, unsigned count) {
  std::printf("== %s\n", what);
  CUresult r = kernel.prepare(args);
  if (r != CUDA_SUCCESS) {
    std::printf("prepare: %d %s\n", int(r), kernel.error());
    return;
  }
  paramCount = count;
  kernel.launch(nullptr);
}

int main() {
  {
    namespace g = tile_export::gemm;
    g::Kernel kernel;
    kernel.load();
    g::Args a;
    a.arg0 = 0x10000;
    a.arg1 = 0x20000;
    a.arg2 = 0x30000;
    a.M = 1000;
    a.K = 1000;
    a.N = 1000;
    run("gemm", kernel, a, g::kParamCount);
    // Padded rows (strides in elements).
    a.arg2_strides[0] = 1008;
    a.arg2_strides[1] = 1;
    run("gemm padded C", kernel, a, g::kParamCount);
    a.arg0 = 0x10008;
    run("gemm misaligned A", kernel, a, g::kParamCount);
    a.arg0 = 0x10000;
    a.M = 0;
    run("gemm empty", kernel, a, g::kParamCount);
  }
  {
    namespace s = tile_export::softmax;
    s::Kernel kernel;
    kernel.load();
    s::Args a;
    a.arg0 = 0x40000;
    a.arg1 = 0x50000;
    a.R = 100;
    a.C = 1000;
    run("softmax", kernel, a, s::kParamCount);
  }
  {
    namespace t = tile_export::attention;
    t::Kernel kernel;
    kernel.load();
    t::Args a;
    a.arg0 = 0x60000;
    a.arg1 = 0x70000;
    a.arg2 = 0x80000;
    a.arg3 = 0x90000;
    a.arg4 = 0.125f;
    a.arg5 = 1;
    a.B = 1;
    a.H = 2;
    a.S_Q = 300;
    a.S_KV = 100;
    unsigned grid[3] = {};
    bool fits = t::grid(a, grid);
    std::printf("attention grid %d %u %u %u\n", int(fits), grid[0], grid[1],
                grid[2]);
    run("attention", kernel, a, t::kParamCount);
  }
  return 0;
}
