// The headers tile-run --export generated, compiled against the CUDA
// toolkit's cuda.h (test/tools/export.test, where /usr/local/cuda has it):
// every function of theirs is type-checked with the real declarations.

#include <cuda.h>

#include "attention.h"
#include "gemm.h"
#include "softmax.h"

CUresult launchAll(CUstream stream) {
  tile_export::gemm::Kernel gemm;
  tile_export::softmax::Kernel softmax;
  tile_export::attention::Kernel attention;
  CUresult r = gemm.load();
  if (r == CUDA_SUCCESS)
    r = gemm.prepare(tile_export::gemm::Args());
  if (r == CUDA_SUCCESS)
    r = gemm.launch(stream);
  if (r == CUDA_SUCCESS)
    r = softmax.load(tile_export::softmax::kPtx);
  if (r == CUDA_SUCCESS)
    r = softmax.prepare(tile_export::softmax::Args());
  if (r == CUDA_SUCCESS)
    r = attention.load();
  if (r == CUDA_SUCCESS)
    r = attention.prepare(tile_export::attention::Args());
  return r == CUDA_SUCCESS ? attention.launch(stream) : r;
}
