// Throughput of the exponential instructions on one GPU (session 16,
// issue 9): is ex2.approx.f16x2 / .bf16x2 one SFU op for two values on
// sm_90, or two? Each thread runs 8 independent chains x = ex2(x) - c for
// ITERS steps; the result is stored so nothing is folded away. Prints
// exponentials a second (values, not instructions) for each form; SASS of
// this binary (cuobjdump -sass) shows what each form became.
#include <cstdio>
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

constexpr int ITERS = 4096, CHAINS = 8;

__global__ void f32_chains(float *out, float seed) {
  float x[CHAINS];
  for (int c = 0; c < CHAINS; ++c) x[c] = seed * (threadIdx.x + c) * 1e-9f;
  for (int i = 0; i < ITERS; ++i)
    for (int c = 0; c < CHAINS; ++c) {
      float y;
      asm volatile("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x[c]));
      x[c] = y - 1.5f;
    }
  float s = 0;
  for (int c = 0; c < CHAINS; ++c) s += x[c];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

__global__ void f16x2_chains(float *out, float seed) {
  unsigned x[CHAINS];
  for (int c = 0; c < CHAINS; ++c) {
    __half2 h = __floats2half2_rn(seed * (threadIdx.x + c) * 1e-9f, -0.25f);
    x[c] = *reinterpret_cast<unsigned *>(&h);
  }
  const __half2 k = __floats2half2_rn(1.5f, 1.5f);
  const unsigned ku = *reinterpret_cast<const unsigned *>(&k);
  for (int i = 0; i < ITERS; ++i)
    for (int c = 0; c < CHAINS; ++c) {
      unsigned y;
      asm volatile("ex2.approx.f16x2 %0, %1;" : "=r"(y) : "r"(x[c]));
      asm("sub.f16x2 %0, %1, %2;" : "=r"(x[c]) : "r"(y), "r"(ku));
    }
  float s = 0;
  for (int c = 0; c < CHAINS; ++c) {
    __half2 h = *reinterpret_cast<__half2 *>(&x[c]);
    s += __low2float(h) + __high2float(h);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

__global__ void bf16x2_chains(float *out, float seed) {
  unsigned x[CHAINS];
  for (int c = 0; c < CHAINS; ++c) {
    __nv_bfloat162 h = __floats2bfloat162_rn(seed * (threadIdx.x + c) * 1e-9f, -0.25f);
    x[c] = *reinterpret_cast<unsigned *>(&h);
  }
  const __nv_bfloat162 k = __floats2bfloat162_rn(1.5f, 1.5f);
  const unsigned ku = *reinterpret_cast<const unsigned *>(&k);
  for (int i = 0; i < ITERS; ++i)
    for (int c = 0; c < CHAINS; ++c) {
      unsigned y;
      asm volatile("ex2.approx.ftz.bf16x2 %0, %1;" : "=r"(y) : "r"(x[c]));
      asm("sub.rn.bf16x2 %0, %1, %2;" : "=r"(x[c]) : "r"(y), "r"(ku));
    }
  float s = 0;
  for (int c = 0; c < CHAINS; ++c) {
    __nv_bfloat162 h = *reinterpret_cast<__nv_bfloat162 *>(&x[c]);
    s += __low2float(h) + __high2float(h);
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

template <typename K> double rate(K kernel, int values_per_op, float *out) {
  int sms = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  dim3 grid(sms * 4), block(512);
  kernel<<<grid, block>>>(out, 1.0f);
  cudaEvent_t a, b;
  cudaEventCreate(&a);
  cudaEventCreate(&b);
  cudaEventRecord(a);
  for (int r = 0; r < 5; ++r) kernel<<<grid, block>>>(out, 1.0f);
  cudaEventRecord(b);
  cudaEventSynchronize(b);
  float ms = 0;
  cudaEventElapsedTime(&ms, a, b);
  double values = 5.0 * grid.x * block.x * double(ITERS) * CHAINS * values_per_op;
  return values / (ms * 1e-3);
}

int main() {
  float *out;
  cudaMalloc(&out, 1 << 24);
  int sms = 0, khz = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0);
  cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0);
  double f32 = rate(f32_chains, 1, out), h2 = rate(f16x2_chains, 2, out),
         b2 = rate(bf16x2_chains, 2, out);
  double per_clk = sms * (khz * 1e3);
  printf("ex2.approx.ftz.f32    %.3e values/s  %.2f a clock an SM (at the max clock)\n", f32, f32 / per_clk);
  printf("ex2.approx.f16x2      %.3e values/s  %.2f a clock an SM\n", h2, h2 / per_clk);
  printf("ex2.approx.ftz.bf16x2 %.3e values/s  %.2f a clock an SM\n", b2, b2 / per_clk);
  printf("%s\n", cudaGetErrorString(cudaGetLastError()));
  return 0;
}
