//===- compile_and_launch.cpp - tile's C++ API in one program -------------===//
//
// Compiles a tile kernel given as a string (a row softmax) for one
// configuration, prints what the compiler's LaunchInfo says about it, and,
// where a CUDA driver and an sm_90 GPU are present, launches it through the
// runtime and checks every output element against a host computation.
// Without a GPU it says so and exits 0 after compiling. docs/api.md walks
// through it.
//
//   tile-example-compile-and-launch [--compile-only] [--shape R=<n>,C=<n>]
//
// Links tile::compiler and tile::runtime (examples/CMakeLists.txt).
//
//===----------------------------------------------------------------------===//

#include "tile/Compiler/Compiler.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Module.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

using namespace tile;

// Y[r, :] = softmax(X[r, :]), bf16 in and out, fp32 arithmetic: a smaller
// tuning space than kernels/softmax.mlir, the same program.
static const char *kSoftmax = R"mlir(
!x_tile = tensor<?x?xbf16, #tile.shape<BLOCK_R, BLOCK_C>>
!f_tile = tensor<?x?xf32,  #tile.shape<BLOCK_R, BLOCK_C>>
!i_tile = tensor<?x?xi32,  #tile.shape<BLOCK_R, BLOCK_C>>
!m_tile = tensor<?x?xi1,   #tile.shape<BLOCK_R, BLOCK_C>>
!row    = tensor<?xf32,    #tile.shape<BLOCK_R>>

tile.kernel @softmax(%X: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>},
                     %Y: memref<?x?xbf16> {tile.shape = #tile.shape<R, C>})
    attributes {
      params = [#tile.param<"BLOCK_R", [1, 2]>,
                #tile.param<"WARPS", [4, 8]>,
                #tile.param<"BLOCK_C", [1024, 256, 512, 2048, 4096]>],
      constraints = [#tile.expr<"BLOCK_C >= C">,
                     #tile.expr<"BLOCK_C < 2 * max(C, 256)">,
                     #tile.expr<"BLOCK_R * BLOCK_C >= 256 * WARPS">,
                     #tile.expr<"BLOCK_R * BLOCK_C <= 64 * 32 * WARPS">],
      grid = [#tile.expr<"cdiv(R, BLOCK_R)">],
      num_warps = #tile.expr<"WARPS">,
      reference = "softmax"} {
  %c0 = arith.constant 0 : index
  %neg_inf = arith.constant 0xFF800000 : f32
  %log2e = arith.constant 1.44269504 : f32
  %one = arith.constant 1.0 : f32
  %C = tile.dim "C"
  %br = tile.param "BLOCK_R"
  %pid = tile.program_id x
  %r0 = arith.muli %pid, %br : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xbf16> -> !x_tile
  %xf = arith.extf %x : !x_tile to !f_tile
  // Columns past C (zeros from tile.load) take no part.
  %cols = tile.iota dim 1 : !i_tile
  %C_i32 = arith.index_cast %C : index to i32
  %C_t = tile.splat %C_i32 : !i_tile
  %in_row = arith.cmpi slt, %cols, %C_t : !i_tile
  %neg_inf_t = tile.splat %neg_inf : !f_tile
  %xm = arith.select %in_row, %xf, %neg_inf_t : !m_tile, !f_tile
  %m = tile.reduce max %xm dim 1 : !f_tile -> !row
  %m_b = tile.broadcast %m dim 1 : !row -> !f_tile
  %log2e_t = tile.splat %log2e : !f_tile
  %d = arith.subf %xm, %m_b : !f_tile
  %d2 = arith.mulf %d, %log2e_t : !f_tile
  %e = math.exp2 %d2 : !f_tile
  %sum = tile.reduce sum %e dim 1 : !f_tile -> !row
  %one_r = tile.splat %one : !row
  %inv = arith.divf %one_r, %sum : !row
  %inv_b = tile.broadcast %inv dim 1 : !row -> !f_tile
  %p = arith.mulf %e, %inv_b : !f_tile
  %y = arith.truncf %p : !f_tile to !x_tile
  tile.store %y, %Y[%r0, %c0] : !x_tile -> memref<?x?xbf16>
  tile.return
}
)mlir";

static const char *kindName(KernelParam::Kind kind) {
  switch (kind) {
  case KernelParam::Kind::Memref:
    return "memref descriptor";
  case KernelParam::Kind::TensorMap:
    return "TMA descriptor";
  case KernelParam::Kind::Scalar:
    return "scalar";
  case KernelParam::Kind::ProblemSize:
    return "problem size";
  }
  return "?";
}

/// Prints `error` after "compile_and_launch: <what>: " and returns 1.
static int fail(const std::string &what, llvm::Error error) {
  llvm::errs() << "compile_and_launch: " << what << ": "
               << llvm::toString(std::move(error)) << "\n";
  return 1;
}

/// Launches the compiled kernel on the GPU and checks Y against softmax in
/// double precision on the host. Returns the exit status.
static int runOnGpu(runtime::CudaDriver &driver, const LaunchInfo &info,
                    const Bindings &shape) {
  using namespace tile::runtime;
  int64_t R = shape.lookup("R"), C = shape.lookup("C");
  size_t count = size_t(R) * C, bytes = count * sizeof(uint16_t);

  // The PTX goes through the driver's JIT (ptxas inside libcuda): no CUDA
  // toolkit needed.
  auto module = Module::loadPTX(driver, info.ptx);
  if (!module)
    return fail("loading the PTX", module.takeError());
  auto function = module->getFunction(info.kernelName);
  if (!function)
    return fail("loading the PTX", function.takeError());

  std::vector<uint16_t> x(count), y(count);
  fillRandom(x.data(), ElementType::BF16, count, /*seed=*/1, -4.0, 4.0);
  auto dx = DeviceBuffer::allocate(driver, bytes);
  if (!dx)
    return fail("allocating X", dx.takeError());
  auto dy = DeviceBuffer::allocate(driver, bytes);
  if (!dy)
    return fail("allocating Y", dy.takeError());
  if (auto err = dx->copyFromHost(x.data(), bytes))
    return fail("uploading X", std::move(err));
  // NaN everywhere, so an element the kernel does not write fails the check.
  if (auto err = dy->fill(0xFF))
    return fail("poisoning Y", std::move(err));

  // One argument per tile.kernel argument, in order; the launcher expands
  // each to the kernel parameters LaunchInfo::params lists.
  std::vector<ArgValue> args = {ArgValue::tensor(dx->ptr(), {R, C}),
                                ArgValue::tensor(dy->ptr(), {R, C})};
  Launcher launcher(driver);
  if (auto err = launcher.launch(*function, info, args, shape,
                                 /*stream=*/nullptr))
    return fail("launching", std::move(err));
  if (auto err = driver.synchronize())
    return fail("running", std::move(err));
  if (auto err = dy->copyToHost(y.data(), bytes))
    return fail("downloading Y", std::move(err));

  // bf16 keeps 8 significant bits: allow 1/128 of the exact value.
  size_t wrong = 0;
  double worst = 0;
  for (int64_t r = 0; r < R; ++r) {
    const uint16_t *xr = &x[size_t(r) * C];
    double m = -INFINITY, sum = 0;
    for (int64_t c = 0; c < C; ++c)
      m = std::max(m, double(bf16ToFloat(xr[c])));
    for (int64_t c = 0; c < C; ++c)
      sum += std::exp(double(bf16ToFloat(xr[c])) - m);
    for (int64_t c = 0; c < C; ++c) {
      double exact = std::exp(double(bf16ToFloat(xr[c])) - m) / sum;
      double got = bf16ToFloat(y[size_t(r) * C + c]);
      double error = std::fabs(got - exact) / (exact / 128 + 1e-30);
      if (!(error <= 1.0)) { // NaN too
        if (wrong++ < 5)
          llvm::errs() << "  Y[" << r << ", " << c << "] = " << got
                       << ", expected " << exact << "\n";
      }
      worst = std::max(worst, error);
    }
  }
  if (wrong) {
    llvm::outs() << "WRONG: " << wrong << " of " << count
                 << " elements outside the bound\n";
    return 1;
  }
  llvm::outs() << "verified: " << count
               << " elements within 1/128 of the host's softmax (worst "
               << llvm::format("%.3f", worst) << " of the bound)\n";
  return 0;
}

int main(int argc, char **argv) {
  bool compileOnly = false;
  std::string shapeText = "R=1000,C=1000";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--compile-only")) {
      compileOnly = true;
    } else if (!std::strcmp(argv[i], "--shape") && i + 1 < argc) {
      shapeText = argv[++i];
    } else {
      llvm::errs() << "usage: " << argv[0]
                   << " [--compile-only] [--shape R=<n>,C=<n>]\n";
      return 2;
    }
  }
  Bindings shape;
  if (auto err = parseBindings(shapeText, shape))
    return fail("--shape", std::move(err));
  if (shape.size() != 2 || shape.lookup("R") <= 0 || shape.lookup("C") <= 0)
    return fail("--shape", llvm::createStringError(
                               "expected R=<n>,C=<n> with positive sizes"));

  // 1. Parse and check the kernel (its diagnostics carry buffer:line:col).
  auto source = KernelSource::fromString(kSoftmax, "softmax.mlir");
  if (!source)
    return fail("parsing the kernel", source.takeError());
  KernelSource &kernel = **source;
  llvm::outs() << "kernel @" << kernel.name() << ": parameters";
  for (const ParamInfo &param : kernel.params())
    llvm::outs() << " " << param.name;
  llvm::outs() << "; problem sizes";
  for (const std::string &size : kernel.problemSizes())
    llvm::outs() << " " << size;
  llvm::outs() << "\n";

  // 2. The configurations its constraints admit for this shape; the first
  //    is the default (each parameter's first candidate, where admitted).
  std::vector<Bindings> space = kernel.configSpace(shape);
  if (space.empty())
    return fail("configSpace", llvm::createStringError(
                                   "no configuration fits " + shapeText));
  std::vector<std::string> paramNames;
  for (const ParamInfo &param : kernel.params())
    paramNames.push_back(param.name);
  llvm::outs() << "shape " << formatBindings(shape, kernel.problemSizes())
               << ": " << space.size() << " config(s); compiling "
               << formatBindings(space.front(), paramNames) << "\n";

  // 3. Compile that one configuration to PTX (sm_90a by default).
  auto compiled = kernel.compile(space.front());
  if (!compiled)
    return fail("compiling", compiled.takeError());
  const LaunchInfo &info = *compiled;
  auto grid = runtime::evaluateGrid(info, shape);
  if (!grid)
    return fail("evaluating the grid", grid.takeError());
  llvm::outs() << "entry " << info.kernelName << ": PTX " << info.ptx.size()
               << " bytes\n";
  llvm::outs() << "grid";
  for (const std::string &extent : info.grid)
    llvm::outs() << " [" << extent << "]";
  llvm::outs() << " = " << (*grid)[0] << " x " << (*grid)[1] << " x "
               << (*grid)[2] << "\n";
  llvm::outs() << "block " << info.blockThreads << " threads, "
               << info.sharedMemoryBytes << " bytes of dynamic shared memory\n";
  llvm::outs() << "kernel parameters:";
  for (const KernelParam &param : info.params)
    llvm::outs() << " "
                 << (param.kind == KernelParam::Kind::ProblemSize
                         ? param.symbol
                         : info.args[param.argIndex].name)
                 << " (" << kindName(param.kind) << ")";
  llvm::outs() << "\n";

  // 4. Run it where a GPU it was compiled for is present.
  if (compileOnly) {
    llvm::outs() << "compile only: nothing run\n";
    return 0;
  }
  auto driver = runtime::CudaDriver::get();
  if (!driver) {
    llvm::outs() << "no GPU (" << llvm::toString(driver.takeError())
                 << "): compiled only, nothing run\n";
    return 0;
  }
  auto device = driver->deviceInfo();
  if (!device)
    return fail("querying the GPU", device.takeError());
  if (device->ccMajor != 9 || device->ccMinor != 0) {
    llvm::outs() << "GPU " << device->name << " is sm_" << device->ccMajor
                 << device->ccMinor
                 << "; the kernel was compiled for sm_90a: nothing run\n";
    return 0;
  }
  llvm::outs() << "GPU " << device->name << "\n";
  return runOnGpu(*driver, info, shape);
}
