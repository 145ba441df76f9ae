//===- CudaEmulation.h - run simple CUDA kernels on the host ----*- C++ -*-===//
//
// Just enough of CUDA to run lib/Runtime/cuda/ReferenceKernels.cu on the CPU
// in the GPU-free tests: every thread of a block is a std::thread, blocks
// run one after the other, __syncthreads is a barrier, and a warp shuffle
// is two barriers around a shared exchange slot (the reference kernels call
// their shuffles in uniform control flow, as the emulation needs). Dynamic
// shared memory is one static array, so a block gets it whole. Slow, but
// exact: the same arithmetic in the same order as the device code, with
// ordinary C++ bounds (run the tests under a sanitizer to check indexing).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_UNITTESTS_CUDAEMULATION_H
#define TILE_UNITTESTS_CUDAEMULATION_H

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

// Everything is at global scope, where the CUDA code expects its builtins
// (`extern __shared__ float4 smem4[]` names a global).

struct Dim3 {
  unsigned x = 0, y = 0, z = 0;
};

/// A reusable barrier for `count` threads.
class Barrier {
public:
  explicit Barrier(unsigned count) : count(count) {}
  void wait() {
    std::unique_lock<std::mutex> lock(mutex);
    unsigned gen = generation;
    if (++arrived == count) {
      arrived = 0;
      ++generation;
      cv.notify_all();
      return;
    }
    cv.wait(lock, [&] { return gen != generation; });
  }

private:
  std::mutex mutex;
  std::condition_variable cv;
  unsigned count, arrived = 0, generation = 0;
};

struct BlockState {
  Barrier *barrier = nullptr;
  std::vector<float> exchange;
  std::vector<double> exchange64; // the shuffles of doubles
};

inline thread_local Dim3 threadIdx, blockIdx;
inline Dim3 gridDim;
inline BlockState emulatedBlock;

inline void __syncthreads() { emulatedBlock.barrier->wait(); }

inline float __shfl_xor_sync(unsigned, float value, int laneMask) {
  unsigned t = threadIdx.x;
  emulatedBlock.exchange[t] = value;
  emulatedBlock.barrier->wait();
  float other = emulatedBlock.exchange[(t & ~31u) | ((t & 31u) ^ laneMask)];
  emulatedBlock.barrier->wait();
  return other;
}

inline double __shfl_xor_sync(unsigned, double value, int laneMask) {
  unsigned t = threadIdx.x;
  emulatedBlock.exchange64[t] = value;
  emulatedBlock.barrier->wait();
  double other = emulatedBlock.exchange64[(t & ~31u) | ((t & 31u) ^ laneMask)];
  emulatedBlock.barrier->wait();
  return other;
}

inline float __uint_as_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline unsigned long long atomicAdd(unsigned long long *address,
                                    unsigned long long value) {
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
}
inline unsigned long long atomicMin(unsigned long long *address,
                                    unsigned long long value) {
  unsigned long long old = __atomic_load_n(address, __ATOMIC_RELAXED);
  while (value < old &&
         !__atomic_compare_exchange_n(address, &old, value, true,
                                      __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  return old;
}

struct alignas(16) float4 {
  float x, y, z, w;
};
inline float4 make_float4(float x, float y, float z, float w) {
  return {x, y, z, w};
}

/// Dynamic shared memory of one block (the largest the reference kernels
/// use, 222208 bytes, fits).
inline float4 smem4[232448 / sizeof(float4)];

/// Runs `kernel` (a function of the thread and block indices) over the grid
/// with `threads` threads per block; clears shared memory between blocks.
/// gridDim is set for the kernel.
inline void emulateLaunch(Dim3 grid, unsigned threads,
                   const std::function<void()> &kernel) {
  gridDim = {std::max(1u, grid.x), std::max(1u, grid.y), 1};
  for (unsigned by = 0; by < std::max(1u, grid.y); ++by)
    for (unsigned bx = 0; bx < std::max(1u, grid.x); ++bx) {
      std::memset(smem4, 0, sizeof(smem4));
      Barrier barrier(threads);
      emulatedBlock.barrier = &barrier;
      emulatedBlock.exchange.assign(threads, 0.0f);
      emulatedBlock.exchange64.assign(threads, 0.0);
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t, bx, by] {
          threadIdx = {t, 0, 0};
          blockIdx = {bx, by, 0};
          kernel();
        });
      for (std::thread &th : pool)
        th.join();
    }
}

using std::min;

// The CUDA keywords the reference kernels use.
#define __device__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(threads)
#define __shared__

#endif // TILE_UNITTESTS_CUDAEMULATION_H
