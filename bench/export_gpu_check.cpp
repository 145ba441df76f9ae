// On the GPU machine (session 7): a program that uses only the files
// `tile-run --export` wrote (gemm.h, gemm.ptx) and the CUDA driver API: it
// loads the kernel, prepares a launch for C = A B (bf16, M x K times K x N,
// partial blocks), launches it directly and again through a captured CUDA
// graph, and checks every element of C against a host GEMM in double on
// the same bf16 inputs (bound: 2^-7 |c| + 2^-10 sqrt(K), bf16 output and
// fp32 accumulation). Build: g++ -std=c++17 -I<export dir>
// -I/usr/local/cuda/include export_gpu_check.cpp -lcuda.
#include "gemm.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#define CHECK(call)                                                            \
  do {                                                                         \
    CUresult r_ = (call);                                                      \
    if (r_ != CUDA_SUCCESS) {                                                  \
      std::printf("FAILED: %s -> %d\n", #call, int(r_));                       \
      return 1;                                                                \
    }                                                                          \
  } while (0)

static uint16_t toBf16(float f) { // round to nearest even
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u += 0x7FFF + ((u >> 16) & 1);
  return uint16_t(u >> 16);
}
static float fromBf16(uint16_t h) {
  uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

int main() {
  const int64_t M = 1000, N = 776, K = 520;
  CHECK(cuInit(0));
  CUdevice dev;
  CHECK(cuDeviceGet(&dev, 0));
  CUcontext ctx;
  CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
  CHECK(cuCtxSetCurrent(ctx));
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<uint16_t> a(M * K), b(K * N), c(M * N, 0x7FC0);
  for (auto &x : a) x = toBf16(u(rng));
  for (auto &x : b) x = toBf16(u(rng));
  CUdeviceptr dA, dB, dC;
  CHECK(cuMemAlloc(&dA, a.size() * 2));
  CHECK(cuMemAlloc(&dB, b.size() * 2));
  CHECK(cuMemAlloc(&dC, c.size() * 2));
  CHECK(cuMemcpyHtoD(dA, a.data(), a.size() * 2));
  CHECK(cuMemcpyHtoD(dB, b.data(), b.size() * 2));
  std::vector<double> ref(M * N, 0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t k = 0; k < K; ++k) {
      double x = fromBf16(a[i * K + k]);
      for (int64_t j = 0; j < N; ++j)
        ref[i * N + j] += x * fromBf16(b[k * N + j]);
    }
  auto check = [&](const char *what) {
    std::vector<uint16_t> out(M * N);
    if (cuMemcpyDtoH(out.data(), dC, out.size() * 2) != CUDA_SUCCESS)
      return false;
    int64_t bad = 0;
    double worst = 0;
    for (int64_t e = 0; e < M * N; ++e) {
      double g = fromBf16(out[e]), r = ref[e];
      double bound = std::ldexp(std::fabs(r), -7) + std::ldexp(std::sqrt(double(K)), -10);
      double ratio = std::fabs(g - r) / bound;
      if (!(ratio <= 1)) ++bad;
      if (ratio > worst || std::isnan(ratio)) worst = ratio;
    }
    std::printf("%s: %lld of %lld elements over the bound, worst err/bound %.3f: %s\n",
                what, (long long)bad, (long long)(M * N), worst,
                bad ? "WRONG" : "verified");
    return bad == 0;
  };
  tile_export::gemm::Kernel kernel;
  CHECK(kernel.load());
  tile_export::gemm::Args args;
  args.arg0 = dA;
  args.arg1 = dB;
  args.arg2 = dC;
  args.M = M;
  args.N = N;
  args.K = K;
  CHECK(kernel.prepare(args));
  CHECK(kernel.launch(nullptr));
  CHECK(cuCtxSynchronize());
  bool ok = check("direct launch");
  // Again, captured in a CUDA graph (C poisoned first).
  CHECK(cuMemsetD16(dC, 0x7FC0, M * N));
  CUstream stream;
  CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  CUgraph graph;
  CHECK(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL));
  CHECK(kernel.launch(stream));
  CHECK(cuStreamEndCapture(stream, &graph));
  CUgraphExec exec;
  CHECK(cuGraphInstantiate(&exec, graph, 0));
  CHECK(cuGraphLaunch(exec, stream));
  CHECK(cuStreamSynchronize(stream));
  ok = check("CUDA graph launch") && ok;
  std::printf("grid %u x %u x %u, %u threads, %u bytes of shared memory\n",
              kernel.gridDims()[0], kernel.gridDims()[1], kernel.gridDims()[2],
              tile_export::gemm::kBlockThreads,
              tile_export::gemm::kSharedMemoryBytes);
  return ok ? 0 : 1;
}
